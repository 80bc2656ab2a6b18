// npm run bench -- [--dialect sqlite|postgres|both] [--seconds 5] [--warmup 3] [--latency-seconds 3] [--connections 10]
//                  [--users 100000] [--numbers 100000] [--scale 100k|million|both] [--profile]
//                  [--only <scenario name part>]
// Belfry and a bare Fastify route, each in its own process, driven from here over loopback with
// autocannon; the ratios compare the two as measured in the same run. See bench/README.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Dialect } from '../src/store/database.js';
import type { BareRoute } from './bare.js';
import { startChild, type Child } from './children.js';
import { measure, percentile, throughput, type LoadOptions, type Measurement } from './load.js';
import { checkAcrossDialects, checkAgainstFloor } from './floor-targets.js';
import { explainPhoneListing } from './plans.js';
import {
  checkTargets,
  compare,
  printPlans,
  printFloor,
  printResults,
  printTargets,
  type FloorComparison,
  type ScenarioResult,
  type TargetResult,
} from './report.js';
import { fetchOk, prepareScenarios, type Scenario } from './scenarios.js';
import { signGet } from './sign.js';
import { basicAuth, liveCheckRequest, refreshLoops, refreshTokensOf } from './sign-in.js';
import { freePort, startCallback } from '../test/oidc/flow.js';
import { MILLION, type PopulationSize } from '../test/helpers/population.js';
import { seed, type Seeded } from './seed.js';

