import type { Db } from './database.js';
import type { ScimTokensTable } from './schema.js';

/**
 * The SCIM tokens of an account that still work (not revoked). The OpenID provider's disconnect
 * asks it: an account keeps its EnterpriseOIDC type while its IdP can still provision.
 */
export async function countLiveScimTokens(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('scim_tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A SCIM token as stored: never the token itself, only its SHA-256. */
export interface ScimTokenRecord {
  id: string;
  accountId: string;
  name: string;
  tokenHash: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | undefined;
  revokedAt: string | undefined;
}

function tokenFromRow(row: ScimTokensTable): ScimTokenRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    tokenHash: row.token_hash,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}

export async function insertScimToken(db: Db, token: ScimTokenRecord): Promise<void> {
  await db
    .insertInto('scim_tokens')
    .values({
      id: token.id,
      account_id: token.accountId,
      name: token.name,
      token_hash: token.tokenHash,
      created_by: token.createdBy,
      created_at: token.createdAt,
      last_used_at: token.lastUsedAt ?? null,
      revoked_at: token.revokedAt ?? null,
    })
    .execute();
}

/** The account's tokens, oldest first, revoked ones included (the list shows them as revoked). */
export async function listScimTokens(db: Db, accountId: string): Promise<ScimTokenRecord[]> {
  const rows = await db
    .selectFrom('scim_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(tokenFromRow);
}

export async function findScimToken(
  db: Db,
  accountId: string,
  id: string,
): Promise<ScimTokenRecord | undefined> {
  const row = await db
    .selectFrom('scim_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && tokenFromRow(row);
}

/**
 * The live (not revoked) token with this hash, of an active account: one query on every SCIM
 * request (the hash is unique).
 */
export async function findUsableScimToken(db: Db, tokenHash: string): Promise<ScimTokenRecord | undefined> {
  const row = await db
    .selectFrom('scim_tokens')
    .innerJoin('accounts', 'accounts.id', 'scim_tokens.account_id')
    .selectAll('scim_tokens')
    .where('scim_tokens.token_hash', '=', tokenHash)
    .where('scim_tokens.revoked_at', 'is', null)
    .where('accounts.account_status', '=', 'Active')
    .executeTakeFirst();
  return row && tokenFromRow(row);
}

export async function revokeScimToken(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('scim_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Records a use, at most once per `intervalMs` per token: the update is conditional on the last
 * recorded use being older, so concurrent requests write it once and most requests write nothing.
 */
export async function touchScimToken(db: Db, id: string, at: string, staleBefore: string): Promise<void> {
  await db
    .updateTable('scim_tokens')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
    .execute();
}
