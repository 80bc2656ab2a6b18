import type { Policy } from './access-keys.js';
import type { Db } from './database.js';
import { normalizeEmail } from './users.js';

export interface ConsoleAdminRecord {
  id: string;
  principalId: string;
  email: string;
  passwordHash: string;
  totpSecretSealed: string | undefined;
  totpLastStep: number | undefined;
  policy: Policy;
  accountId: string | undefined;
  createdAt: string;
  lastSignedInAt: string | undefined;
}

const adminColumns = [
  'console_admins.id',
  'console_admins.principal_id',
  'console_admins.email',
  'console_admins.password_hash',
  'console_admins.totp_secret_sealed',
  'console_admins.totp_last_step',
  'console_admins.created_at',
  'console_admins.last_signed_in_at',
  'admin_principals.policy',
  'admin_principals.account_id',
] as const;

function toRecord(row: {
  id: string;
  principal_id: string;
  email: string;
  password_hash: string;
  totp_secret_sealed: string | null;
  totp_last_step: number | string | null;
  created_at: string;
  last_signed_in_at: string | null;
  policy: string;
  account_id: string | null;
}): ConsoleAdminRecord {
  return {
    id: row.id,
    principalId: row.principal_id,
    email: row.email,
    passwordHash: row.password_hash,
    totpSecretSealed: row.totp_secret_sealed ?? undefined,
    totpLastStep: row.totp_last_step === null ? undefined : Number(row.totp_last_step),
    policy: row.policy as Policy,
    accountId: row.account_id ?? undefined,
    createdAt: row.created_at,
    lastSignedInAt: row.last_signed_in_at ?? undefined,
  };
}

function selectAdmins(db: Db) {
  return db
    .selectFrom('console_admins')
    .innerJoin('admin_principals', 'admin_principals.id', 'console_admins.principal_id')
    .select(adminColumns);
}

/** Inserts the administrator; its admin principal must exist already (insertPrincipal). */
export async function insertConsoleAdmin(
  db: Db,
  admin: {
    id: string;
    principalId: string;
    email: string;
    passwordHash: string;
    totpSecretSealed?: string;
    at: string;
  },
): Promise<void> {
  await db
    .insertInto('console_admins')
    .values({
      id: admin.id,
      principal_id: admin.principalId,
      email: admin.email,
      email_normalized: normalizeEmail(admin.email),
      password_hash: admin.passwordHash,
      totp_secret_sealed: admin.totpSecretSealed ?? null,
      totp_last_step: null,
      created_at: admin.at,
      updated_at: admin.at,
      last_signed_in_at: null,
    })
    .execute();
}

export async function findConsoleAdminByEmail(
  db: Db,
  email: string,
): Promise<ConsoleAdminRecord | undefined> {
  const row = await selectAdmins(db)
    .where('console_admins.email_normalized', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function findConsoleAdminById(db: Db, id: string): Promise<ConsoleAdminRecord | undefined> {
  const row = await selectAdmins(db).where('console_admins.id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export async function listConsoleAdmins(db: Db): Promise<ConsoleAdminRecord[]> {
  return (await selectAdmins(db).orderBy('console_admins.created_at').execute()).map(toRecord);
}

export async function countConsoleAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('console_admins')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Removes the administrator with its principal (sessions go with it, by cascade). */
export async function deleteConsoleAdmin(db: Db, admin: ConsoleAdminRecord): Promise<void> {
  await db.deleteFrom('console_sessions').where('admin_id', '=', admin.id).execute();
  await db.deleteFrom('console_admins').where('id', '=', admin.id).execute();
  await db.deleteFrom('admin_principals').where('id', '=', admin.principalId).execute();
}

export async function updateConsoleAdminCredentials(
  db: Db,
  id: string,
  change: { passwordHash?: string; totpSecretSealed?: string | null; at: string },
): Promise<void> {
  await db
    .updateTable('console_admins')
    .set({
      ...(change.passwordHash !== undefined && { password_hash: change.passwordHash }),
      ...(change.totpSecretSealed !== undefined && {
        totp_secret_sealed: change.totpSecretSealed,
        totp_last_step: null,
      }),
      updated_at: change.at,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Accepts a TOTP step once: true only when it is later than the last one accepted, set in the
 * same statement, so a code replayed (even in parallel) fails.
 */
export async function acceptTotpStep(db: Db, id: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('console_admins')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markConsoleSignIn(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('console_admins').set({ last_signed_in_at: at }).where('id', '=', id).execute();
}

// --- sessions

export interface ConsoleSessionRecord {
  idHash: string;
  adminId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export async function insertConsoleSession(db: Db, s: ConsoleSessionRecord): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({
      id_hash: s.idHash,
      admin_id: s.adminId,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      expires_at: s.expiresAt,
      revoked_at: null,
    })
    .execute();
}

/** A session not revoked, within its absolute expiry and seen since `idleSince`. */
export async function findLiveConsoleSession(
  db: Db,
  idHash: string,
  now: string,
  idleSince: string,
): Promise<ConsoleSessionRecord | undefined> {
  const row = await db
    .selectFrom('console_sessions')
    .select(['id_hash', 'admin_id', 'created_at', 'last_seen_at', 'expires_at'])
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', idleSince)
    .executeTakeFirst();
  return (
    row && {
      idHash: row.id_hash,
      adminId: row.admin_id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
    }
  );
}

export async function touchConsoleSession(db: Db, idHash: string, at: string): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function revokeConsoleSession(db: Db, idHash: string, at: string): Promise<void> {
  await db
    .updateTable('console_sessions')
    .set({ revoked_at: at })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every session of the administrator (a password reset, a deletion). */
export async function revokeConsoleSessionsOf(db: Db, adminId: string, at: string): Promise<number> {
  const result = await db
    .updateTable('console_sessions')
    .set({ revoked_at: at })
    .where('admin_id', '=', adminId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// --- first-administrator links

export async function insertSetupToken(db: Db, t: { tokenHash: string; at: string; expiresAt: string }) {
  await db
    .insertInto('console_setup_tokens')
    .values({ token_hash: t.tokenHash, created_at: t.at, expires_at: t.expiresAt, used_at: null })
    .execute();
}

/** Spends the link once: true when it was unused and unexpired, now marked used. */
export async function useSetupToken(db: Db, tokenHash: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('console_setup_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function isSetupTokenUsable(db: Db, tokenHash: string, at: string): Promise<boolean> {
  const row = await db
    .selectFrom('console_setup_tokens')
    .select('token_hash')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return row !== undefined;
}