// --instances 2: several instances on one PostgreSQL database, a benchmark of its own (bench/fleet.ts).
if (process.argv.includes('--instances')) {
  await import('./fleet.js');
  process.exit(0);
}
const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    'latency-seconds': { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    users: { type: 'string', default: '100000' },
    numbers: { type: 'string', default: '100000' },
    scale: { type: 'string', default: '100k' },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const dialects: Dialect[] =
  args.dialect === 'both' ? ['sqlite', 'postgres'] : args.dialect === 'postgres' ? ['postgres'] : ['sqlite'];
if (!['sqlite', 'postgres', 'both'].includes(args.dialect))
  throw new Error('--dialect is sqlite, postgres or both');
const load: LoadOptions = {
  seconds: positive('seconds'),
  warmupSeconds: positive('warmup'),
  connections: positive('connections'),
  latencySeconds: positive('latency-seconds'),
};
if (!['100k', 'million', 'both'].includes(args.scale)) throw new Error('--scale is 100k, million or both');
// 100k: one account of --users members and --numbers numbers; million: issue 16's population.
const oneAccount = (): PopulationSize => {
  const users = positive('users');
  return { users, accounts: 1, largestAccount: users, phoneNumbers: positive('numbers') };
};
const sizes: PopulationSize[] =
  args.scale === 'million' ? [MILLION] : args.scale === 'both' ? [oneAccount(), MILLION] : [oneAccount()];
for (const size of sizes) {
  if (size.users < 1000) throw new Error('--users must be at least 1000');
  if (size.phoneNumbers < 1000) throw new Error('--numbers must be at least 1000');
}
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

function positive(
  name: 'seconds' | 'warmup' | 'connections' | 'latency-seconds' | 'users' | 'numbers',
): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

interface DialectReport {
  dialect: Dialect;
  users: number;
  accounts: number;
  /** the members of the largest account, which the scenarios ask about */
  largestAccount: number;
  phoneNumbers: number;
  /** the population's load (one transaction), and the whole seed */
  loadSeconds: number;
  seedSeconds: number;
  /** the plan of the store query behind each ListPhoneNumbers scenario */
  queryPlans: Record<string, string[]>;
  scenarios: ScenarioResult[];
  /** GetUser beside its floor (bench/floor.ts) and the bare route */
  floor?: FloorComparison;
  targets: TargetResult[];
}

async function benchDialect(dialect: Dialect, size: PopulationSize): Promise<DialectReport> {
  const where =
    size.accounts === 1
      ? 'in one account'
      : `over ${size.accounts.toLocaleString('en')} accounts (the scenarios ask about one of ${size.largestAccount.toLocaleString('en')})`;
  console.log(
    `\n== ${dialect}: seeding ${size.users.toLocaleString('en')} users ${where}, their identities and ` +
      `${size.phoneNumbers.toLocaleString('en')} phone numbers`,
  );
  const callback = await startCallback();
  const cpuBefore = process.cpuUsage();
  const seeded = await seed(dialect, size, callback.url);
  const seedCpu = process.cpuUsage(cpuBefore);
  console.log(
    `   seeded in ${seeded.seedSeconds.toFixed(1)} s (the load ${seeded.loadSeconds.toFixed(1)} s; ` +
      `${((seedCpu.user + seedCpu.system) / 1e6).toFixed(1)} s of this process's CPU; not measured)`,
  );
  const scratch = mkdtempSync(join(tmpdir(), 'belfry-bench-'));
  const children: Child[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const child of [...children].reverse()) await child.stop();
      await callback.close();
      rmSync(scratch, { recursive: true, force: true });
      await seeded.drop();
    })());
  // Ctrl-C still drops the seeded database (the children follow the parent out by themselves).
  const onInterrupt = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onInterrupt);
  try {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const belfry = await startChild('server', {
      env: {
        PORT: String(port),
        BELFRY_PUBLIC_URL: origin,
        DATABASE_URL: seeded.databaseUrl,
        BELFRY_MASTER_KEY: seeded.masterKeyHex,
        BELFRY_DATA_DIR: scratch,
        LOG_LEVEL: 'warn',
        BELFRY_JOBS: 'false',
        // The load comes from one key at full speed: the default budget would measure refusals.
        BELFRY_API_REQUESTS_PER_SECOND: '1000000',
        BELFRY_API_BURST: '10000000',
      },
      nodeFlags: args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(resultsDir, 'profiles')}`] : [],
    });
    children.push(belfry);
    const scenarios = [
      ...(await prepareScenarios(origin, seeded, args.only)),
      ...(await liveCheckScenarios(origin, seeded)),
    ];
    const issuance = wanted(TOKEN_ISSUANCE) ? await prepareIssuance(origin, seeded) : undefined;
    if (scenarios.length === 0 && !issuance) throw new Error(`--only ${args.only} matches no scenario`);
    const queryPlans: Record<string, string[]> = {};
    for (const { name, phoneQuery } of scenarios)
      if (phoneQuery) queryPlans[name] = await explainPhoneListing(seeded.db, dialect, phoneQuery);
    printPlans(dialect, queryPlans);

    const routesFile = join(scratch, 'bare-routes.json');
    const routes: BareRoute[] = scenarios.map((s) => {
      const url = new URL(s.request.url);
      return { url: url.pathname + url.search, body: s.body };
    });
    if (issuance) routes.push({ url: '/oidc/token', body: issuance.sampleBody, method: 'POST' });
    writeFileSync(routesFile, JSON.stringify(routes));
    const bare = await startChild('bare', { env: { BENCH_BARE_ROUTES: routesFile } });
    children.push(bare);

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      process.stdout.write(`   ${scenario.name}: Belfry… `);
      const onBelfry = await measure(scenario.request, load, belfry.cpuMicros);
      process.stdout.write('bare… ');
      // Same path, query and signed headers; only the port (and so the Host header) differs.
      const bareUrl = new URL(scenario.request.url);
      bareUrl.port = String(bare.port);
      const onBare = await measure(
        { url: bareUrl.toString(), headers: { ...scenario.request.headers, host: bareUrl.host } },
        load,
        bare.cpuMicros,
      );
      console.log('done');
      results.push(compare(scenario.name, scenario.body, onBelfry, onBare));
    }
    if (issuance) {
      process.stdout.write(`   ${TOKEN_ISSUANCE}: Belfry… `);
      const onBelfry = await measureIssuance(
        `${origin}/oidc/token`,
        issuance.tokens,
        belfry.cpuMicros,
        seeded,
      );
      process.stdout.write('bare… ');
      const onBare = await measureIssuance(
        `http://127.0.0.1:${bare.port}/oidc/token`,
        issuance.tokens.map(() => 'bare'),
        bare.cpuMicros,
        seeded,
      );
      console.log('done');
      results.push(compare(TOKEN_ISSUANCE, issuance.sampleBody, onBelfry, onBare));
    }
    const getUser = scenarios.find((s) => s.name === 'GetUser');
    const floor = getUser ? await compareWithFloor(getUser, seeded, belfry, bare, children) : undefined;
    console.log();
    printResults(results, load.connections, dialect);
    if (floor) printFloor(floor, load.connections);
    console.log();
    const targets = [
      ...checkTargets(
        dialect,
        results,
        floor,
        `${size.users.toLocaleString('en')} users, ${size.phoneNumbers.toLocaleString('en')} numbers`,
      ),
      ...(floor ? [checkAgainstFloor(dialect, floor)] : []),
    ];
    printTargets(targets);
    return {
      dialect,
      users: size.users,
      accounts: size.accounts,
      largestAccount: size.largestAccount,
      phoneNumbers: size.phoneNumbers,
      loadSeconds: seeded.loadSeconds,
      seedSeconds: seeded.seedSeconds,
      queryPlans,
      scenarios: results,
      ...(floor && { floor }),
      targets,
    };
  } finally {
    process.off('SIGINT', onInterrupt);
    await cleanUp();
  }
}

