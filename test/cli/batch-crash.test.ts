import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import {
  BatchDeletePhoneNumberCommand,
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  BatchUpdatePhoneNumberCommand,
  BatchUpdateUserCommand,
  CreateAccountCommand,
  InviteUsersCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { sql, type RawBuilder } from 'kysely';
import { DELIVER_APP_EVENT_JOB } from '../../src/domain/entitlements/announce.js';
import { APPLY_CALLING_NAME_JOB, RELEASE_NUMBER_JOB } from '../../src/domain/phone-numbers/deps.js';
import { SEND_INVITATION_EMAIL_JOB } from '../../src/domain/users/invitation-email.js';
import { newMember } from '../../src/domain/users/rules.js';
import { uuidv7 } from '../../src/lib/ids.js';
import { updateAccount, type AccountType } from '../../src/store/accounts.js';
import type { Db, Dialect } from '../../src/store/database.js';
import { insertIdentity } from '../../src/store/identities.js';
import { insertUsers } from '../../src/store/users.js';
import { uniqueSuffix } from '../helpers/accounts.js';
import {
  createTestDatabase,
  databaseUrlOf,
  dialects,
  skipReason,
  type TestDatabase,
} from '../helpers/databases.js';
import { freshNumber } from '../helpers/phone-numbers.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { belfry, chime, startServer, type ServerProcess } from './processes.js';

/**
 * Each batch is sent to a real server process (`npm start`), which is SIGKILLed at a random
 * moment while the request is in flight, then started again: the batch must be wholly applied,
 * with one audit event and one follow-up job per item, or not at all. A first, unkilled run of
 * each operation measures how long its batch takes, so the kills spread over that time.
 */
const RUNS = Number(process.env.BATCH_KILL_RUNS ?? 3);
/** A run seeds, kills and restarts a server: a few seconds, many more on a loaded machine. */
const OPERATION_TIMEOUT_MS = 60_000 + RUNS * 20_000;
const KEY = { accessKeyId: 'BKIAKILLTEST00000001', secretAccessKey: 'kill-test-secret-0123456789' };

/** What a batch changed, counted in the database. */
interface Tally {
  items: number;
  events: number;
  jobs: number;
}

interface Scenario {
  operation: string;
  /** the follow-up job every applied item enqueues */
  job: string;
  /** what a wholly applied batch leaves */
  applied: Tally;
  /** seeds what one run works on; returns its request and how many of its items show the change */
  seed(site: Site): Promise<{ send(client: ChimeClient): Promise<unknown>; changed(): Promise<number> }>;
}

interface Site {
  db: Db;
  url(): string;
}

const count = async (db: Db, query: RawBuilder<{ n: number | string }>) =>
  Number((await query.execute(db)).rows[0]!.n);

/**
 * An account of the type with `n` members in the status, each with an identity (so every change
 * of theirs is announced to the app's webhook, a job per member).
 */
async function seedMembers(site: Site, type: AccountType, status: 'Registered' | 'Suspended', n: number) {
  const client = chime(site.url(), KEY);
  const { Account } = await client.send(new CreateAccountCommand({ Name: `Kill ${uniqueSuffix()}` }));
  client.destroy();
  const accountId = Account!.AccountId!;
  const at = new Date().toISOString();
  if (type !== 'Team') await updateAccount(site.db, accountId, { type, updatedAt: at });
  const users = Array.from({ length: n }, (_, i) => ({
    ...newMember(
      {
        id: uuidv7(),
        accountId,
        email: `m${i}-${uniqueSuffix()}@example.com`,
        displayName: undefined,
        license: 'Pro',
        userType: 'PrivateUser',
        joined: 'registered',
      },
      at,
    ),
    registrationStatus: status,
  }));
  await insertUsers(site.db, users);
  for (const user of users)
    await insertIdentity(site.db, {
      id: uuidv7(),
      email: user.email!,
      passwordHash: 'not used',
      emailVerifiedAt: at,
      proTrialEndsAt: undefined,
      createdAt: at,
      updatedAt: at,
    });
  const membersWhere = (condition: RawBuilder<unknown>) =>
    count(
      site.db,
      sql<{ n: number }>`select count(*) as n from users where account_id = ${accountId} and ${condition}`,
    );
  return { accountId, userIds: users.map((u) => u.id), membersWhere };
}

/** `n` fresh numbers imported into the inventory, unassigned. */
async function seedNumbers(site: Site, n: number) {
  const numbers = Array.from({ length: n }, () => freshNumber());
  const imported = await signedFetch(site.url(), KEY, {
    method: 'POST',
    path: '/phone-numbers',
    query: { operation: 'import' },
    body: { ProductType: 'BusinessCalling', E164PhoneNumbers: numbers },
  });
  assert.equal(imported.status, 201, JSON.stringify(imported.json));
  const numbersWhere = (condition: RawBuilder<unknown>) =>
    count(
      site.db,
      sql<{ n: number }>`select count(*) as n from phone_numbers
        where id in (${sql.join(numbers)}) and ${condition}`,
    );
  return { numbers, numbersWhere };
}

const perItem = (items: number, ownEvents = 0): Tally => ({ items, events: items + ownEvents, jobs: items });

const scenarios: Scenario[] = [
  {
    operation: 'BatchSuspendUser',
    job: DELIVER_APP_EVENT_JOB,
    applied: perItem(50),
    async seed(site) {
      const { accountId, userIds, membersWhere } = await seedMembers(site, 'Team', 'Registered', 50);
      return {
        send: (client) =>
          client.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: userIds })),
        changed: () => membersWhere(sql`removed_at is not null`),
      };
    },
  },
  {
    operation: 'BatchUnsuspendUser',
    job: DELIVER_APP_EVENT_JOB,
    applied: perItem(50),
    async seed(site) {
      const { accountId, userIds, membersWhere } = await seedMembers(site, 'EnterpriseLWA', 'Suspended', 50);
      return {
        send: (client) =>
          client.send(new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: userIds })),
        changed: () => membersWhere(sql`registration_status = 'Registered'`),
      };
    },
  },
  {
    // The model allows 20 items in one BatchUpdateUser.
    operation: 'BatchUpdateUser',
    job: DELIVER_APP_EVENT_JOB,
    applied: perItem(20),
    async seed(site) {
      const { accountId, userIds, membersWhere } = await seedMembers(site, 'Team', 'Registered', 20);
      const items = userIds.map((UserId) => ({ UserId, LicenseType: 'Basic' as const }));
      return {
        send: (client) =>
          client.send(new BatchUpdateUserCommand({ AccountId: accountId, UpdateUserRequestItems: items })),
        changed: () => membersWhere(sql`license = 'Basic'`),
      };
    },
  },
  {
    operation: 'InviteUsers',
    job: SEND_INVITATION_EMAIL_JOB,
    // one event per invitee and the request's own
    applied: perItem(50, 1),
    async seed(site) {
      const { accountId, membersWhere } = await seedMembers(site, 'Team', 'Registered', 0);
      const emails = Array.from({ length: 50 }, (_, i) => `i${i}-${uniqueSuffix()}@example.com`);
      return {
        send: (client) =>
          client.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails })),
        changed: () => membersWhere(sql`invitation_status = 'Pending'`),
      };
    },
  },
  {
    operation: 'BatchUpdatePhoneNumber',
    job: APPLY_CALLING_NAME_JOB,
    applied: perItem(50),
    async seed(site) {
      const { numbers, numbersWhere } = await seedNumbers(site, 50);
      const items = numbers.map((PhoneNumberId) => ({ PhoneNumberId, CallingName: 'Front Desk' }));
      return {
        send: (client) =>
          client.send(new BatchUpdatePhoneNumberCommand({ UpdatePhoneNumberRequestItems: items })),
        changed: () => numbersWhere(sql`calling_name_status = 'UpdateInProgress'`),
      };
    },
  },
  {
    operation: 'BatchDeletePhoneNumber',
    job: RELEASE_NUMBER_JOB,
    applied: perItem(50),
    async seed(site) {
      const { numbers, numbersWhere } = await seedNumbers(site, 50);
      return {
        send: (client) => client.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: numbers })),
        changed: () => numbersWhere(sql`status = 'DeleteInProgress'`),
      };
    },
  },
];

