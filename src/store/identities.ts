import { sql } from 'kysely';
import type { Db } from './database.js';
import type { IdentitiesTable } from './schema.js';
import { normalizeEmail } from './users.js';

export interface IdentityRecord {
  id: string;
  /** the address as the person typed it, for display and mail */
  email: string;
  /** PHC string (`$argon2id$…`) */
  passwordHash: string;
  emailVerifiedAt: string | undefined;
  /** the personal Pro trial runs until then (ended early when an invitation is accepted) */
  proTrialEndsAt: string | undefined;
  createdAt: string;
  updatedAt: string;
}

export function identityFromRow(row: Omit<IdentitiesTable, 'email_normalized'>): IdentityRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    emailVerifiedAt: row.email_verified_at ?? undefined,
    proTrialEndsAt: row.pro_trial_ends_at ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Inserts an identity unless the address already has one (the unique index decides, so of two
 * racing registrations exactly one inserts); returns whether it did.
 */
export async function insertIdentity(db: Db, identity: IdentityRecord): Promise<boolean> {
  const result = await db
    .insertInto('identities')
    .values({
      id: identity.id,
      email: identity.email,
      email_normalized: normalizeEmail(identity.email),
      password_hash: identity.passwordHash,
      email_verified_at: identity.emailVerifiedAt ?? null,
      pro_trial_ends_at: identity.proTrialEndsAt ?? null,
      created_at: identity.createdAt,
      updated_at: identity.updatedAt,
    })
    .onConflict((oc) => oc.column('email_normalized').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findIdentityById(db: Db, id: string): Promise<IdentityRecord | undefined> {
  const row = await db.selectFrom('identities').selectAll().where('id', '=', id).executeTakeFirst();
  return row && identityFromRow(row);
}

/** Addresses compare case-insensitively, as everywhere else in Belfry. */
export async function findIdentityByEmail(db: Db, email: string): Promise<IdentityRecord | undefined> {
  const row = await db
    .selectFrom('identities')
    .selectAll()
    .where('email_normalized', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && identityFromRow(row);
}

export type IdentityChanges = Partial<
  Pick<IdentityRecord, 'passwordHash' | 'emailVerifiedAt' | 'proTrialEndsAt'>
> & { updatedAt: string };

export async function updateIdentity(db: Db, id: string, changes: IdentityChanges): Promise<void> {
  const set: Partial<IdentitiesTable> = { updated_at: changes.updatedAt };
  if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
  if ('emailVerifiedAt' in changes) set.email_verified_at = changes.emailVerifiedAt ?? null;
  if ('proTrialEndsAt' in changes) set.pro_trial_ends_at = changes.proTrialEndsAt ?? null;
  await db.updateTable('identities').set(set).where('id', '=', id).execute();
}

// --- one-time tokens sent by email ---------------------------------------------------------

export type IdentityTokenPurpose = 'verify-email' | 'reset-password';

export interface NewIdentityToken {
  hash: string;
  identityId: string;
  purpose: IdentityTokenPurpose;
  expiresAt: string;
  at: string;
}

/** Stores a token beside any others of the identity and purpose. */
export async function insertIdentityToken(db: Db, token: NewIdentityToken): Promise<void> {
  await db
    .insertInto('identity_tokens')
    .values({
      token_hash: token.hash,
      identity_id: token.identityId,
      purpose: token.purpose,
      expires_at: token.expiresAt,
      used_at: null,
      created_at: token.at,
    })
    .execute();
}

/** Deletes the identity's unused tokens of the purpose; returns how many. */
export async function retireIdentityTokens(
  db: Db,
  identityId: string,
  purpose: IdentityTokenPurpose,
): Promise<number> {
  const result = await db
    .deleteFrom('identity_tokens')
    .where('identity_id', '=', identityId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Stores a token in place of the identity's unused ones of the purpose. */
export async function replaceIdentityToken(db: Db, token: NewIdentityToken): Promise<void> {
  await retireIdentityTokens(db, token.identityId, token.purpose);
  await insertIdentityToken(db, token);
}

/**
 * Spends a token: marks it used if it is unused, unexpired and of the purpose, and returns its
 * identity; undefined otherwise. One statement, so two concurrent clicks cannot both spend it.
 */
export async function useIdentityToken(
  db: Db,
  hash: string,
  purpose: IdentityTokenPurpose,
  at: string,
): Promise<string | undefined> {
  const row = await db
    .updateTable('identity_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning('identity_id')
    .executeTakeFirst();
  return row?.identity_id;
}

/** The identity of a token that would be accepted now, without spending it. */
export async function findUsableIdentityToken(
  db: Db,
  hash: string,
  purpose: IdentityTokenPurpose,
  at: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('identity_tokens')
    .select('identity_id')
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return row?.identity_id;
}

/** Whether a token would be accepted now, without spending it (to show the form it belongs to). */
export async function isIdentityTokenUsable(
  db: Db,
  hash: string,
  purpose: IdentityTokenPurpose,
  at: string,
): Promise<boolean> {
  return (await findUsableIdentityToken(db, hash, purpose, at)) !== undefined;
}

// --- sign-in throttling -----------------------------------------------------------------------

/**
 * Counts one attempt against the key and returns the count including it, with the start of its
 * window. A window older than `windowStart` starts afresh at `at`; within the window the count
 * grows. One upsert (the row is locked while it runs), so of N concurrent attempts each sees a
 * distinct count: the caller reserves the attempt before checking the password, and no burst can
 * slip past the limit.
 */
export async function reserveSigninAttempt(
  db: Db,
  key: string,
  windowStart: string,
  at: string,
): Promise<{ count: number; windowStartedAt: string }> {
  const expired = sql<boolean>`signin_throttles.window_started_at <= ${windowStart}`;
  const row = await db
    .insertInto('signin_throttles')
    .values({ key, failures: 1, window_started_at: at })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when ${expired} then 1 else signin_throttles.failures + 1 end`,
        window_started_at: sql<string>`case when ${expired} then ${at} else signin_throttles.window_started_at end`,
      }),
    )
    .returning(['failures', 'window_started_at'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.failures), windowStartedAt: row.window_started_at };
}

/** Gives back one reserved attempt that turned out not to be a failure (never below zero). */
export async function releaseSigninAttempt(db: Db, key: string): Promise<void> {
  await db
    .updateTable('signin_throttles')
    .set({ failures: sql<number>`failures - 1` })
    .where('key', '=', key)
    .where('failures', '>', 0)
    .execute();
}

export async function clearSigninFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('signin_throttles').where('key', '=', key).execute();
}

/** Forgets every count whose key starts with `prefix` (all of one address's, say). */
export async function clearSigninFailuresUnder(db: Db, prefix: string): Promise<void> {
  await db
    .deleteFrom('signin_throttles')
    // In characters, as both databases' substr counts them: `.length` counts UTF-16 units, and
    // an address outside the BMP would compare one character too many and match nothing.
    .where(sql<boolean>`substr(key, 1, ${[...prefix].length}) = ${prefix}`)
    .execute();
}

/**
 * A run of consecutive failures, kept in the same table: `failures` is its length and
 * `window_started_at` the time of its latest failure (a run has no window, it only grows).
 */
export async function findSigninRun(
  db: Db,
  key: string,
): Promise<{ failures: number; lastAt: string } | undefined> {
  const row = await db
    .selectFrom('signin_throttles')
    .select(['failures', 'window_started_at'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { failures: Number(row.failures), lastAt: row.window_started_at };
}

/**
 * Counts one more failure in the run, unconditionally, in one upsert; a run whose latest failure
 * is older than `forgetBefore` starts afresh at 1. Returns the run's new length.
 */
export async function countInSigninRun(
  db: Db,
  key: string,
  forgetBefore: string,
  at: string,
): Promise<number> {
  const forgotten = sql<boolean>`signin_throttles.window_started_at <= ${forgetBefore}`;
  const row = await db
    .insertInto('signin_throttles')
    .values({ key, failures: 1, window_started_at: at })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when ${forgotten} then 1 else signin_throttles.failures + 1 end`,
        window_started_at: at,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/**
 * Sets the run to `failures`, its latest at `at`, only if it still has the length `seen` that the
 * caller decided on (undefined: no row yet). False when another attempt changed it first: the
 * caller reads it again, so of concurrent attempts none passes a delay another one started.
 */
export async function extendSigninRun(
  db: Db,
  key: string,
  seen: number | undefined,
  failures: number,
  at: string,
): Promise<boolean> {
  const written =
    seen === undefined
      ? await db
          .insertInto('signin_throttles')
          .values({ key, failures, window_started_at: at })
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('key')
          .execute()
      : await db
          .updateTable('signin_throttles')
          .set({ failures, window_started_at: at })
          .where('key', '=', key)
          .where('failures', '=', seen)
          .returning('key')
          .execute();
  return written.length === 1;
}

// --- browser sessions ---------------------------------------------------------------------------

export interface BrowserSessionRecord {
  idHash: string;
  identityId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | undefined;
}

export async function insertBrowserSession(db: Db, session: BrowserSessionRecord): Promise<void> {
  await db
    .insertInto('browser_sessions')
    .values({
      id_hash: session.idHash,
      identity_id: session.identityId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      revoked_at: session.revokedAt ?? null,
    })
    .execute();
}

/**
 * A live session (neither revoked nor expired): its identity, and when the person signed in to
 * open it (the session is never extended, so that is when the password was last entered).
 */
export async function findLiveSession(
  db: Db,
  idHash: string,
  at: string,
): Promise<{ identity: IdentityRecord; signedInAt: string } | undefined> {
  const row = await db
    .selectFrom('browser_sessions as s')
    .innerJoin('identities as i', 'i.id', 's.identity_id')
    .selectAll('i')
    .select('s.created_at as session_created_at')
    .where('s.id_hash', '=', idHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', at)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_created_at: signedInAt, ...identity } = row;
  return { identity: identityFromRow(identity), signedInAt };
}

export async function revokeBrowserSession(db: Db, idHash: string, at: string): Promise<void> {
  await db
    .updateTable('browser_sessions')
    .set({ revoked_at: at })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every live session of the identity at once; returns how many there were. */
export async function revokeIdentitySessions(db: Db, identityId: string, at: string): Promise<number> {
  const result = await db
    .updateTable('browser_sessions')
    .set({ revoked_at: at })
    .where('identity_id', '=', identityId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
