import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { systemActor } from '../src/domain/access/actor.js';
import { hashPassword } from '../src/domain/identities/passwords.js';
import { ManualClock } from '../src/lib/clock.js';
import { randomIds } from '../src/lib/ids.js';
import { createSecretBox } from '../src/lib/secret-box.js';
import { createServices } from '../src/services.js';
import type { Db, Dialect } from '../src/store/database.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/databases.js';
import type { SeededNumber } from '../test/helpers/phone-inventory.js';
import { populate, type PopulationSize } from '../test/helpers/population.js';
import { BENCH_PASSWORD } from './identity-seed.js';
/** A seeded database the Belfry child process opens through DATABASE_URL and BELFRY_MASTER_KEY. */
export interface Seeded {
  databaseUrl: string;
  masterKeyHex: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** a registered app (OpenID client) that signs people in and calls the live check */
  app: { clientId: string; clientSecret: string; redirectUri: string };
  /** the largest account, which the scenarios ask about */
  accountId: string;
  /** its user ids in id (= listing) order */
  userIds: string[];
  /** each user's identity id (their tokens' `sub`), by user id; the password is BENCH_PASSWORD */
  subs: Map<string, string>;
  /** the tier of each user, by user id */
  licenses: Map<string, string>;
  /** the phone inventory in E.164 (= listing) order */
  phoneNumbers: SeededNumber[];
  /** the seeded database, still open (for the query plans) */
  db: Db;
  dialect: Dialect;
  /** the population's load alone (one transaction, with its index builds), and the whole seed with the checkpoint */
  loadSeconds: number;
  seedSeconds: number;
  drop(): Promise<void>;
}

/** The benchmark's sizes: `--users 100000` in one account, or `--scale million` (test/helpers/population.ts). */
export type SeedSize = PopulationSize;

/**
 * Creates a fresh database holding a population of `size` (test/helpers/population.ts: users
 * over accounts, the largest first, each with a confirmed identity, and the phone inventory of
 * test/helpers/phone-inventory.ts, its Assigned numbers held by members of the largest account),
 * loaded in one transaction with the stores' bulk insert; then a FullAccess key and the bench app
 * through their services, so they are made (and the key sealed) as in production. The scenarios
 * ask about the largest account.
 */
export async function seed(dialect: Dialect, size: SeedSize, redirectUri: string): Promise<Seeded> {
  const started = performance.now();
  const database = await createTestDatabase(dialect);
  try {
    return await fill(database, dialect, size, started, redirectUri);
  } catch (error) {
    await database.drop();
    throw error;
  }
}

async function fill(
  database: TestDatabase,
  dialect: Dialect,
  size: SeedSize,
  started: number,
  redirectUri: string,
): Promise<Seeded> {
  const { db } = database;
  const masterKey = randomBytes(32);
  // Times one millisecond apart in the past, so creation times look real: the accounts at
  // base - 1, then member n at base + n.
  const base = Date.now() - size.users - 60_000;
  const services = await createServices({
    db,
    dialect,
    clock: new ManualClock(new Date(base - 1)),
    ids: randomIds,
    secrets: createSecretBox(masterKey),
    config: { accountRetentionDays: 90, publicUrl: 'http://127.0.0.1', invitationTtlDays: 14 },
    mailer: { send: async () => undefined }, // seeding invites no one
  });
  const seeder = systemActor('bench-seed');
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const loadStarted = performance.now();
  const { largest, phoneNumbers } = await db
    .transaction()
    .execute((tx) => populate(tx, size, { base, now: Date.now(), passwordHash }));
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const key = await services.accessKeys.createAccessKey(seeder, {
    name: 'bench',
    policy: 'FullAccess',
  });
  const app = await services.oidc.clients.createClient(seeder, {
    name: 'Bench app',
    redirectUris: [redirectUri],
  });

  // Steady state, not the state right after a bulk load: SQLite folds the large WAL back into
  // the file. (PostgreSQL's statistics, which autovacuum would have gathered by now, were
  // gathered by the load itself: populate's withIndexesBuiltAfter.)
  if (dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);

  return {
    databaseUrl: await urlOf(database.db, dialect),
    masterKeyHex: masterKey.toString('hex'),
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    app: { clientId: app.clientId, clientSecret: app.clientSecret, redirectUri },
    accountId: largest.accountId,
    userIds: largest.userIds,
    subs: largest.subs,
    licenses: largest.licenses,
    phoneNumbers: phoneNumbers
      .map(({ e164, status, productType }) => ({ e164, status, productType }))
      .sort((a, b) => (a.e164 < b.e164 ? -1 : a.e164 > b.e164 ? 1 : 0)),
    db,
    dialect,
    loadSeconds,
    seedSeconds: (performance.now() - started) / 1000,
    drop: () => database.drop(),
  };
}

/** The DATABASE_URL of the open test database; the helper keeps its location to itself. */
async function urlOf(db: Db, dialect: Dialect): Promise<string> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{
      file: string;
    }>`select file from pragma_database_list where name = 'main'`.execute(db);
    return `sqlite:${rows[0]!.file}`;
  }
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  // Same server as test/helpers/databases.ts: TEST_POSTGRES_URL or the local trust-auth one.
  const url = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${rows[0]!.name}`;
  return url.toString();
}