const FLOOR_ROUNDS = 3;

/**
 * GetUser on Belfry, on its floor (bench/floor.ts: the least any server can do to answer it) and
 * on the bare route, each in turn for a throughput run, FLOOR_ROUNDS times: this machine's speed
 * drifts between runs, so each round's ratios are taken against the bare route of that round.
 * The floor's answer is checked first to be Belfry's, byte for byte.
 */
async function compareWithFloor(
  getUser: Scenario,
  seeded: Seeded,
  belfry: Child,
  bare: Child,
  children: Child[],
): Promise<FloorComparison> {
  process.stdout.write('   GetUser beside its floor: ');
  const floor = await startChild('floor', {
    env: { DATABASE_URL: seeded.databaseUrl, BELFRY_MASTER_KEY: seeded.masterKeyHex },
  });
  children.push(floor);
  // Signed anew, now (a signature holds for 15 minutes, and the scenarios before took a while),
  // and for each server's own address (the signature covers the Host header).
  const url = new URL(getUser.request.url);
  const pathAndQuery = url.pathname + url.search;
  const onBelfry = await signGet(url.origin, pathAndQuery, seeded.credentials);
  const onFloor = await signGet(`http://127.0.0.1:${floor.port}`, pathAndQuery, seeded.credentials);
  const answer = await fetchOk(onFloor);
  if (answer !== getUser.body) throw new Error(`the GetUser floor answered ${answer}, not Belfry's body`);
  const onBare = new URL(url);
  onBare.port = String(bare.port);
  const bareRequest = { url: onBare.toString(), headers: { ...onBelfry.headers, host: onBare.host } };
  await throughput(onFloor, load.connections, load.warmupSeconds, floor.cpuMicros);
  const rounds: FloorComparison['rounds'] = [];
  for (let round = 1; round <= FLOOR_ROUNDS; round++) {
    process.stdout.write(`${round}… `);
    rounds.push({
      belfry: await throughput(onBelfry, load.connections, load.seconds, belfry.cpuMicros),
      floor: await throughput(onFloor, load.connections, load.seconds, floor.cpuMicros),
      bare: await throughput(bareRequest, load.connections, load.seconds, bare.cpuMicros),
    });
  }
  console.log('done');
  return { rounds };
}

const TOKEN_ISSUANCE = 'Token issuance (refresh grant)';
const wanted = (name: string) => args.only === undefined || name.includes(args.only);

/**
 * The live check as an app asks it, for a Pro user (may host) and a Basic one (may not), each
 * fetched once and checked like the other scenarios.
 */
