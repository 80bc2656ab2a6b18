/**
 * Issue 17's usage benchmark, against one Belfry on loopback (a fresh database), all in one run:
 * - the live check (`GET /entitlements/check?entitlement=meetings:host`), requests per second;
 * - meeting reports sent singly (`POST /usage/meetings`, one meeting a call), reports per second;
 * - meeting reports in batches of 500, reports per second;
 *   both against the live check (ratios printed), with the server's CPU time per report;
 * - the monthly report of one account with --users billable users (default 100,000), each with
 *   --meetings meetings that month, seeded straight into the database: seconds, JSON and CSV.
 *
 *   node --import tsx bench/usage/ingest.ts [--dialect sqlite|postgres] [--hosts 200] [--checks 2000]
 *     [--singles 2000] [--batched 20000] [--users 100000] [--meetings 2] [--concurrency 4]
 */
import { parseArgs } from 'node:util';
import { newMember } from '../../src/domain/users/rules.js';
import { systemActor } from '../../src/domain/access/actor.js';
import { insertAccount } from '../../src/store/accounts.js';
import { insertIdentity } from '../../src/store/identities.js';
import { insertUsers } from '../../src/store/users.js';
import type { Dialect } from '../../src/store/database.js';
import { accountRecord, uniqueSuffix } from '../../test/helpers/accounts.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { usageServer } from '../../test/helpers/usage.js';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    hosts: { type: 'string', default: '200' },
    checks: { type: 'string', default: '2000' },
    singles: { type: 'string', default: '2000' },
    batched: { type: 'string', default: '20000' },
    users: { type: 'string', default: '100000' },
    meetings: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' },
  },
});
const concurrency = Number(args.concurrency);
const BATCH = 500;

/** Runs `count` tasks, `concurrency` at a time; answers seconds and this process's CPU seconds. */
async function timed(count: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** An account of `count` registered Pro members with identities, written straight to the store. */
async function seedAccount(server: TestServer, count: number, at: string, identities = true) {
  const accountId = `bench-${uniqueSuffix()}`;
  const db = server.services.db;
  await insertAccount(db, accountRecord(accountId));
  const subs: string[] = [];
  const CHUNK = 500;
  for (let i = 0; i < count; i += CHUNK) {
    const members = [];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) {
      const email = `u${j}-${accountId}@example.com`;
      const id = `${accountId}-id-${j}`;
      subs.push(id);
      if (identities)
        await insertIdentity(db, {
          id,
          email,
          passwordHash: 'x',
          emailVerifiedAt: at,
          proTrialEndsAt: undefined,
          createdAt: at,
          updatedAt: at,
        });
      members.push(
        newMember(
          {
            id: `${accountId}-u-${j}`,
            accountId,
            email,
            displayName: `User ${j}`,
            license: 'Pro',
            userType: 'PrivateUser',
            joined: 'registered',
          },
          at,
        ),
      );
    }
    await insertUsers(db, members);
  }
  return { accountId, subs };
}