/**
 * Whether a transaction of the server has written and not yet ended, asked of the database at the
 * moment of the kill: PostgreSQL shows a backend holding a transaction id; on SQLite the write
 * lock is taken (a connection of the test's own that would take it fails at once).
 */
function writerProbe(
  database: TestDatabase,
  file: string | undefined,
): { writing(): Promise<boolean>; close(): void } {
  if (database.dialect === 'postgres')
    return {
      writing: async () =>
        (await count(
          database.db,
          sql<{ n: number }>`select count(*) as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null`,
        )) > 0,
      close: () => undefined,
    };
  const probe = new SQLite(file!, { timeout: 0 });
  return {
    async writing() {
      try {
        probe.exec('begin immediate');
        probe.exec('rollback');
        return false;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw error;
      }
    },
    close: () => probe.close(),
  };
}

type Landing = 'before' | 'mid-batch' | 'after commit';

// Every reason is known before a suite starts (a running suite would compete with the probe).
const skips = await Promise.all(dialects.map(async (d) => (await skipReason(d)) ?? false));

// The dialects run side by side: most of the time is spent waiting for a server to start again.
describe('batches under kill -9', { concurrency: true }, () => {
  for (const [index, dialect] of dialects.entries()) {
    const skip = skips[index]!;
    if (skip) console.log(`# skipping the batch kill test on ${dialect}: ${skip}`);

    describe(`batches under kill -9 [${dialect}]`, { skip, concurrency: 1 }, () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'belfry-kill-'));
      let database: TestDatabase;
      let env: Record<string, string>;
      let server: ServerProcess | undefined;
      let probe: ReturnType<typeof writerProbe> | undefined;
      const landings: Record<Landing, number> = { before: 0, 'mid-batch': 0, 'after commit': 0 };
      const site: Site = { db: undefined as unknown as Db, url: () => server!.url };
      // A test cancelled by its timeout runs on: it must not start a server after the suite ends.
      let closing = false;
      let inFlight: Promise<unknown> = Promise.resolve();

      before(async () => {
        database = await createTestDatabase(dialect as Dialect);
        site.db = database.db;
        const databaseUrl = await databaseUrlOf(database);
        env = {
          BELFRY_DATA_DIR: dataDir,
          DATABASE_URL: databaseUrl,
          // Jobs stay in the table as the batch left them, to be counted.
          BELFRY_JOBS: 'false',
          BELFRY_BOOTSTRAP_ACCESS_KEY_ID: KEY.accessKeyId,
          BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY: KEY.secretAccessKey,
          BELFRY_WEBHOOK_ALLOW_PRIVATE: '127.0.0.0/8',
        };
        probe = writerProbe(database, dialect === 'sqlite' ? databaseUrl.slice('sqlite:'.length) : undefined);
        server = await startServer(env);
        // One app with a webhook, so every change of a member's entitlements enqueues a delivery.
        const created = await belfry(
          env,
          ['clients', 'create', '--name', 'Kill', '--redirect-uri', 'http://127.0.0.1/cb', '--json'],
          dataDir,
        );
        assert.equal(created.code, 0, created.stderr);
        const clientId = (JSON.parse(created.stdout) as { clientId: string }).clientId;
        const hook = await belfry(
          env,
          ['clients', 'webhook', 'set', clientId, '--url', 'http://127.0.0.1:9/hook'],
          dataDir,
        );
        assert.equal(hook.code, 0, hook.stderr);
      });

      after(async () => {
        closing = true;
        await inFlight.catch(() => undefined);
        console.log(`# ${dialect} kills landed: ${JSON.stringify(landings)}`);
        await server?.stop();
        probe?.close();
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      });

      const tally = async (scenario: Scenario, changed: () => Promise<number>): Promise<Tally> => ({
        items: await changed(),
        events: await count(
          site.db,
          sql<{ n: number }>`select count(*) as n from audit_events where operation = ${scenario.operation}`,
        ),
        jobs: await count(
          site.db,
          sql<{ n: number }>`select count(*) as n from jobs where kind = ${scenario.job}`,
        ),
      });

      /** One run: the batch, killed after `killAfterMs` (or left to finish); returns its duration. */
      async function run(scenario: Scenario, killAfterMs?: number): Promise<number> {
        const batch = await scenario.seed(site);
        const start = await tally(scenario, async () => 0);
        const client = chime(server!.url, KEY);
        const began = performance.now();
        let answered = false;
        const answer = batch.send(client).then(
          (output) => ((answered = true), { output, ms: performance.now() - began }),
          (error: unknown) => ({ error }),
        );
        let landing: Landing | undefined;
        let wasWriting = false;
        if (killAfterMs !== undefined) {
          await sleep(killAfterMs);
          const answeredFirst = answered;
          wasWriting = !answeredFirst && (await probe!.writing());
          await server!.kill();
          server = await startServer(env);
          landing = answeredFirst ? 'after commit' : undefined;
        }
        const result = await answer;
        client.destroy();
        const end = await tally(scenario, batch.changed);
        const change = { items: end.items, events: end.events - start.events, jobs: end.jobs - start.jobs };
        const none = { items: 0, events: 0, jobs: 0 };
        const where = killAfterMs === undefined ? 'unkilled' : `killed after ${killAfterMs.toFixed(0)} ms`;
        if ('output' in result) {
          assert.deepEqual(change, scenario.applied, `${scenario.operation} answered, ${where}`);
          const output = result.output as { UserErrors?: unknown[]; PhoneNumberErrors?: unknown[] };
          assert.deepEqual(output.UserErrors ?? output.PhoneNumberErrors ?? [], []);
        } else {
          assert.ok(
            killAfterMs !== undefined,
            `${scenario.operation} failed unkilled: ${String(result.error)}`,
          );
          assert.ok(
            JSON.stringify(change) === JSON.stringify(none) ||
              JSON.stringify(change) === JSON.stringify(scenario.applied),
            `${scenario.operation} ${where} left ${JSON.stringify(change)}: ` +
              `neither none nor all ${JSON.stringify(scenario.applied)}`,
          );
        }
        if (killAfterMs !== undefined) {
          landing ??= change.items > 0 ? 'after commit' : wasWriting ? 'mid-batch' : 'before';
          landings[landing] += 1;
          console.log(`# ${dialect} ${scenario.operation} ${where}: ${landing}`);
        }
        return 'output' in result ? result.ms : 0;
      }

      for (const scenario of scenarios)
        it(
          `${scenario.operation} is wholly applied or not at all, ${RUNS} kills`,
          { timeout: OPERATION_TIMEOUT_MS },
          async () => {
            // After the run of an operation whose test timed out, never beside it.
            inFlight = inFlight
              .catch(() => undefined)
              .then(async () => {
                const duration = await run(scenario);
                for (let i = 0; i < RUNS && !closing; i++)
                  await run(scenario, Math.random() * duration * 1.2);
              });
            await inFlight;
          },
        );
    });
  }
});
