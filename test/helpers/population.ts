import { SqliteAdapter, sql } from 'kysely';
import { newAccountRecord } from '../../src/domain/accounts/rules.js';
import { newMember } from '../../src/domain/users/rules.js';
import { uuidv7 } from '../../src/lib/ids.js';
import { insertAccount } from '../../src/store/accounts.js';
import { bulkInsert, withIndexesBuiltAfter } from '../../src/store/bulk-insert.js';
import type { Db } from '../../src/store/database.js';
import { phoneNumberToRow, type PhoneNumberRecord } from '../../src/store/phone-numbers.js';
import { normalizeEmail, userToRow, type UserRecord } from '../../src/store/users.js';
import { benchPhoneNumbers, checkSample } from './phone-inventory.js';

/**
 * How large a population is: `users` members over `accounts` accounts, the first of which (the
 * one the benchmark and the plan test ask about) holds `largestAccount` of them and the others
 * share the rest evenly; `phoneNumbers` numbers in the operator's inventory.
 */
export interface PopulationSize {
  users: number;
  accounts: number;
  largestAccount: number;
  phoneNumbers: number;
}

/** Issue 16's scale: a million users over a thousand accounts, one of 200,000. */
export const MILLION: PopulationSize = {
  users: 1_000_000,
  accounts: 1_000,
  largestAccount: 200_000,
  phoneNumbers: 1_000_000,
};

/** What callers need to know of the largest account to ask about it. */
export interface LargestAccount {
  accountId: string;
  /** its members' ids in id (= listing) order */
  userIds: string[];
  /** each member's identity id (their tokens' `sub`), by user id */
  subs: Map<string, string>;
  /** each member's tier, by user id */
  licenses: Map<string, string>;
}

export interface Population {
  largest: LargestAccount;
  accountIds: string[];
  /** the inventory as inserted (E.164 in generation order) */
  phoneNumbers: PhoneNumberRecord[];
}

/** Rows per generated batch: small enough that a million users are never held at once. */
const BATCH = 20_000;

/** The tables the load fills (pro_periods through the users' triggers, migration 0018). */
const LOADED_TABLES = ['accounts', 'users', 'identities', 'pro_periods', 'phone_numbers'] as const;

/**
 * Fills a migrated database with a population of `size`, in `tx` (one transaction, so it commits
 * once): the accounts through the store, then users, one confirmed identity per user (all with
 * `passwordHash`: argon2id is slow by design) and the phone inventory through `bulkInsert`, with
 * the tables' secondary indexes built once after the rows are in and, on PostgreSQL, their
 * statistics gathered (`withIndexesBuiltAfter`).
 * Member n (0-based over the whole population) is `user<n>@bench.example.com`, created at
 * `base + n` ms; members 0 … largestAccount-1 are the largest account's. A fifth of the
 * members are Basic, the rest Pro; the inventory's Assigned numbers go to the largest account's
 * members (see phone-inventory.ts), whose PrimaryProvisionedNumber shows them.
 */
export async function populate(
  tx: Db,
  size: PopulationSize,
  options: { base: number; now: number; passwordHash: string },
): Promise<Population> {
  checkSize(size);
  const restoreCache = await widenSqliteCache(tx);
  try {
    return await withIndexesBuiltAfter(tx, LOADED_TABLES, () => load(tx, size, options));
  } finally {
    await restoreCache();
  }
}

/**
 * SQLite keeps 2 MB of pages by default: the tables and the sorts that build their indexes again
 * after the load then read their pages back through the OS. For the load the connection keeps up
 * to 1 GB; the previous size is restored after.
 */
async function widenSqliteCache(tx: Db): Promise<() => Promise<void>> {
  if (!(tx.getExecutor().adapter instanceof SqliteAdapter)) return async () => undefined;
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(tx);
  await sql`pragma cache_size = -1048576`.execute(tx);
  return async () => void (await sql.raw(`pragma cache_size = ${Number(rows[0]!.cache_size)}`).execute(tx));
}

