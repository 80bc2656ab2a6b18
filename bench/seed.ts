import { systemActor } from '../src/domain/access/actor.js';
import { newMember } from '../src/domain/users/rules.js';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ManualClock } from '../src/lib/clock.js';
import { randomIds, uuidv7 } from '../src/lib/ids.js';
import { createSecretBox } from '../src/lib/secret-box.js';
import { createServices } from '../src/services.js';
import type { Db, Dialect } from '../src/store/database.js';
import { insertPhoneNumbers } from '../src/store/phone-numbers.js';
import { insertUsers, type UserRecord } from '../src/store/users.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/databases.js';
import { seedIdentities } from './identity-seed.js';
import { benchPhoneNumbers, checkSample, type SeededNumber } from './phone-seed.js';

/** A seeded database the Belfry child process opens through DATABASE_URL and BELFRY_MASTER_KEY. */
export interface Seeded {
  databaseUrl: string;
  masterKeyHex: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** a registered app (OpenID client) that signs people in and calls the live check */
  app: { clientId: string; clientSecret: string; redirectUri: string };
  accountId: string;
  /** user ids in id (= listing) order */
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
  seedSeconds: number;
  drop(): Promise<void>;
}

export interface SeedSize {
  users: number;
  phoneNumbers: number;
}

/**
 * Creates a fresh database with one Team account of `size.users` members, a FullAccess key, and a
 * phone inventory of `size.phoneNumbers` numbers (see bench/phone-seed.ts), a fifth of them
 * assigned to users of the account. Users and numbers go in through the stores' chunked inserts
 * inside one transaction (minutes of single inserts otherwise); the account and the key go through
 * their services, so they are made (and the key sealed) as in production.
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
  const userCount = size.users;
  const masterKey = randomBytes(32);
  // Times one millisecond apart in the past, so creation times look real: the account and the
  // key at base - 1, then the users; the n-th user of a listing (id order) is userIds[n].
  const base = Date.now() - userCount - 60_000;
  const at = (i: number) => new Date(base + i).toISOString();
  // First, as uuidv7 never goes back in time once it has made an id of the present. Sorted
  // anyway, so the listing order is known whatever the id generator does within a millisecond.
  const userIds = Array.from({ length: userCount }, (_, i) => uuidv7(base + i)).sort();
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

  const { id: accountId } = await services.accounts.createAccount(seeder, 'Bench Co');
  const numbers = benchPhoneNumbers(size.phoneNumbers, accountId, userIds, Date.now());
  checkSample(numbers);
  // A user's number shows on the user too (PrimaryProvisionedNumber), as assignment leaves it.
  const numberOf = new Map(numbers.flatMap((n) => (n.userId ? [[n.userId, n.e164] as const] : [])));
  const users = userIds.map((id, i): UserRecord => ({
    ...benchUser(id, accountId, i, at(i)),
    primaryProvisionedNumber: numberOf.get(id),
  }));
  let subs = new Map<string, string>();
  await db.transaction().execute(async (tx) => {
    await insertUsers(tx, users);
    subs = await seedIdentities(tx, users, at(userCount));
    const inserted = await insertPhoneNumbers(tx, numbers);
    if (inserted.length !== numbers.length) throw new Error('some seeded phone numbers were not inserted');
  });
  const key = await services.accessKeys.createAccessKey(seeder, {
    name: 'bench',
    policy: 'FullAccess',
  });
  const app = await services.oidc.clients.createClient(seeder, {
    name: 'Bench app',
    redirectUris: [redirectUri],
  });

  // Steady state, not the state right after a bulk load: SQLite folds the large WAL back into
  // the file, PostgreSQL gathers the statistics autovacuum would have gathered by now.
  if (dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  else await sql`analyze`.execute(db);

  return {
    databaseUrl: await urlOf(database.db, dialect),
    masterKeyHex: masterKey.toString('hex'),
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    app: { clientId: app.clientId, clientSecret: app.clientSecret, redirectUri },
    accountId,
    userIds,
    subs,
    licenses: new Map(users.map((u) => [u.id, u.license])),
    phoneNumbers: numbers
      .map(({ e164, status, productType }) => ({ e164, status, productType }))
      .sort((a, b) => (a.e164 < b.e164 ? -1 : a.e164 > b.e164 ? 1 : 0)),
    db,
    dialect,
    seedSeconds: (performance.now() - started) / 1000,
    drop: () => database.drop(),
  };
}

function benchUser(id: string, accountId: string, i: number, at: string): UserRecord {
  return newMember(
    {
      id,
      accountId,
      email: `user${i}@bench.example.com`,
      displayName: `Bench User ${i}`,
      license: i % 5 === 0 ? 'Basic' : 'Pro',
      userType: 'PrivateUser',
      joined: 'registered',
    },
    at,
  );
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
