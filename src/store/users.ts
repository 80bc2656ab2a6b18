import type { Db } from './database.js';
import { leadingEquality } from './keyset.js';
import { selectQuery, selectRows } from './direct-reads.js';
import type { License } from './accounts.js';
import type { UsersTable } from './schema.js';

export type UserType = 'PrivateUser' | 'SharedDevice';
export type RegistrationStatus = 'Unregistered' | 'Registered' | 'Suspended' | 'Released';
export type InvitationStatus = 'Pending' | 'Accepted' | 'Failed';

export interface UserRecord {
  id: string;
  accountId: string;
  email: string | undefined;
  displayName: string | undefined;
  license: License;
  userType: UserType;
  registrationStatus: RegistrationStatus;
  invitationStatus: InvitationStatus | undefined;
  registeredOn: string | undefined;
  invitedOn: string | undefined;
  personalPin: string;
  alexaEnabled: boolean;
  alexaRoomArn: string | undefined;
  primaryProvisionedNumber: string | undefined;
  telephony: { inbound: boolean; outbound: boolean; sms: boolean };
  sessionsRevokedAt: string | undefined;
  removedAt: string | undefined;
  createdAt: string;
  updatedAt: string;
}

/** Addresses compare case-insensitively; the address as given is kept for display. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What a member record is made from: every column but the lookup key kept for email searches. */
type MemberRow = Omit<UsersTable, 'email_normalized'>;