async function load(
  tx: Db,
  size: PopulationSize,
  options: { base: number; now: number; passwordHash: string },
): Promise<Population> {
  const at = (i: number) => new Date(options.base + i).toISOString();
  const accountIds: string[] = [];
  for (let a = 0; a < size.accounts; a++) {
    const account = newAccountRecord(uuidv7(options.base - 1), a === 0 ? 'Bench Co' : `Bench ${a}`, at(-1));
    await insertAccount(tx, account);
    accountIds.push(account.id);
  }
  const accountOf = (n: number) =>
    n < size.largestAccount ? 0 : 1 + ((n - size.largestAccount) % (size.accounts - 1));
  // Members go in in the order of their addresses (user0, user1, user10, user100, …), and their
  // ids are made in that order too (uuidv7 gives ids in call order): then the primary keys, on
  // ids or on addresses (identities), grow at their end rather than all over, and the load stays
  // in the caches (the other indexes are built after the load).
  const order = insertionOrder(size.users);
  const idOf: string[] = new Array<string>(size.users);
  for (const n of order) idOf[n] = uuidv7(options.base);
  const largestIds = order.filter((n) => n < size.largestAccount).map((n) => idOf[n]!);
  const phoneNumbers = benchPhoneNumbers(size.phoneNumbers, accountIds[0]!, largestIds, options.now);
  checkSample(phoneNumbers);
  const numberOf = new Map(phoneNumbers.flatMap((p) => (p.userId ? [[p.userId, p.e164] as const] : [])));

  const largest: LargestAccount = {
    accountId: accountIds[0]!,
    userIds: largestIds,
    subs: new Map(),
    licenses: new Map(),
  };
  for (let start = 0; start < size.users; start += BATCH) {
    const batch = order.slice(start, start + BATCH);
    const users = batch.map((n) => {
      const inLargest = n < size.largestAccount;
      const user = member(idOf[n]!, accountIds[accountOf(n)]!, n, at(n), inLargest);
      user.primaryProvisionedNumber = numberOf.get(user.id);
      if (inLargest) {
        largest.subs.set(user.id, identityId(n));
        largest.licenses.set(user.id, user.license);
      }
      return user;
    });
    await bulkInsert(tx, 'users', users.map(userToRow));
    await bulkInsert(tx, 'identities', identityRows(users, batch, at(size.users), options.passwordHash));
  }
  await insertInventory(tx, phoneNumbers);
  return { largest, accountIds, phoneNumbers };
}

/** 0 … count-1 in the order of their decimal text, which is the order of `user<n>@…` and `bench-identity-<n>`. */
function insertionOrder(count: number): number[] {
  const texts = Array.from({ length: count }, (_, n) => String(n));
  return Array.from({ length: count }, (_, n) => n).sort((a, b) => (texts[a]! < texts[b]! ? -1 : 1));
}

function checkSize(size: PopulationSize): void {
  if (size.accounts < 1 || size.largestAccount > size.users) throw new Error('an impossible population');
  if (size.accounts === 1 && size.largestAccount !== size.users)
    throw new Error('one account holds every user');
  if (size.accounts > 1 && size.largestAccount === size.users)
    throw new Error('the other accounts would be empty');
}

/** The identity id of member n: a token's `sub`. */
export const identityId = (n: number) => `bench-identity-${n}`;

/**
 * Member n. The largest account's members are all registered (the benchmark signs them in); in
 * the other accounts one in ten is a pending invitee and one in fifty is suspended, so the
 * statistics PostgreSQL plans from see the mix a real installation has.
 */
function member(id: string, accountId: string, n: number, at: string, largest: boolean): UserRecord {
  const user = newMember(
    {
      id,
      accountId,
      email: `user${n}@bench.example.com`,
      displayName: `Bench User ${n}`,
      license: n % 5 === 0 ? 'Basic' : 'Pro',
      userType: 'PrivateUser',
      joined: !largest && n % 10 === 3 ? 'invited' : 'registered',
    },
    at,
  );
  if (!largest && n % 50 === 9) user.registrationStatus = 'Suspended';
  return user;
}

function identityRows(users: UserRecord[], members: number[], at: string, passwordHash: string) {
  return users.map((user, i) => ({
    id: identityId(members[i]!),
    email: user.email!,
    email_normalized: normalizeEmail(user.email!),
    password_hash: passwordHash,
    email_verified_at: at,
    pro_trial_ends_at: null,
    created_at: at,
    updated_at: at,
  }));
}

/** In E.164 order, for the reason members go in in address order. */
async function insertInventory(tx: Db, numbers: PhoneNumberRecord[]): Promise<void> {
  const sorted = [...numbers].sort((a, b) => (a.e164 < b.e164 ? -1 : 1));
  for (let i = 0; i < sorted.length; i += BATCH)
    await bulkInsert(tx, 'phone_numbers', sorted.slice(i, i + BATCH).map(phoneNumberToRow));
}
