/**
 * Issue 13's directory benchmark, in one run against one seeded Samba DC (10,000 users in 500
 * nested groups, bench/directory/seed.ts):
 * - a full sync by Belfry (read, plan, apply: 10,000 users created) against a raw paged
 *   `ldapsearch` of the same entries, measured just before it (target: ≤ 2×);
 * - an incremental sync after 100 changed users (target: < 2 s);
 * - AD sign-in (find with the service account, bind as the person, live groups, the member
 *   brought up to date), p50 and p99.
 *
 *   node --import tsx bench/directory/sync.ts [--dialect sqlite|postgres] [--users 10000] [--groups 500] [--sign-ins 200]
 */
import { parseArgs } from 'node:util';
import { systemActor } from '../../src/domain/access/actor.js';
import { startWorker } from '../../src/jobs/queue.js';
import { systemClock } from '../../src/lib/clock.js';
import { randomIds } from '../../src/lib/ids.js';
import { createSecretBox } from '../../src/lib/secret-box.js';
import { createServices, type Services } from '../../src/services.js';
import { insertAccount } from '../../src/store/accounts.js';
import type { Dialect } from '../../src/store/database.js';
import { insertDomain } from '../../src/store/domains.js';
import { accountRecord } from '../../test/helpers/accounts.js';
import { createTestDatabase } from '../../test/helpers/databases.js';
import { rawRead } from './raw.js';
import { startBenchDirectory, type BenchDirectory } from './seed.js';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    users: { type: 'string', default: '10000' },
    groups: { type: 'string', default: '500' },
    'sign-ins': { type: 'string', default: '200' },
  },
});
const admin = systemActor('bench');
const DOMAIN = 'corp.example.test';
const PASSWORD = 'Bench!Passw0rd-4711';

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ??
  NaN;
const pad = (n: number) => String(n).padStart(5, '0');
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

/** An EnterpriseLWA account owning the seed's mail domain. */
async function benchAccount(services: Services): Promise<string> {
  const id = randomIds.uuid();
  const at = new Date().toISOString();
  await insertAccount(services.db, accountRecord(id, 'EnterpriseLWA'));
  await insertDomain(services.db, {
    id: randomIds.uuid(),
    accountId: id,
    domainName: DOMAIN,
    status: 'Verified',
    txtRecordName: `_belfry.${DOMAIN}`,
    txtRecordValue: 'bench',
    verificationDeadline: at,
    verifiedAt: at,
    recordMissingSince: undefined,
    lastCheckedAt: at,
    lastCheckResult: undefined,
    nextCheckAt: undefined,
    verifiedBy: 'OperatorOverride',
    overrideReason: 'benchmark',
    createdAt: at,
    updatedAt: at,
  });
  return id;
}

/** Groups 0–24 give Pro and 25–49 Basic; every seeded user reaches one of them (seed.ts). */
function mapping() {
  return Array.from({ length: 50 }, (_, g) => ({
    groupName: `bench-group-${pad(g)}`,
    tier: g < 25 ? ('Pro' as const) : ('Basic' as const),
  }));
}

/** 100 users get a new display name; `count` of them also a password (for the sign-ins). */
function changesLdif(directory: BenchDirectory, count: number, withPasswords: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const dn = `CN=bench-user-${pad(i)},OU=People,${directory.baseDn}`;
    lines.push(`dn: ${dn}`, 'changetype: modify', 'replace: displayName', `displayName: Renamed ${i}`, '-');
    if (i < withPasswords) {
      const quoted = Buffer.from(`"${PASSWORD}"`, 'utf16le').toString('base64');
      lines.push('replace: unicodePwd', `unicodePwd:: ${quoted}`, '-');
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const dialect = args.dialect as Dialect;
  const directory = await startBenchDirectory({ users: Number(args.users), groups: Number(args.groups) });
  const database = await createTestDatabase(dialect);
  try {
    console.log(
      `seeded ${directory.users} users in ${directory.groups} groups in ${(directory.seedMs / 1000).toFixed(1)} s; store ${dialect}`,
    );
    const services = await createServices({
      db: database.db,
      dialect,
      clock: systemClock,
      ids: randomIds,
      secrets: createSecretBox(Buffer.alloc(32, 3)),
      config: { accountRetentionDays: 90, publicUrl: 'http://127.0.0.1:8080', invitationTtlDays: 14 },
      mailer: { send: async () => undefined },
    });
    const worker = startWorker({
      ...services,
      handlers: services.jobHandlers,
      workerId: 'bench',
      pollMs: 3_600_000,
      log: { error: (o, m) => console.error(m, o), warn: () => undefined },
    });
    const accountId = await benchAccount(services);
    const { dc } = directory;
    await services.directory.connect(admin, accountId, {
      type: 'ad',
      urls: [dc.tlsUrl],
      bindDn: dc.bindDn,
      bindPassword: dc.bindPassword,
      baseDn: directory.baseDn,
      caPem: dc.caPem,
    });
    const sync = async (start: () => Promise<string | undefined>) => {
      const started = performance.now();
      const runId = await start();
      await worker.drain();
      if (runId === undefined) throw new Error('no run was queued');
      const run = await services.directory.getRun(admin, runId);
      if (run.status !== 'applied') throw new Error(`${run.kind} sync ${run.status}: ${run.reason}`);
      return { ms: performance.now() - started, run };
    };
    const syncNow = (full: boolean) => async () =>
      (await services.directory.startSync(admin, accountId, { full, dryRun: false })).runId;

    const raw = await rawRead(directory);
    // Saving the mapping queues the first full run: the one that creates every user.
    const first = await sync(
      async () =>
        (await services.directory.setGroupTiers(admin, accountId, mapping(), { dryRun: false })).runId,
    );
    const again = await sync(syncNow(true));
    const ratio = first.ms / raw.ms;
    console.log(`raw paged ldapsearch of the same entries  ${raw.ms.toFixed(0)} ms (${raw.entries} entries)`);
    console.log(
      `first full sync (created ${first.run.counts.created})  ${first.ms.toFixed(0)} ms  ${ratio.toFixed(2)}×  target ≤ 2×  ${verdict(ratio <= 2)}`,
    );
    console.log(
      `full sync, nothing changed (unchanged ${again.run.counts.unchanged})  ${again.ms.toFixed(0)} ms  ${(again.ms / raw.ms).toFixed(2)}×`,
    );

    const signIns = Number(args['sign-ins']);
    const withPasswords = Math.min(20, signIns);
    await dc.ldapModify(changesLdif(directory, 100, withPasswords));
    const incremental = await sync(syncNow(false));
    console.log(
      `incremental sync after 100 changes ${incremental.ms.toFixed(0)} ms (${incremental.run.kind}, updated ${incremental.run.counts.updated})  target < 2000 ms  ${verdict(incremental.ms < 2000 && incremental.run.kind === 'incremental')}`,
    );

    const times: number[] = [];
    for (let i = 0; i < signIns; i++) {
      const email = `bench-user-${pad(i % withPasswords)}@${DOMAIN}`;
      const started = performance.now();
      const outcome = await services.directory.signIn(email, PASSWORD);
      times.push(performance.now() - started);
      if (outcome.kind !== 'signed_in') throw new Error(`sign-in of ${email}: ${JSON.stringify(outcome)}`);
    }
    console.log(
      `AD sign-in (${signIns}, ${withPasswords} people): p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`,
    );
    await worker.stop();
  } finally {
    await database.drop();
    await directory.dc.stop();
  }
}

await main();