/** MemberRow's columns, named for the direct reads (src/store/direct-reads.ts), which take no `*`. */
const memberColumns = [
  'id',
  'account_id',
  'email',
  'display_name',
  'license',
  'user_type',
  'registration_status',
  'invitation_status',
  'registered_on',
  'invited_on',
  'personal_pin',
  'alexa_enabled',
  'alexa_room_arn',
  'primary_provisioned_number',
  'telephony_inbound',
  'telephony_outbound',
  'telephony_sms',
  'sessions_revoked_at',
  'removed_at',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof MemberRow>;

export function userFromRow(row: MemberRow): UserRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email ?? undefined,
    displayName: row.display_name ?? undefined,
    license: row.license as License,
    userType: row.user_type as UserType,
    registrationStatus: row.registration_status as RegistrationStatus,
    invitationStatus: (row.invitation_status ?? undefined) as InvitationStatus | undefined,
    registeredOn: row.registered_on ?? undefined,
    invitedOn: row.invited_on ?? undefined,
    personalPin: row.personal_pin,
    alexaEnabled: row.alexa_enabled === 1,
    alexaRoomArn: row.alexa_room_arn ?? undefined,
    primaryProvisionedNumber: row.primary_provisioned_number ?? undefined,
    telephony: {
      inbound: row.telephony_inbound === 1,
      outbound: row.telephony_outbound === 1,
      sms: row.telephony_sms === 1,
    },
    sessionsRevokedAt: row.sessions_revoked_at ?? undefined,
    removedAt: row.removed_at ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The row of a member record (src/store/directories.ts adds the directory id to it). */
export function userToRow(user: UserRecord): UsersTable {
  return {
    id: user.id,
    account_id: user.accountId,
    email: user.email ?? null,
    email_normalized: user.email === undefined ? null : normalizeEmail(user.email),
    display_name: user.displayName ?? null,
    license: user.license,
    user_type: user.userType,
    registration_status: user.registrationStatus,
    invitation_status: user.invitationStatus ?? null,
    registered_on: user.registeredOn ?? null,
    invited_on: user.invitedOn ?? null,
    personal_pin: user.personalPin,
    alexa_enabled: user.alexaEnabled ? 1 : 0,
    alexa_room_arn: user.alexaRoomArn ?? null,
    primary_provisioned_number: user.primaryProvisionedNumber ?? null,
    telephony_inbound: user.telephony.inbound ? 1 : 0,
    telephony_outbound: user.telephony.outbound ? 1 : 0,
    telephony_sms: user.telephony.sms ? 1 : 0,
    sessions_revoked_at: user.sessionsRevokedAt ?? null,
    removed_at: user.removedAt ?? null,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export async function insertUser(db: Db, user: UserRecord): Promise<void> {
  await db.insertInto('users').values(userToRow(user)).execute();
}

/** Inserts many users in chunks (bulk seeding, imports). */
export async function insertUsers(db: Db, users: UserRecord[]): Promise<void> {
  for (let i = 0; i < users.length; i += 500)
    await db
      .insertInto('users')
      .values(users.slice(i, i + 500).map(userToRow))
      .execute();
}

/** A current member of the account (removed users are not found). */
/** Written as plain SQL: GetUser's hot path, where building the query cost more than running it. */
export async function findUserById(db: Db, accountId: string, id: string): Promise<UserRecord | undefined> {
  const [row] = await selectRows<MemberRow>(db)`
    select id, account_id, email, display_name, license, user_type, registration_status,
      invitation_status, registered_on, invited_on, personal_pin, alexa_enabled, alexa_room_arn,
      primary_provisioned_number, telephony_inbound, telephony_outbound, telephony_sms,
      sessions_revoked_at, removed_at, created_at, updated_at
    from users where id = ${id} and account_id = ${accountId} and removed_at is null`;
  return row && userFromRow(row);
}

export async function findUserByEmail(
  db: Db,
  accountId: string,
  email: string,
): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('email_normalized', '=', normalizeEmail(email))
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row && userFromRow(row);
}

export interface UserFilter {
  accountId: string;
  email?: string | undefined;
  userType?: UserType | undefined;
  registrationStatus?: RegistrationStatus | undefined;
  license?: License | undefined;
  afterId?: string | undefined;
  limit: number;
}

/**
 * One page of an account's current members in id (creation) order, served by a keyset index for
 * each filter (0001, 0020), each led by the account (leadingEquality).
 */
export async function listUsers(db: Db, filter: UserFilter): Promise<UserRecord[]> {
  // An address names at most one current member of an account (users_account_email): nothing
  // to order, and asking for the order made PostgreSQL sort after its index search.
  const email = filter.email;
  let query = db.selectFrom('users').select(memberColumns).where('removed_at', 'is', null);
  query =
    email === undefined
      ? query.where(leadingEquality(db, 'account_id', filter.accountId))
      : query
          .where('account_id', '=', filter.accountId)
          .where('email_normalized', '=', normalizeEmail(email));
  if (filter.userType !== undefined) query = query.where('user_type', '=', filter.userType);
  if (filter.registrationStatus !== undefined)
    query = query.where('registration_status', '=', filter.registrationStatus);
  if (filter.license !== undefined) query = query.where('license', '=', filter.license);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  // Within the account, in id order: see leadingEquality for why the account leads the order.
  if (email === undefined) query = query.orderBy('account_id').orderBy('id');
  const rows = await selectQuery(db, query.limit(filter.limit));
  return rows.map(userFromRow);
}

export async function countMembers(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UserCount {
  registrationStatus: RegistrationStatus;
  license: License;
  count: number;
}

/** How many current members an account has, by registration status and tier (one group each). */
export async function countUsersByStatusAndLicense(db: Db, accountId: string): Promise<UserCount[]> {
  const rows = await db
    .selectFrom('users')
    .select(['registration_status', 'license', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('account_id', '=', accountId)
    .where('removed_at', 'is', null)
    .groupBy(['registration_status', 'license'])
    .orderBy('registration_status')
    .orderBy('license')
    .execute();
  return rows.map((r) => ({
    registrationStatus: r.registration_status as RegistrationStatus,
    license: r.license as License,
    count: Number(r.n),
  }));
}

export type UserChanges = Partial<
  Omit<UserRecord, 'id' | 'accountId' | 'email' | 'createdAt' | 'updatedAt'>
> & { updatedAt: string };

export async function updateUser(db: Db, accountId: string, id: string, changes: UserChanges): Promise<void> {
  const set: Partial<UsersTable> = { updated_at: changes.updatedAt };
  if (changes.displayName !== undefined) set.display_name = changes.displayName;
  if (changes.license !== undefined) set.license = changes.license;
  if (changes.userType !== undefined) set.user_type = changes.userType;
  if (changes.registrationStatus !== undefined) set.registration_status = changes.registrationStatus;
  if ('invitationStatus' in changes) set.invitation_status = changes.invitationStatus ?? null;
  if ('registeredOn' in changes) set.registered_on = changes.registeredOn ?? null;
  if ('invitedOn' in changes) set.invited_on = changes.invitedOn ?? null;
  if (changes.personalPin !== undefined) set.personal_pin = changes.personalPin;
  if (changes.alexaEnabled !== undefined) set.alexa_enabled = changes.alexaEnabled ? 1 : 0;
  if ('alexaRoomArn' in changes) set.alexa_room_arn = changes.alexaRoomArn ?? null;
  if ('primaryProvisionedNumber' in changes)
    set.primary_provisioned_number = changes.primaryProvisionedNumber ?? null;
  if (changes.telephony !== undefined) {
    set.telephony_inbound = changes.telephony.inbound ? 1 : 0;
    set.telephony_outbound = changes.telephony.outbound ? 1 : 0;
    set.telephony_sms = changes.telephony.sms ? 1 : 0;
  }
  if ('sessionsRevokedAt' in changes) set.sessions_revoked_at = changes.sessionsRevokedAt ?? null;
  if ('removedAt' in changes) set.removed_at = changes.removedAt ?? null;
  await db.updateTable('users').set(set).where('account_id', '=', accountId).where('id', '=', id).execute();
}

/**
 * A pending invitee's invitation fails (its email could not be delivered). Conditional, so an
 * acceptance or a new invitation that got there first wins; false when one did.
 */
export async function failPendingInvitation(
  db: Db,
  accountId: string,
  id: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ invitation_status: 'Failed', updated_at: at })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('registration_status', '=', 'Unregistered')
    .where('invitation_status', '=', 'Pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