async function liveCheckScenarios(origin: string, seeded: Seeded): Promise<Scenario[]> {
  const { userIds, subs, licenses } = seeded;
  const pro = userIds.find((id, i) => i > userIds.length / 2 && licenses.get(id) === 'Pro')!;
  const basic = userIds.find((id, i) => i > userIds.length / 2 && licenses.get(id) === 'Basic')!;
  const scenarios: Scenario[] = [];
  for (const [name, userId, allowed] of [
    ['Live check meetings:host (Pro)', pro, true],
    ['Live check meetings:host (Basic)', basic, false],
  ] as const) {
    if (!wanted(name)) continue;
    const request = liveCheckRequest(origin, seeded, subs.get(userId)!, 'meetings:host');
    const response = await fetch(request.url, { headers: request.headers });
    const body = await response.text();
    if (!response.ok || (JSON.parse(body) as { allowed?: boolean }).allowed !== allowed)
      throw new Error(`${name}: Belfry answered ${response.status} ${body}`);
    scenarios.push({ name, request, body });
  }
  return scenarios;
}

/** Signs people in for the refresh chains, and takes one answer as the bare route's body. */
async function prepareIssuance(origin: string, seeded: Seeded) {
  const [sample, ...tokens] = await refreshTokensOf(origin, seeded, load.connections + 1);
  const once = await refreshLoops(`${origin}/oidc/token`, basicAuth(seeded), [sample!], 0.001);
  return { tokens, sampleBody: once.lastBody };
}

/** The refresh grant, measured like the autocannon scenarios: warm-up, one chain, then all. */
async function measureIssuance(
  tokenUrl: string,
  tokens: string[],
  cpuMicros: () => Promise<number>,
  seeded: Seeded,
): Promise<Measurement> {
  const auth = basicAuth(seeded);
  // Each loop hands back its chains' newest tokens: a rotated-away token is refused.
  let chains = (await refreshLoops(tokenUrl, auth, tokens, load.warmupSeconds)).tokens;
  const single = await refreshLoops(tokenUrl, auth, chains.slice(0, 1), load.latencySeconds);
  chains = [single.tokens[0]!, ...chains.slice(1)];
  const before = await cpuMicros();
  const loaded = await refreshLoops(tokenUrl, auth, chains, load.seconds);
  const cpu = (await cpuMicros()) - before;
  return {
    requestsPerSecond: loaded.requests / loaded.seconds,
    p99Ms: percentile(loaded.latencies, 0.99),
    cpuMicrosPerRequest: cpu / loaded.requests,
    single: { p50Ms: percentile(single.latencies, 0.5), p99Ms: percentile(single.latencies, 0.99) },
  };
}

// Figures from a machine that is busy with other work are noisy: say so up front.
const loadBefore = loadavg()[0]!;
console.log(`load average ${loadBefore.toFixed(2)} on ${cpus().length} cores before the run`);
if (loadBefore > cpus().length / 2)
  console.log(
    'warning: the machine is busy with other work; throughput figures will be noisy (CPU per request less so)',
  );
const reports: DialectReport[] = [];
const acrossDialects: ReturnType<typeof checkAcrossDialects> = [];
for (const size of sizes) {
  const ofSize: DialectReport[] = [];
  for (const dialect of dialects) ofSize.push(await benchDialect(dialect, size));
  reports.push(...ofSize);
  // PostgreSQL is compared with SQLite at the same population only.
  const compared = checkAcrossDialects(ofSize);
  if (compared.length === 0) continue;
  console.log(`\n== PostgreSQL beside SQLite, ${size.users.toLocaleString('en')} users`);
  printTargets(compared);
  acrossDialects.push(...compared);
}

mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, 'latest.json');
writeFileSync(
  file,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
      loadAverageBefore: loadBefore,
      load,
      reports,
      acrossDialects,
    },
    null,
    2,
  ) + '\n',
);
console.log(
  `\nresults written to ${file}${args.profile ? `; CPU profiles in ${join(resultsDir, 'profiles')}` : ''}`,
);
