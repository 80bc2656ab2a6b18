import { sql } from 'kysely';
import { accountFromRow, type AccountRecord } from './accounts.js';
import type { Db } from './database.js';
import { selectRows } from './direct-reads.js';
import { identityFromRow, type IdentityRecord } from './identities.js';
import type { AccountsTable, IdentitiesTable, UsersTable } from './schema.js';
import { normalizeEmail, userFromRow, type UserRecord } from './users.js';

/** A person's membership: their member row and its account. */
export interface Membership {
  member: UserRecord;
  account: AccountRecord;
}

/** The account's columns, prefixed so they do not collide with the member's in one row. */
type PrefixedAccount = { [K in keyof AccountsTable as `a_${K}`]: AccountsTable[K] };

/** The identity's columns, prefixed likewise. */
type PrefixedIdentity = { [K in keyof IdentitiesTable as `i_${K}`]: IdentitiesTable[K] };

/** Whose rows count as memberships: see findMembership. */
const IS_MEMBERSHIP = sql`u.removed_at is null and u.registration_status in ('Registered', 'Suspended')`;

/**
 * "Who is a member": the person's one registered or suspended membership (migration 0005 holds
 * at most one per address), with its account, in one query. Unregistered rows (an invitee, a
 * directory user who never signed in) and removed ones are not memberships.
 */
export async function findMembership(db: Db, who: { email: string }): Promise<Membership | undefined> {
  const { rows } = await sql<UsersTable & PrefixedAccount>`
    select u.*, ${ACCOUNT_COLUMNS}
    from users u
    join accounts a on a.id = u.account_id
    where u.email_normalized = ${normalizeEmail(who.email)} and ${IS_MEMBERSHIP}`.execute(db);
  return rows[0] && membershipFromRow(rows[0]);
}

/**
 * The identity with this id (a token's `sub`) and its membership, in one read: the live check
 * and every use of a token ask on each call, where each query costs its round trip (PostgreSQL)
 * and its statement's machinery (both stores) more than the lookup itself. Plain SQL, with the
 * columns named, so SQLite reads it straight off the connection (see direct-reads.ts). The member
 * is matched on the address as a value found first, not on the joined row's column: so
 * PostgreSQL searches the membership index for it rather than joining the index whole.
 */
export async function findIdentityWithMembership(
  db: Db,
  identityId: string,
): Promise<{ identity: IdentityRecord; membership: Membership | undefined } | undefined> {
  const [row] = await selectRows<PrefixedIdentity & Partial<UsersTable & PrefixedAccount>>(db)`
    select i.id as i_id, i.email as i_email, i.password_hash as i_password_hash,
      i.email_verified_at as i_email_verified_at, i.pro_trial_ends_at as i_pro_trial_ends_at,
      i.created_at as i_created_at, i.updated_at as i_updated_at,
      u.id, u.account_id, u.email, u.display_name, u.license, u.user_type, u.registration_status,
      u.invitation_status, u.registered_on, u.invited_on, u.personal_pin, u.alexa_enabled,
      u.alexa_room_arn, u.primary_provisioned_number, u.telephony_inbound, u.telephony_outbound,
      u.telephony_sms, u.sessions_revoked_at, u.removed_at, u.created_at, u.updated_at,
      a.id as a_id, a.name as a_name, a.account_type as a_account_type,
      a.account_status as a_account_status, a.default_license as a_default_license,
      a.supported_licenses as a_supported_licenses, a.disable_remote_control as a_disable_remote_control,
      a.enable_dial_out as a_enable_dial_out, a.created_at as a_created_at, a.updated_at as a_updated_at,
      a.deleted_at as a_deleted_at, a.purge_after as a_purge_after
    from identities i
    left join users u
      on u.email_normalized = (select x.email_normalized from identities x where x.id = ${identityId})
      and u.removed_at is null and u.registration_status in ('Registered', 'Suspended')
    left join accounts a on a.id = u.account_id
    where i.id = ${identityId}`;
  if (!row) return undefined;
  const identity = identityFromRow(unprefixed(row, 'i_') as unknown as IdentitiesTable);
  const membership = row.a_id == null ? undefined : membershipFromRow(row as UsersTable & PrefixedAccount);
  return { identity, membership };
}

const ACCOUNT_COLUMNS = sql`a.id as a_id, a.name as a_name, a.account_type as a_account_type,
      a.account_status as a_account_status, a.default_license as a_default_license,
      a.supported_licenses as a_supported_licenses, a.disable_remote_control as a_disable_remote_control,
      a.enable_dial_out as a_enable_dial_out, a.created_at as a_created_at, a.updated_at as a_updated_at,
      a.deleted_at as a_deleted_at, a.purge_after as a_purge_after`;

function membershipFromRow(row: UsersTable & PrefixedAccount): Membership {
  const account = unprefixed(row, 'a_') as unknown as AccountsTable;
  return { member: userFromRow(row), account: accountFromRow(account) };
}

function unprefixed(row: object, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row))
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}