async function main() {
  const dialect = args.dialect as Dialect;
  const server = await startTestServer(dialect);
  const usage = await usageServer(server);
  const seededAt = new Date(server.clock.now().getTime() - 3_600_000).toISOString();
  const hosts = await seedAccount(server, Number(args.hosts), seededAt);
  const basic = `Basic ${Buffer.from(`${usage.meetings.clientId}:${usage.meetings.clientSecret}`).toString('base64')}`;
  const startedAt = new Date(server.clock.now().getTime() - 50 * 60_000).toISOString();
  const endedAt = new Date(server.clock.now().getTime() - 10 * 60_000).toISOString();
  const item = (i: number, tag: string) => ({
    meetingId: `${tag}-${i}`,
    sub: hosts.subs[i % hosts.subs.length]!,
    startedAt,
    endedAt,
    attendees: 3,
  });

  const checks = Number(args.checks);
  const check = await timed(checks, async (i) => {
    const sub = hosts.subs[i % hosts.subs.length]!;
    const r = await fetch(`${usage.reporting.url}/entitlements/check?sub=${sub}&entitlement=meetings:host`, {
      headers: { authorization: basic },
    });
    if (r.status !== 200 || !((await r.json()) as { allowed: boolean }).allowed)
      throw new Error('live check failed');
  });

  const post = async (meetings: unknown[]) => {
    const r = await usage.post({ meetings });
    if (r.status !== 200 || r.body.accepted !== meetings.length)
      throw new Error(JSON.stringify(r.body).slice(0, 300));
  };
  const singles = Number(args.singles);
  const single = await timed(singles, (i) => post([item(i, 'single')]));
  const batches = Math.ceil(Number(args.batched) / BATCH);
  const batched = await timed(batches, (b) =>
    post(Array.from({ length: BATCH }, (_, j) => item(b * BATCH + j, 'batch'))),
  );

  const rate = (count: number, t: { seconds: number }) => count / t.seconds;
  const cpuMs = (count: number, t: { cpuSeconds: number }) => (t.cpuSeconds * 1000) / count;
  const checkRate = rate(checks, check);
  const singleRate = rate(singles, single);
  const batchRate = rate(batches * BATCH, batched);
  console.log(`dialect ${dialect}, concurrency ${concurrency}, ${hosts.subs.length} hosts`);
  console.log(
    `live check:        ${checkRate.toFixed(0)} req/s, ${cpuMs(checks, check).toFixed(3)} ms CPU each`,
  );
  console.log(
    `reports, singly:   ${singleRate.toFixed(0)} reports/s, ${cpuMs(singles, single).toFixed(3)} ms CPU each, ratio to the live check ${(singleRate / checkRate).toFixed(2)}`,
  );
  console.log(
    `reports, by ${BATCH}:  ${batchRate.toFixed(0)} reports/s, ${cpuMs(batches * BATCH, batched).toFixed(3)} ms CPU each, ratio to the live check ${(batchRate / checkRate).toFixed(2)}`,
  );

  // The monthly report: --users billable members, --meetings qualifying meetings each, this month.
  const users = Number(args.users);
  const perUser = Number(args.meetings);
  const seedStart = performance.now();
  // The report reads members, Pro periods and meetings only: no identities needed.
  const big = await seedAccount(server, users, seededAt, false);
  const month = server.clock.now().toISOString().slice(0, 7);
  const monthStart = Date.parse(`${month}-01T00:00:00Z`);
  const at = Math.max(Date.parse(seededAt), monthStart);
  const ROWS = 1000;
  for (let i = 0; i < users * perUser; i += ROWS) {
    const rows = [];
    for (let k = i; k < Math.min(users * perUser, i + ROWS); k++) {
      const u = k % users;
      const start = new Date(at + 60_000 + Math.floor(k / users) * 3_600_000).toISOString();
      rows.push({
        client_id: usage.meetings.clientId,
        meeting_id: `big-${k}`,
        account_id: big.accountId,
        user_id: `${big.accountId}-u-${u}`,
        identity_id: big.subs[u]!,
        started_at: start,
        ended_at: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
        attendees: 2,
        first_reported_at: start,
        reported_at: start,
      });
    }
    await server.services.db.insertInto('meeting_reports').values(rows).execute();
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const actor = systemActor('bench');
  const json = await timed(1, async () => {
    const report = await server.services.usage.report(actor, big.accountId, month);
    if (report.users.length !== users) throw new Error(`${report.users.length} billable users, not ${users}`);
  });
  const csv = await timed(1, async () => {
    const text = await server.services.usage.reportCsv(actor, big.accountId, month);
    if (text.length === 0) throw new Error('empty CSV');
  });
  console.log(
    `monthly report:    ${users} billable users, ${users * perUser} meetings (seeded in ${seedSeconds.toFixed(1)} s): ` +
      `${json.seconds.toFixed(2)} s (${json.cpuSeconds.toFixed(2)} s CPU), CSV ${csv.seconds.toFixed(2)} s; ` +
      `${((json.seconds * 1e6) / users).toFixed(1)} µs a user, as long as ${(json.seconds * checkRate).toFixed(0)} live checks`,
  );
  await usage.reporting.close();
  await server.close();
}

await main();
