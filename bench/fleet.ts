// npm run bench:fleet -- [--seconds 5] [--warmup 2] [--connections 10] [--users 20000] [--numbers 2000]
//                        [--invitations 200] [--rounds 3]   (or npm run bench -- --instances 2 …)
// Several instances, one database (issue 16): two Belfry processes on one PostgreSQL database,
// the load spread over both, beside one instance alone under the same load, in the same run;
// then invitations enqueued through both while they are under load, each checked to be mailed
// exactly once. Any error or non-2xx answer fails the run. See bench/README.md.
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ChimeClient, InviteUsersCommand } from '@aws-sdk/client-chime';
import { SEND_INVITATION_EMAIL_JOB } from '../src/domain/users/invitation-email.js';
import { startSmtpCapture, type SmtpCapture } from '../test/helpers/smtp.js';
import { waitFor } from '../test/helpers/wait.js';
import { freePort } from '../test/oidc/flow.js';
import { startChild, type Child } from './children.js';
import { throughput, type Throughput } from './load.js';
import { printTargets, type TargetResult } from './report.js';
import { prepareScenarios, type Scenario } from './scenarios.js';
import { seed, type Seeded } from './seed.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    users: { type: 'string', default: '20000' },
    numbers: { type: 'string', default: '2000' },
    invitations: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    // Through `npm run bench -- --instances 2`; two is what this benchmark compares with one.
    instances: { type: 'string', default: '2' },
  },
});
if (args.instances !== '2') throw new Error('--instances: only 2 (beside one) is measured');
const positive = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const seconds = positive('seconds');
const warmup = positive('warmup');
const connections = positive('connections');
const invitations = positive('invitations');
const rounds = positive('rounds');
/** The same clients either way: all connections on one instance, or half on each. */
const perInstance = Math.max(1, Math.floor(connections / 2));
const SCENARIOS = ['GetUser', 'ListUsers first page'];
/** InviteUsers takes at most 50 addresses a call. */
const INVITE_BATCH = 50;

interface Instance {
  name: string;
  child: Child;
  origin: string;
  /** each scenario signed for this instance's address (the signature covers the Host header) */
  scenarios: Scenario[];
}

async function startInstance(name: string, seeded: Seeded, smtp: SmtpCapture, scratch: string) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(scratch, `${name}-`));
  const child = await startChild('server', {
    env: {
      PORT: String(port),
      BELFRY_PUBLIC_URL: origin,
      DATABASE_URL: seeded.databaseUrl,
      BELFRY_MASTER_KEY: seeded.masterKeyHex,
      BELFRY_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      BELFRY_JOBS: 'true',
      BELFRY_JOBS_POLL_MS: '200',
      SMTP_URL: smtp.url,
      // Who sent each email: the instance's own sender address.
      BELFRY_MAIL_FROM: `Belfry ${name} <${name}@bench.example>`,
      BELFRY_API_REQUESTS_PER_SECOND: '1000000',
      BELFRY_API_BURST: '10000000',
    },
  });
  return { name, child, origin };
}

async function scenariosOn(origin: string, seeded: Seeded): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const name of SCENARIOS)
    scenarios.push(...(await prepareScenarios(origin, seeded, name)).filter((s) => s.name === name));
  return scenarios;
}

interface Row {
  scenario: string;
  one: Throughput;
  /** each instance's share, run at the same time */
  two: Throughput[];
}

/** Every loaded run, counted: each one fails the benchmark on an error or a non-2xx answer. */
let loadedRuns = 0;
const measured = (...run: Parameters<typeof throughput>) => (loadedRuns++, throughput(...run));

/** The middle one of `values` by `key` (the higher middle of an even number). */
function medianBy<T>(values: T[], key: (value: T) => number): T {
  return [...values].sort((x, y) => key(x) - key(y))[Math.floor(values.length / 2)]!;
}

