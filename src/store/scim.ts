import type { Db } from './database.js';
import type { ScimGroupsTable, ScimUsersTable } from './schema.js';
import { userFromRow, type UserRecord } from './users.js';

/**
 * SCIM Users and Groups as the IdP last sent them (0017), and the memberships between them.
 * Every query is keyed on the account and, for lists, pages in a stable order (created_at, id).
 * Lists of ids are sent in chunks, well under both dialects' bound-parameter limits.
 */

/** The resource's JSON is kept without `id`, `meta` and (groups) `members`. */
export interface ScimUserRecord {
  id: string;
  accountId: string;
  userName: string;
  externalId: string | undefined;
  /** the address the Belfry user has, lower case */
  emailKey: string | undefined;
  active: boolean;
  resource: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ScimGroupRecord {
  id: string;
  accountId: string;
  displayName: string;
  externalId: string | undefined;
  resource: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function userFromScimRow(row: ScimUsersTable): ScimUserRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    userName: row.user_name,
    externalId: row.external_id ?? undefined,
    emailKey: row.email_key ?? undefined,
    active: row.active === 1,
    resource: JSON.parse(row.resource) as Record<string, unknown>,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function userToScimRow(user: ScimUserRecord): ScimUsersTable {
  return {
    id: user.id,
    account_id: user.accountId,
    user_name: user.userName,
    user_name_key: user.userName.toLowerCase(),
    external_id: user.externalId ?? null,
    email_key: user.emailKey?.toLowerCase() ?? null,
    active: user.active ? 1 : 0,
    resource: JSON.stringify(user.resource),
    version: user.version,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function groupFromScimRow(row: ScimGroupsTable): ScimGroupRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    displayName: row.display_name,
    externalId: row.external_id ?? undefined,
    resource: JSON.parse(row.resource) as Record<string, unknown>,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function groupToScimRow(group: ScimGroupRecord): ScimGroupsTable {
  return {
    id: group.id,
    account_id: group.accountId,
    display_name: group.displayName,
    display_name_key: group.displayName.toLowerCase(),
    external_id: group.externalId ?? null,
    resource: JSON.stringify(group.resource),
    version: group.version,
    created_at: group.createdAt,
    updated_at: group.updatedAt,
  };
}

export async function insertScimUser(db: Db, user: ScimUserRecord): Promise<void> {
  await db.insertInto('scim_users').values(userToScimRow(user)).execute();
}

/** Writes every column but the keys and the creation time. */
export async function updateScimUser(db: Db, user: ScimUserRecord): Promise<void> {
  const { id: _id, account_id: _account, created_at: _created, ...changes } = userToScimRow(user);
  await db
    .updateTable('scim_users')
    .set(changes)
    .where('account_id', '=', user.accountId)
    .where('id', '=', user.id)
    .execute();
}

/** Deletes the user; their memberships go with them (the foreign key cascades). */
export async function deleteScimUser(db: Db, accountId: string, id: string): Promise<void> {
  await db.deleteFrom('scim_group_members').where('user_id', '=', id).execute();
  await db.deleteFrom('scim_users').where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function findScimUser(
  db: Db,
  accountId: string,
  id: string,
): Promise<ScimUserRecord | undefined> {
  const row = await db
    .selectFrom('scim_users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && userFromScimRow(row);
}

/** Users found by an indexed key: `userName` (no case), `externalId`, or the address kept as `email_key`. */
export async function findScimUsersByKey(
  db: Db,
  accountId: string,
  key: 'id' | 'userName' | 'externalId' | 'email',
  value: string,
): Promise<ScimUserRecord[]> {
  let query = db.selectFrom('scim_users').selectAll().where('account_id', '=', accountId);
  if (key === 'id') query = query.where('id', '=', value);
  if (key === 'userName') query = query.where('user_name_key', '=', value.toLowerCase());
  if (key === 'externalId') query = query.where('external_id', '=', value);
  if (key === 'email') query = query.where('email_key', '=', value.toLowerCase());
  // id and userName are unique in the account (scim_users_user_name): one row, nothing to order.
  if (key === 'externalId' || key === 'email') query = query.orderBy('created_at').orderBy('id');
  const rows = await query.execute();
  return rows.map(userFromScimRow);
}

export async function findScimUsersByIds(
  db: Db,
  accountId: string,
  ids: string[],
): Promise<ScimUserRecord[]> {
  const found: ScimUserRecord[] = [];
  for (const chunk of chunks(ids)) {
    const rows = await db
      .selectFrom('scim_users')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', chunk)
      .execute();
    found.push(...rows.map(userFromScimRow));
  }
  return found;
}

/** One page of the account's users in the stable order (created_at, id). */
export async function listScimUsers(
  db: Db,
  accountId: string,
  page: { offset: number; limit: number },
): Promise<ScimUserRecord[]> {
  const rows = await db
    .selectFrom('scim_users')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(userFromScimRow);
}

export async function countScimUsers(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('scim_users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertScimGroup(db: Db, group: ScimGroupRecord): Promise<void> {
  await db.insertInto('scim_groups').values(groupToScimRow(group)).execute();
}

export async function updateScimGroup(db: Db, group: ScimGroupRecord): Promise<void> {
  const { id: _id, account_id: _account, created_at: _created, ...changes } = groupToScimRow(group);
  await db
    .updateTable('scim_groups')
    .set(changes)
    .where('account_id', '=', group.accountId)
    .where('id', '=', group.id)
    .execute();
}

export async function deleteScimGroup(db: Db, accountId: string, id: string): Promise<void> {
  await db.deleteFrom('scim_group_members').where('group_id', '=', id).execute();
  await db.deleteFrom('scim_groups').where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function findScimGroup(
  db: Db,
  accountId: string,
  id: string,
): Promise<ScimGroupRecord | undefined> {
  const row = await db
    .selectFrom('scim_groups')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && groupFromScimRow(row);
}

export async function findScimGroupsByKey(
  db: Db,
  accountId: string,
  key: 'id' | 'displayName' | 'externalId',
  value: string,
): Promise<ScimGroupRecord[]> {
  let query = db.selectFrom('scim_groups').selectAll().where('account_id', '=', accountId);
  if (key === 'id') query = query.where('id', '=', value);
  if (key === 'displayName') query = query.where('display_name_key', '=', value.toLowerCase());
  if (key === 'externalId') query = query.where('external_id', '=', value);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map(groupFromScimRow);
}

export async function listScimGroups(
  db: Db,
  accountId: string,
  page: { offset: number; limit: number },
): Promise<ScimGroupRecord[]> {
  const rows = await db
    .selectFrom('scim_groups')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(groupFromScimRow);
}

export async function countScimGroups(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('scim_groups')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Which of these ids are users of the account (a member must be one). */
export async function existingScimUserIds(db: Db, accountId: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(ids)) {
    const rows = await db
      .selectFrom('scim_users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** Which of these users are members of the group already. */
export async function membersAmong(db: Db, groupId: string, userIds: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(userIds)) {
    const rows = await db
      .selectFrom('scim_group_members')
      .select('user_id')
      .where('group_id', '=', groupId)
      .where('user_id', 'in', chunk)
      .execute();
    for (const r of rows) found.add(r.user_id);
  }
  return found;
}

/** Every member id of the group (a GET of the group, a DELETE, a replace of the list). */
export async function listMemberIds(db: Db, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('scim_group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** The members of these groups with their userName, for the `members` of group reads. */
export async function listMembersOfGroups(
  db: Db,
  groupIds: string[],
): Promise<{ groupId: string; userId: string; userName: string }[]> {
  const found: { groupId: string; userId: string; userName: string }[] = [];
  for (const chunk of chunks(groupIds)) {
    const rows = await db
      .selectFrom('scim_group_members as m')
      .innerJoin('scim_users as u', 'u.id', 'm.user_id')
      .select(['m.group_id', 'm.user_id', 'u.user_name'])
      .where('m.group_id', 'in', chunk)
      .orderBy('m.group_id')
      .orderBy('m.user_id')
      .execute();
    found.push(...rows.map((r) => ({ groupId: r.group_id, userId: r.user_id, userName: r.user_name })));
  }
  return found;
}

export async function addMembers(db: Db, groupId: string, userIds: string[]): Promise<void> {
  for (const chunk of chunks(userIds))
    await db
      .insertInto('scim_group_members')
      .values(chunk.map((userId) => ({ group_id: groupId, user_id: userId })))
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .execute();
}

export async function removeMembers(db: Db, groupId: string, userIds: string[]): Promise<void> {
  for (const chunk of chunks(userIds))
    await db
      .deleteFrom('scim_group_members')
      .where('group_id', '=', groupId)
      .where('user_id', 'in', chunk)
      .execute();
}

/** The groups these users are in, with each group's displayName (what a mapping names). */
export async function listGroupsOfUsers(
  db: Db,
  userIds: string[],
): Promise<{ userId: string; groupId: string; displayName: string }[]> {
  const found: { userId: string; groupId: string; displayName: string }[] = [];
  for (const chunk of chunks(userIds)) {
    const rows = await db
      .selectFrom('scim_group_members as m')
      .innerJoin('scim_groups as g', 'g.id', 'm.group_id')
      .select(['m.user_id', 'm.group_id', 'g.display_name'])
      .where('m.user_id', 'in', chunk)
      .orderBy('g.display_name_key')
      .execute();
    found.push(...rows.map((r) => ({ userId: r.user_id, groupId: r.group_id, displayName: r.display_name })));
  }
  return found;
}

/** Every membership of the account: the whole stored read (mapping previews, runs, explain). */
export async function listAccountMemberships(
  db: Db,
  accountId: string,
): Promise<{ userId: string; groupId: string }[]> {
  const rows = await db
    .selectFrom('scim_group_members as m')
    .innerJoin('scim_groups as g', 'g.id', 'm.group_id')
    .select(['m.user_id', 'm.group_id'])
    .where('g.account_id', '=', accountId)
    .execute();
  return rows.map((r) => ({ userId: r.user_id, groupId: r.group_id }));
}

/** The account's Belfry users provisioned as these SCIM users (users.directory_id), by SCIM id. */
export async function findProvisionedMembers(
  db: Db,
  accountId: string,
  scimIds: string[],
): Promise<Map<string, UserRecord>> {
  const found = new Map<string, UserRecord>();
  for (const chunk of chunks(scimIds)) {
    const rows = await db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('directory_id', 'in', chunk)
      .where('removed_at', 'is', null)
      .execute();
    for (const row of rows) found.set(row.directory_id!, userFromRow(row));
  }
  return found;
}

/** Current members with these addresses not yet tied to a directory id, by lower-case address. */
export async function findUnlinkedMembersByEmail(
  db: Db,
  accountId: string,
  emails: string[],
): Promise<Map<string, UserRecord>> {
  const found = new Map<string, UserRecord>();
  for (const chunk of chunks(emails.map((e) => e.trim().toLowerCase()))) {
    const rows = await db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('email_normalized', 'in', chunk)
      .where('directory_id', 'is', null)
      .where('removed_at', 'is', null)
      .execute();
    for (const row of rows) found.set(row.email_normalized!, userFromRow(row));
  }
  return found;
}

/**
 * The last SCIM change that acted on a Belfry user (an item of a SCIM request's audit event:
 * create, tier, suspend, restore…), for explain. Served by the audit trail's (account, user) index.
 */
export async function findLastScimChangeOfUser(db: Db, accountId: string, userId: string) {
  const row = await db
    .selectFrom('audit_events')
    .select(['principal', 'operation', 'details', 'occurred_at'])
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('operation', 'like', 'Scim%')
    .where('outcome', '=', 'Success')
    .where('target_type', '=', 'User')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) return undefined;
  const details = JSON.parse(row.details ?? '{}') as { action?: string; reason?: string };
  return { by: row.principal, operation: row.operation, at: row.occurred_at, ...details };
}
