import { sql } from 'kysely';
import { accountFromRow, type AccountRecord } from './accounts.js';
import type { Db } from './database.js';
import type { AccountsTable, UsersTable } from './schema.js';
import { normalizeEmail, userFromRow, type UserRecord } from './users.js';

/** A person's membership: their member row and its account. */
export interface Membership {
  member: UserRecord;
  account: AccountRecord;
}

/** The account's columns, prefixed so they do not collide with the member's in one row. */
type PrefixedAccount = { [K in keyof AccountsTable as `a_${K}`]: AccountsTable[K] };

/**
 * "Who is a member": the person's one registered or suspended membership (migration 0005 holds
 * at most one per address), with its account, in one query. Asked by address, or by identity id
 * (a token's `sub`: the live check and token use ask on every call, and on PostgreSQL each query
 * is a round trip). Unregistered rows (an invitee, a directory user who never signed in) and
 * removed ones are not memberships.
 */
export async function findMembership(
  db: Db,
  who: { identityId: string } | { email: string },
): Promise<Membership | undefined> {
  const person =
    'email' in who
      ? sql`u.email_normalized = ${normalizeEmail(who.email)}`
      : sql`u.email_normalized = (select i.email_normalized from identities i where i.id = ${who.identityId})`;
  const { rows } = await sql<UsersTable & PrefixedAccount>`
    select u.*, a.id as a_id, a.name as a_name, a.account_type as a_account_type,
      a.account_status as a_account_status, a.default_license as a_default_license,
      a.supported_licenses as a_supported_licenses, a.disable_remote_control as a_disable_remote_control,
      a.enable_dial_out as a_enable_dial_out, a.created_at as a_created_at, a.updated_at as a_updated_at,
      a.deleted_at as a_deleted_at, a.purge_after as a_purge_after
    from users u
    join accounts a on a.id = u.account_id
    where ${person} and u.removed_at is null and u.registration_status in ('Registered', 'Suspended')`.execute(
    db,
  );
  const row = rows[0];
  if (!row) return undefined;
  const account: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith('a_')) account[key.slice(2)] = value;
  return { member: userFromRow(row), account: accountFromRow(account as unknown as AccountsTable) };
}