/** Both instances at once, `perInstance` connections each; while `during` runs, if given. */
async function together(
  instances: Instance[],
  index: number,
  runSeconds: number,
  during?: () => Promise<void>,
) {
  const runs = instances.map((i) =>
    measured(i.scenarios[index]!.request, perInstance, runSeconds, i.child.cpuMicros),
  );
  const [results] = await Promise.all([Promise.all(runs), during?.()]);
  return results;
}

/** Invites `invitations` addresses to the account, batches alternating between the instances. */
async function inviteThroughBoth(instances: Instance[], seeded: Seeded, emails: string[]) {
  const clients = instances.map(
    (i) =>
      new ChimeClient({
        region: 'us-east-1',
        endpoint: i.origin,
        credentials: seeded.credentials,
        maxAttempts: 1,
      }),
  );
  for (let start = 0, n = 0; start < emails.length; start += INVITE_BATCH, n++) {
    const batch = emails.slice(start, start + INVITE_BATCH);
    const { Invites } = await clients[n % clients.length]!.send(
      new InviteUsersCommand({ AccountId: seeded.accountId, UserEmailList: batch }),
    );
    if (Invites?.length !== batch.length) throw new Error(`InviteUsers invited ${Invites?.length}`);
    // Spread over the loaded run rather than all at its start.
    await new Promise((resolve) =>
      setTimeout(resolve, (seconds * 1000) / (emails.length / INVITE_BATCH + 1)),
    );
  }
}

/** Every invitation Sent, each mailed exactly once, and which instance mailed how many. */
async function checkMailedOnce(seeded: Seeded, smtp: SmtpCapture, emails: string[]) {
  const sentAll = async () => {
    const rows = await seeded.db
      .selectFrom('invites')
      .select('email_status')
      .where('email_status', '=', 'Sent')
      .execute();
    return rows.length >= emails.length;
  };
  const allSent = await waitFor(sentAll, 120_000);
  const copies = new Map<string, number>();
  const bySender = new Map<string, number>();
  for (const mail of smtp.inbox) {
    for (const to of mail.to) copies.set(to, (copies.get(to) ?? 0) + 1);
    bySender.set(mail.from ?? '?', (bySender.get(mail.from ?? '?') ?? 0) + 1);
  }
  const missing = emails.filter((e) => !copies.has(e.toLowerCase()));
  const twice = [...copies.values()].filter((n) => n > 1).length;
  const jobs = await seeded.db
    .selectFrom('jobs')
    .select(['status', 'attempts'])
    .where('kind', '=', SEND_INVITATION_EMAIL_JOB)
    .execute();
  const done = jobs.filter((j) => j.status === 'done').length;
  const retried = jobs.filter((j) => Number(j.attempts) > 1).length;
  return { allSent, missing, twice, bySender, jobs: jobs.length, done, retried };
}

const rate = (t: Throughput) => `${Math.round(t.requestsPerSecond).toLocaleString('en')} req/s`;
const cpu = (t: Throughput) => `${Math.round(t.cpuMicrosPerRequest)} µs`;

