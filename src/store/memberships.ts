import { sql } from 'kysely';
import { accountFromRow, type AccountRecord } from './accounts.js';
import type { Db } from './database.js';
import type { AccountsTable, UsersTable } from './schema.js';
import { userFromRow, type UserRecord } from './users.js';

/** The account's columns, prefixed so they do not collide with the member's in one row. */
type PrefixedAccount = { [K in keyof AccountsTable as `a_${K}`]: AccountsTable[K] };

/**
 * The one registered or suspended membership (migration 0005) of the person with this identity,
 * with its account, in one query: the live check and token use ask it on every call, and on
 * PostgreSQL each query is a round trip.
 */
export async function findMembershipOfIdentity(
  db: Db,
  identityId: string,
): Promise<{ member: UserRecord; account: AccountRecord } | undefined> {
  const { rows } = await sql<UsersTable & PrefixedAccount>`
    select u.*, a.id as a_id, a.name as a_name, a.account_type as a_account_type,
      a.account_status as a_account_status, a.default_license as a_default_license,
      a.supported_licenses as a_supported_licenses, a.disable_remote_control as a_disable_remote_control,
      a.enable_dial_out as a_enable_dial_out, a.created_at as a_created_at, a.updated_at as a_updated_at,
      a.deleted_at as a_deleted_at, a.purge_after as a_purge_after
    from identities i
    join users u on u.email_normalized = i.email_normalized and u.removed_at is null
      and u.registration_status in ('Registered', 'Suspended')
    join accounts a on a.id = u.account_id
    where i.id = ${identityId}`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const account: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith('a_')) account[key.slice(2)] = value;
  return { member: userFromRow(row), account: accountFromRow(account as unknown as AccountsTable) };
}
