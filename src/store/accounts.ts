import { sql } from 'kysely';
import type { Db } from './database.js';
import type { AccountsTable } from './schema.js';

export type AccountType = 'Team' | 'EnterpriseDirectory' | 'EnterpriseLWA' | 'EnterpriseOIDC';
export type AccountStatus = 'Active' | 'Suspended';
export type License = 'Basic' | 'Plus' | 'Pro' | 'ProTrial';

export interface AccountRecord {
  id: string;
  name: string;
  type: AccountType;
  status: AccountStatus;
  defaultLicense: License;
  supportedLicenses: License[];
  disableRemoteControl: boolean | undefined;
  enableDialOut: boolean | undefined;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | undefined;
  purgeAfter: string | undefined;
}

export function accountFromRow(row: AccountsTable): AccountRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.account_type as AccountType,
    status: row.account_status as AccountStatus,
    defaultLicense: row.default_license as License,
    supportedLicenses: JSON.parse(row.supported_licenses) as License[],
    disableRemoteControl: row.disable_remote_control === null ? undefined : row.disable_remote_control === 1,
    enableDialOut: row.enable_dial_out === null ? undefined : row.enable_dial_out === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at ?? undefined,
    purgeAfter: row.purge_after ?? undefined,
  };
}

export async function insertAccount(db: Db, account: AccountRecord): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: account.id,
      name: account.name,
      account_type: account.type,
      account_status: account.status,
      default_license: account.defaultLicense,
      supported_licenses: JSON.stringify(account.supportedLicenses),
      disable_remote_control: flag(account.disableRemoteControl),
      enable_dial_out: flag(account.enableDialOut),
      created_at: account.createdAt,
      updated_at: account.updatedAt,
      deleted_at: account.deletedAt ?? null,
      purge_after: account.purgeAfter ?? null,
    })
    .execute();
}

export async function findAccountById(db: Db, id: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && accountFromRow(row);
}

/** Locks the account row for the rest of the transaction (PostgreSQL); SQLite serialises writers anyway. */
export async function lockAccountById(db: Db, id: string, dialect: 'sqlite' | 'postgres') {
  let query = db.selectFrom('accounts').selectAll().where('id', '=', id);
  if (dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && accountFromRow(row);
}

export interface AccountFilter {
  status: AccountStatus;
  namePrefix?: string | undefined;
  memberEmail?: string | undefined;
  onlyId?: string | undefined;
  afterId?: string | undefined;
  limit: number;
}

/** One page of accounts in id order; the name filter is a case-insensitive prefix. */
export async function listAccounts(db: Db, filter: AccountFilter): Promise<AccountRecord[]> {
  let query = db.selectFrom('accounts').selectAll().where('account_status', '=', filter.status);
  if (filter.namePrefix !== undefined)
    query = query.where(
      sql<boolean>`lower(name) like ${likePrefix(filter.namePrefix.toLowerCase())} escape '\\'`,
    );
  if (filter.memberEmail !== undefined) {
    const email = filter.memberEmail;
    query = query.where('id', 'in', (qb) =>
      qb
        .selectFrom('users')
        .select('users.account_id')
        .where('users.email_normalized', '=', email)
        .where('users.removed_at', 'is', null)
        // The account the person belongs to: a pending invitation is not membership yet, and
        // one address may be invited by several Team accounts at once.
        .where('users.registration_status', 'in', ['Registered', 'Suspended']),
    );
  }
  if (filter.onlyId !== undefined) query = query.where('id', '=', filter.onlyId);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  const rows = await query.orderBy('id').limit(filter.limit).execute();
  return rows.map(accountFromRow);
}

export type AccountChanges = Partial<
  Pick<
    AccountRecord,
    | 'name'
    | 'type'
    | 'status'
    | 'defaultLicense'
    | 'disableRemoteControl'
    | 'enableDialOut'
    | 'deletedAt'
    | 'purgeAfter'
  >
> & { updatedAt: string };

export async function updateAccount(db: Db, id: string, changes: AccountChanges): Promise<void> {
  await db
    .updateTable('accounts')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.type !== undefined && { account_type: changes.type }),
      ...(changes.status !== undefined && { account_status: changes.status }),
      ...(changes.defaultLicense !== undefined && { default_license: changes.defaultLicense }),
      ...(changes.disableRemoteControl !== undefined && {
        disable_remote_control: flag(changes.disableRemoteControl),
      }),
      ...(changes.enableDialOut !== undefined && { enable_dial_out: flag(changes.enableDialOut) }),
      ...('deletedAt' in changes && { deleted_at: changes.deletedAt ?? null }),
      ...('purgeAfter' in changes && { purge_after: changes.purgeAfter ?? null }),
      updated_at: changes.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

/** Removes an account and, by cascade, everything it owns except its audit trail. */
export async function deleteAccountRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('accounts').where('id', '=', id).execute();
}

export async function listDelegateGroups(db: Db, accountId: string): Promise<string[]> {
  return (await listDelegateGroupsOf(db, [accountId])).get(accountId) ?? [];
}

/** The groups of several accounts in one query (a page of ListAccounts), by account id. */
export async function listDelegateGroupsOf(db: Db, accountIds: string[]): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>();
  if (accountIds.length === 0) return groups;
  const rows = await db
    .selectFrom('signin_delegate_groups')
    .select(['account_id', 'group_name'])
    .where('account_id', 'in', accountIds)
    .orderBy('group_name')
    .execute();
  for (const row of rows) groups.set(row.account_id, [...(groups.get(row.account_id) ?? []), row.group_name]);
  return groups;
}

/** Adds groups, ignoring ones already associated. */
export async function insertDelegateGroups(db: Db, accountId: string, groups: string[], at: string) {
  if (groups.length === 0) return;
  await db
    .insertInto('signin_delegate_groups')
    .values(groups.map((group_name) => ({ account_id: accountId, group_name, created_at: at })))
    .onConflict((oc) => oc.columns(['account_id', 'group_name']).doNothing())
    .execute();
}

export async function deleteDelegateGroups(db: Db, accountId: string, groups: string[]): Promise<void> {
  if (groups.length === 0) return;
  await db
    .deleteFrom('signin_delegate_groups')
    .where('account_id', '=', accountId)
    .where('group_name', 'in', groups)
    .execute();
}

function flag(value: boolean | undefined): number | null {
  return value === undefined ? null : value ? 1 : 0;
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}