const loadBefore = loadavg();
console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);
const users = positive('users');
console.log(`== seeding PostgreSQL: ${users.toLocaleString('en')} users in one account`);
const seeded = await seed(
  'postgres',
  { users, accounts: 1, largestAccount: users, phoneNumbers: positive('numbers') },
  'http://127.0.0.1:9/callback',
);
const smtp = await startSmtpCapture();
const scratch = mkdtempSync(join(tmpdir(), 'belfry-fleet-'));
const children: Child[] = [];
try {
  const started: Instance[] = [];
  // One after the other: both migrate the (already migrated) database and find the seeded key.
  for (const name of ['a', 'b']) {
    const instance = await startInstance(name, seeded, smtp, scratch);
    children.push(instance.child);
    started.push({ ...instance, scenarios: await scenariosOn(instance.origin, seeded) });
  }
  const [a] = started as [Instance, Instance];

  const rows: Row[] = [];
  for (let index = 0; index < SCENARIOS.length; index++) {
    const scenario = SCENARIOS[index]!;
    process.stdout.write(`   ${scenario}: warm-up… `);
    await together(started, index, warmup);
    // Rounds alternate which goes first, so the machine's drift falls on both; medians are kept.
    const ones: Throughput[] = [];
    const twos: Throughput[][] = [];
    for (let round = 0; round < rounds; round++) {
      process.stdout.write(`${round + 1}… `);
      const one = () =>
        measured(a.scenarios[index]!.request, connections, seconds, a.child.cpuMicros).then((t) => {
          ones.push(t);
        });
      const two = () => together(started, index, seconds).then((t) => void twos.push(t));
      if (round % 2 === 0) await one().then(two);
      else await two().then(one);
    }
    console.log('done');
    const total = (t: Throughput[]) => t.reduce((sum, x) => sum + x.requestsPerSecond, 0);
    rows.push({ scenario, one: medianBy(ones, (t) => t.requestsPerSecond), two: medianBy(twos, total) });
  }

  const emails = Array.from({ length: invitations }, (_, n) => `fleet-${n}@bench.example`);
  process.stdout.write(`   GetUser on both while ${invitations} invitations are mailed… `);
  const underJobs = await together(started, 0, seconds, () => inviteThroughBoth(started, seeded, emails));
  const mailed = await checkMailedOnce(seeded, smtp, emails);
  console.log('done');

  const loadAfter = loadavg();
  console.log(
    `\n${connections} connections: all on one instance, or ${perInstance} on each of two ` +
      `(one PostgreSQL database, ${cpus().length} cores shared by both instances, PostgreSQL and the load); ` +
      `median of ${rounds} rounds by total req/s`,
  );
  for (const { scenario, one, two } of rows) {
    const sum = two.reduce((total, t) => total + t.requestsPerSecond, 0);
    console.log(
      `   ${scenario}: one instance ${rate(one)} (${cpu(one)} CPU/req); two ${two.map(rate).join(' + ')} = ` +
        `${Math.round(sum).toLocaleString('en')} req/s (${two.map(cpu).join(', ')} CPU/req), ` +
        `${(sum / one.requestsPerSecond).toFixed(2)}× one`,
    );
  }
  const underJobsSum = underJobs.reduce((total, t) => total + t.requestsPerSecond, 0);
  console.log(
    `   GetUser while mailing: ${underJobs.map(rate).join(' + ')} = ${Math.round(underJobsSum).toLocaleString('en')} req/s`,
  );
  console.log(
    `   invitation emails: ${mailed.jobs} jobs, ${mailed.done} done, ${mailed.retried} retried; sent by ` +
      [...mailed.bySender].map(([from, n]) => `${from} ${n}`).join(', '),
  );
  console.log(`load average ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after\n`);
  const targets: TargetResult[] = [
    {
      target: 'no errors or non-2xx answers under load, one instance and two',
      value: `${loadedRuns} loaded runs, none failed`,
      // A failed answer throws in load.ts before this line is reached.
      verdict: 'PASS',
    },
    {
      target: `every job done once in effect with two instances (${invitations} invitation emails)`,
      value:
        `${emails.length - mailed.missing.length} of ${emails.length} delivered, ${mailed.twice} twice, ` +
        `all Sent: ${mailed.allSent ? 'yes' : 'no'}`,
      verdict: mailed.allSent && mailed.missing.length === 0 && mailed.twice === 0 ? 'PASS' : 'MISS',
    },
    {
      target: 'both instances ran jobs',
      value: `${mailed.bySender.size} senders`,
      verdict: mailed.bySender.size === 2 ? 'PASS' : 'MISS',
    },
  ];
  printTargets(targets);
} finally {
  for (const child of children.reverse()) await child.stop();
  await smtp.stop();
  rmSync(scratch, { recursive: true, force: true });
  await seeded.drop();
}
