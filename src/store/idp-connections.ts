import type { Db } from './database.js';
import type { IdpConnectionsTable } from './schema.js';

/** An account's OpenID provider for sign-in, as stored (the client secret still sealed). */
export interface IdpConnectionRecord {
  accountId: string;
  issuer: string;
  clientId: string;
  clientSecretSealed: string;
  /** the ID token claim listing the person's groups; undefined: the IdP sends none */
  groupsClaim: string | undefined;
  createdAt: string;
  updatedAt: string;
}

function fromRow(row: IdpConnectionsTable): IdpConnectionRecord {
  return {
    accountId: row.account_id,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecretSealed: row.client_secret_sealed,
    groupsClaim: row.groups_claim ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findIdpConnection(db: Db, accountId: string): Promise<IdpConnectionRecord | undefined> {
  const row = await db
    .selectFrom('idp_connections')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row && fromRow(row);
}

/** Inserts the connection, or replaces the settings of the one there (keeping when it began). */
export async function saveIdpConnection(db: Db, c: IdpConnectionRecord): Promise<void> {
  const changes = {
    issuer: c.issuer,
    client_id: c.clientId,
    client_secret_sealed: c.clientSecretSealed,
    groups_claim: c.groupsClaim ?? null,
    updated_at: c.updatedAt,
  };
  await db
    .insertInto('idp_connections')
    .values({ account_id: c.accountId, created_at: c.createdAt, ...changes })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(changes))
    .execute();
}

export async function deleteIdpConnection(db: Db, accountId: string): Promise<void> {
  await db.deleteFrom('idp_connections').where('account_id', '=', accountId).execute();
}

/**
 * The IdP-connected account whose verified domain holds this address (the domain's part after
 * the last @), or undefined. Only active EnterpriseOIDC accounts with a connection count.
 */
export async function findIdpAccountIdOfAddress(db: Db, email: string): Promise<string | undefined> {
  const normalized = email.trim().toLowerCase();
  const domain = normalized.slice(normalized.lastIndexOf('@') + 1);
  if (domain === '' || !normalized.includes('@')) return undefined;
  const holder = await db
    .selectFrom('claimed_domains')
    .innerJoin('accounts', 'accounts.id', 'claimed_domains.account_id')
    .innerJoin('idp_connections', 'idp_connections.account_id', 'accounts.id')
    .select('accounts.id')
    .where('claimed_domains.domain_name', '=', domain)
    .where('claimed_domains.status', 'in', ['Verified', 'RecordMissing'])
    .where('accounts.account_type', '=', 'EnterpriseOIDC')
    .where('accounts.account_status', '=', 'Active')
    .executeTakeFirst();
  return holder?.id;
}

/**
 * Whether the account's people come from SCIM: a token was ever minted (even one revoked since)
 * or a user was provisioned. Then sign-in never creates a member just in time.
 */
export async function provisionsOverScim(db: Db, accountId: string): Promise<boolean> {
  const [token, user] = await Promise.all([
    db.selectFrom('scim_tokens').select('id').where('account_id', '=', accountId).limit(1).executeTakeFirst(),
    db.selectFrom('scim_users').select('id').where('account_id', '=', accountId).limit(1).executeTakeFirst(),
  ]);
  return token !== undefined || user !== undefined;
}
