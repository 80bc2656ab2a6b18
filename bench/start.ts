// npm run bench:start -- [--dialect sqlite|postgres|both] [--idle-seconds 10] [--rounds 3] [--sources]
// Issue 16's start targets: a cold start to healthy under 2 s and an idle process under 150 MB RSS.
// Starts the server as `npm start` does (build/main.mjs, bundled by scripts/build-server.mjs; with
// --sources also as before, src/main.ts under tsx, for comparison), times it from spawn to the
// first 200 of GET /health, lets it idle and reads its resident set from /proc. See bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEmptyPostgresDatabase } from '../test/helpers/databases.js';
import { freePort } from '../test/oidc/flow.js';
import { printTargets, type TargetResult } from './report.js';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    'idle-seconds': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    sources: { type: 'boolean', default: false },
  },
});
const START_LIMIT_MS = 2000;
const RSS_LIMIT_MB = 150;
const root = fileURLToPath(new URL('..', import.meta.url));
const idleSeconds = Number(args['idle-seconds']);
const rounds = Number(args.rounds);
const dialects = args.dialect === 'both' ? ['sqlite', 'postgres'] : [args.dialect];

/** How the server is started: as `npm start` runs it, or from the sources under tsx. */
const WAYS = {
  bundle: ['--enable-source-maps', 'build/main.mjs'],
  sources: ['--import', 'tsx', 'src/main.ts'],
} as const;
type Way = keyof typeof WAYS;

interface Start {
  /** spawn to the first 200 of GET /health */
  healthyMs: number;
  /** the server's CPU time (user + system) up to then: steadier than wall time on a busy machine */
  cpuMs: number;
  /** VmRSS after idling */
  rssMb: number;
}

/** A process's CPU time so far, from /proc/<pid>/stat (utime and stime, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One start on the given database: time to healthy, then the resident set after `idleSeconds`. */
async function startOnce(way: Way, env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, WAYS[way], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const healthyMs = performance.now() - started;
    const cpuMs = cpuMsOf(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    return { healthyMs, cpuMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** A fresh, empty database (the first start migrates it); its settings and how to remove it. */
async function freshDatabase(dialect: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'belfry-start-'));
  const env: Record<string, string> = { BELFRY_DATA_DIR: dataDir };
  let dropDatabase = async () => {};
  if (dialect === 'postgres') {
    const empty = await createEmptyPostgresDatabase();
    env.DATABASE_URL = empty.url;
    dropDatabase = empty.drop;
  }
  return {
    env,
    remove: async () => (await dropDatabase(), rmSync(dataDir, { recursive: true, force: true })),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const built = spawnSync(process.execPath, ['scripts/build-server.mjs', '--if-stale'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) throw new Error('scripts/build-server.mjs failed');
const loadBefore = loadavg();
console.log(
  `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores; ` +
    `${rounds} restarts after a first start, ${idleSeconds} s idle before RSS is read`,
);
const targets: TargetResult[] = [];
const ways: Way[] = args.sources ? ['bundle', 'sources'] : ['bundle'];
for (const dialect of dialects) {
  for (const way of ways) {
    const database = await freshDatabase(dialect);
    try {
      // The first start migrates the empty database and creates the operator key; then restarts.
      const first = await startOnce(way, database.env);
      const restarts: Start[] = [];
      for (let n = 0; n < rounds; n++) restarts.push(await startOnce(way, database.env));
      const healthy = median(restarts.map((s) => s.healthyMs));
      const rss = median(restarts.map((s) => s.rssMb));
      console.log(
        `${dialect}, ${way}: first start ${first.healthyMs.toFixed(0)} ms (${first.cpuMs} ms CPU, ` +
          `${first.rssMb.toFixed(0)} MB idle); restarts ${restarts.map((s) => s.healthyMs.toFixed(0)).join(', ')} ms ` +
          `(${restarts.map((s) => s.cpuMs).join(', ')} ms CPU), ${restarts.map((s) => s.rssMb.toFixed(0)).join(', ')} MB idle`,
      );
      if (way !== 'bundle') continue;
      targets.push(
        {
          target: `cold start to healthy < ${START_LIMIT_MS} ms (${dialect}, first start on an empty database)`,
          value: `${first.healthyMs.toFixed(0)} ms (${first.cpuMs} ms CPU)`,
          verdict: first.healthyMs < START_LIMIT_MS ? 'PASS' : 'MISS',
        },
        {
          target: `cold start to healthy < ${START_LIMIT_MS} ms (${dialect}, median restart)`,
          value: `${healthy.toFixed(0)} ms (${median(restarts.map((s) => s.cpuMs))} ms CPU)`,
          verdict: healthy < START_LIMIT_MS ? 'PASS' : 'MISS',
        },
        {
          target: `idle RSS < ${RSS_LIMIT_MB} MB (${dialect}, median restart, ${idleSeconds} s idle)`,
          value: `${rss.toFixed(0)} MB`,
          verdict: rss < RSS_LIMIT_MB ? 'PASS' : 'MISS',
        },
      );
    } finally {
      await database.remove();
    }
  }
}
console.log();
printTargets(targets);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} after`,
);
