import type { DirectoryGroupEntry, DirectoryUserEntry } from '../directory/types.js';
import type { Db } from './database.js';
import { userFromRow, userToRow, type UserRecord } from './users.js';
import type { DirectoryConnectionsTable, DirectoryRunsTable } from './schema.js';

/** An account's directory connection as stored (the password still sealed). */
export interface ConnectionRecord {
  accountId: string;
  type: 'ad';
  urls: string[];
  bindDn: string;
  bindPasswordSealed: string;
  baseDn: string;
  userFilter: string | undefined;
  caPem: string | undefined;
  caSubject: string | undefined;
  startTls: boolean;
  /** the DC that answered the last applied read, its invocationId and highestCommittedUSN */
  sync: { url: string; invocationId: string; highestUsn: string } | undefined;
  nextIncrementalAt: string | undefined;
  nextFullAt: string | undefined;
  createdAt: string;
  updatedAt: string;
}

function connectionFromRow(row: DirectoryConnectionsTable): ConnectionRecord {
  return {
    accountId: row.account_id,
    type: row.type as 'ad',
    urls: JSON.parse(row.urls) as string[],
    bindDn: row.bind_dn,
    bindPasswordSealed: row.bind_password_sealed,
    baseDn: row.base_dn,
    userFilter: row.user_filter ?? undefined,
    caPem: row.ca_pem ?? undefined,
    caSubject: row.ca_subject ?? undefined,
    startTls: row.start_tls === 1,
    sync:
      row.sync_url !== null && row.sync_invocation_id !== null && row.sync_highest_usn !== null
        ? { url: row.sync_url, invocationId: row.sync_invocation_id, highestUsn: row.sync_highest_usn }
        : undefined,
    nextIncrementalAt: row.next_incremental_at ?? undefined,
    nextFullAt: row.next_full_at ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function connectionToRow(c: ConnectionRecord): DirectoryConnectionsTable {
  return {
    account_id: c.accountId,
    type: c.type,
    urls: JSON.stringify(c.urls),
    bind_dn: c.bindDn,
    bind_password_sealed: c.bindPasswordSealed,
    base_dn: c.baseDn,
    user_filter: c.userFilter ?? null,
    ca_pem: c.caPem ?? null,
    ca_subject: c.caSubject ?? null,
    start_tls: c.startTls ? 1 : 0,
    sync_url: c.sync?.url ?? null,
    sync_invocation_id: c.sync?.invocationId ?? null,
    sync_highest_usn: c.sync?.highestUsn ?? null,
    next_incremental_at: c.nextIncrementalAt ?? null,
    next_full_at: c.nextFullAt ?? null,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export async function findConnection(db: Db, accountId: string): Promise<ConnectionRecord | undefined> {
  const row = await db
    .selectFrom('directory_connections')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row && connectionFromRow(row);
}

/** Writes the whole connection: inserts it, or replaces the settings of the one there. */
export async function saveConnection(db: Db, connection: ConnectionRecord): Promise<void> {
  const row = connectionToRow(connection);
  const { account_id: _key, created_at: _created, ...changes } = row;
  await db
    .insertInto('directory_connections')
    .values(row)
    .onConflict((oc) => oc.column('account_id').doUpdateSet(changes))
    .execute();
}

export async function deleteConnection(db: Db, accountId: string): Promise<void> {
  await db.deleteFrom('directory_connections').where('account_id', '=', accountId).execute();
}

/** Connections whose next run (incremental or full) is due at `now`, for the scheduler. */
export async function listDueConnections(db: Db, now: string): Promise<ConnectionRecord[]> {
  const rows = await db
    .selectFrom('directory_connections')
    .selectAll()
    .where((eb) => eb.or([eb('next_incremental_at', '<=', now), eb('next_full_at', '<=', now)]))
    .execute();
  return rows.map(connectionFromRow);
}

export interface GroupTierRecord {
  groupName: string;
  tier: 'Pro' | 'Basic' | undefined;
}

/** The account's sign-in delegate groups with the tier each gives (undefined: DefaultLicense). */
export async function listGroupTiers(db: Db, accountId: string): Promise<GroupTierRecord[]> {
  const rows = await db
    .selectFrom('signin_delegate_groups')
    .select(['group_name', 'tier'])
    .where('account_id', '=', accountId)
    .orderBy('group_name')
    .execute();
  return rows.map((r) => ({
    groupName: r.group_name,
    tier: (r.tier ?? undefined) as GroupTierRecord['tier'],
  }));
}

/** Replaces the whole mapping of the account. */
export async function replaceGroupTiers(
  db: Db,
  accountId: string,
  groups: GroupTierRecord[],
  at: string,
): Promise<void> {
  await db.deleteFrom('signin_delegate_groups').where('account_id', '=', accountId).execute();
  if (groups.length === 0) return;
  await db
    .insertInto('signin_delegate_groups')
    .values(
      groups.map((g) => ({
        account_id: accountId,
        group_name: g.groupName,
        tier: g.tier ?? null,
        created_at: at,
      })),
    )
    .execute();
}

/** A Belfry user keyed on the directory's objectGUID. */
export interface DirectoryMember {
  directoryId: string;
  user: UserRecord;
}

/** Every user of the account that came from the directory (removed ones excluded), by objectGUID. */
export async function listDirectoryMembers(db: Db, accountId: string): Promise<Map<string, UserRecord>> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('directory_id', 'is not', null)
    .where('removed_at', 'is', null)
    .execute();
  return new Map(rows.map((row) => [row.directory_id!, userFromRow(row)]));
}

export async function findDirectoryIdOfUser(db: Db, accountId: string, userId: string) {
  const row = await db
    .selectFrom('users')
    .select('directory_id')
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.directory_id ?? undefined;
}

/** Inserts users created from the directory, each with their objectGUID, in chunks. */
export async function insertDirectoryUsers(
  db: Db,
  users: { user: UserRecord; directoryId: string }[],
): Promise<void> {
  for (let i = 0; i < users.length; i += 500)
    await db
      .insertInto('users')
      .values(users.slice(i, i + 500).map((u) => ({ ...userToRow(u.user), directory_id: u.directoryId })))
      .execute();
}

/** Ties a user to their objectGUID (a user created by a sync, or an existing member matched by address). */
export async function setDirectoryId(db: Db, accountId: string, userId: string, guid: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ directory_id: guid })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .execute();
}

/** A directory user's address follows the directory (store/users.ts keeps an address fixed). */
export async function updateDirectoryUserAddress(
  db: Db,
  accountId: string,
  userId: string,
  email: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ email, email_normalized: email.trim().toLowerCase(), updated_at: at })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .execute();
}

/** The last applied directory read of an account. */
export interface StoredRead {
  users: DirectoryUserEntry[];
  groups: DirectoryGroupEntry[];
}

export async function loadRead(db: Db, accountId: string): Promise<StoredRead> {
  const [users, groups] = await Promise.all([
    db.selectFrom('directory_users').select('entry').where('account_id', '=', accountId).execute(),
    db.selectFrom('directory_groups').select('entry').where('account_id', '=', accountId).execute(),
  ]);
  return {
    users: users.map((r) => JSON.parse(r.entry) as DirectoryUserEntry),
    groups: groups.map((r) => JSON.parse(r.entry) as DirectoryGroupEntry),
  };
}

/** Rows per insert: well under both dialects' bound-parameter limits. */
const CHUNK = 1000;

/**
 * Stores entries of a read: `replace` drops every stored entry of that table first (a full read);
 * otherwise only the entries with the same guid are replaced (an incremental one).
 */
export async function storeReadEntries(
  db: Db,
  accountId: string,
  table: 'directory_users' | 'directory_groups',
  entries: (DirectoryUserEntry | DirectoryGroupEntry)[],
  replace: boolean,
): Promise<void> {
  if (replace) await db.deleteFrom(table).where('account_id', '=', accountId).execute();
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk = entries.slice(i, i + CHUNK);
    if (!replace)
      await db
        .deleteFrom(table)
        .where('account_id', '=', accountId)
        .where(
          'guid',
          'in',
          chunk.map((e) => e.guid),
        )
        .execute();
    await db
      .insertInto(table)
      .values(chunk.map((e) => ({ account_id: accountId, guid: e.guid, dn: e.dn, entry: JSON.stringify(e) })))
      .execute();
  }
}

/** Forgets the stored read (disconnect keeps users, not what the old directory said). */
export async function clearRead(db: Db, accountId: string): Promise<void> {
  await db.deleteFrom('directory_users').where('account_id', '=', accountId).execute();
  await db.deleteFrom('directory_groups').where('account_id', '=', accountId).execute();
}

export type RunCountsRecord = Record<
  'created' | 'tierChanged' | 'suspended' | 'restored' | 'updated' | 'skipped' | 'unchanged',
  number
>;

export interface RunRecord {
  id: string;
  accountId: string;
  kind: 'full' | 'incremental';
  kindReason: string | undefined;
  trigger: 'schedule' | 'demand' | 'mapping';
  dryRun: boolean;
  status: 'queued' | 'running' | 'applied' | 'dry' | 'held' | 'failed' | 'approved' | 'rejected';
  reason: string | undefined;
  counts: RunCountsRecord;
  /** JSON of what a held run read */
  readSnapshot: string | undefined;
  createdAt: string;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  decidedBy: string | undefined;
  decidedAt: string | undefined;
}

function runFromRow(row: DirectoryRunsTable): RunRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind as RunRecord['kind'],
    kindReason: row.kind_reason ?? undefined,
    trigger: row.trigger as RunRecord['trigger'],
    dryRun: row.dry_run === 1,
    status: row.status as RunRecord['status'],
    reason: row.reason ?? undefined,
    counts: JSON.parse(row.counts) as RunCountsRecord,
    readSnapshot: row.read_snapshot ?? undefined,
    createdAt: row.created_at,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at ?? undefined,
  };
}

export async function insertRun(db: Db, run: RunRecord): Promise<void> {
  await db
    .insertInto('directory_runs')
    .values({
      id: run.id,
      account_id: run.accountId,
      kind: run.kind,
      kind_reason: run.kindReason ?? null,
      trigger: run.trigger,
      dry_run: run.dryRun ? 1 : 0,
      status: run.status,
      reason: run.reason ?? null,
      counts: JSON.stringify(run.counts),
      read_snapshot: run.readSnapshot ?? null,
      created_at: run.createdAt,
      started_at: run.startedAt ?? null,
      finished_at: run.finishedAt ?? null,
      decided_by: run.decidedBy ?? null,
      decided_at: run.decidedAt ?? null,
    })
    .execute();
}

export type RunChanges = Partial<Omit<RunRecord, 'id' | 'accountId' | 'createdAt' | 'trigger' | 'dryRun'>>;

/** `undefined` in a change clears the column (an approved run drops its snapshot). */
export async function updateRun(db: Db, id: string, changes: RunChanges): Promise<void> {
  const set: Partial<DirectoryRunsTable> = {};
  if (changes.kind !== undefined) set.kind = changes.kind;
  if ('kindReason' in changes) set.kind_reason = changes.kindReason ?? null;
  if (changes.status !== undefined) set.status = changes.status;
  if ('reason' in changes) set.reason = changes.reason ?? null;
  if (changes.counts !== undefined) set.counts = JSON.stringify(changes.counts);
  if ('readSnapshot' in changes) set.read_snapshot = changes.readSnapshot ?? null;
  if ('startedAt' in changes) set.started_at = changes.startedAt ?? null;
  if ('finishedAt' in changes) set.finished_at = changes.finishedAt ?? null;
  if ('decidedBy' in changes) set.decided_by = changes.decidedBy ?? null;
  if ('decidedAt' in changes) set.decided_at = changes.decidedAt ?? null;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('directory_runs').set(set).where('id', '=', id).execute();
}

export async function findRun(db: Db, id: string): Promise<RunRecord | undefined> {
  const row = await db.selectFrom('directory_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && runFromRow(row);
}

/** Newest first (run ids are UUIDv7), after `beforeId` when paging. */
export async function listRuns(
  db: Db,
  accountId: string,
  page: { beforeId?: string | undefined; limit: number },
): Promise<RunRecord[]> {
  let query = db.selectFrom('directory_runs').selectAll().where('account_id', '=', accountId);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map(runFromRow);
}

export async function findHeldRun(db: Db, accountId: string): Promise<RunRecord | undefined> {
  const row = await db
    .selectFrom('directory_runs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', '=', 'held')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && runFromRow(row);
}

export interface RunItemRecord {
  action: 'create' | 'tier' | 'suspend' | 'restore' | 'update' | 'skip';
  guid: string;
  userId: string | undefined;
  email: string | undefined;
  from: string | undefined;
  to: string | undefined;
  reason: string;
}

/** Replaces a run's items (a held run approved later gets the items actually applied). */
export async function saveRunItems(db: Db, run: RunRecord, items: RunItemRecord[]): Promise<void> {
  await db.deleteFrom('directory_run_items').where('run_id', '=', run.id).execute();
  for (let i = 0; i < items.length; i += CHUNK)
    await db
      .insertInto('directory_run_items')
      .values(
        items.slice(i, i + CHUNK).map((item, j) => ({
          run_id: run.id,
          seq: i + j,
          account_id: run.accountId,
          action: item.action,
          guid: item.guid,
          user_id: item.userId ?? null,
          email: item.email ?? null,
          from_value: item.from ?? null,
          to_value: item.to ?? null,
          reason: item.reason,
        })),
      )
      .execute();
}

export async function listRunItems(db: Db, runId: string): Promise<RunItemRecord[]> {
  const rows = await db
    .selectFrom('directory_run_items')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    action: r.action as RunItemRecord['action'],
    guid: r.guid,
    userId: r.user_id ?? undefined,
    email: r.email ?? undefined,
    from: r.from_value ?? undefined,
    to: r.to_value ?? undefined,
    reason: r.reason,
  }));
}

/** The last item of an applied (or approved) run that changed the user, for explain. */
export async function findLastChangeOfUser(db: Db, accountId: string, userId: string) {
  const row = await db
    .selectFrom('directory_run_items as i')
    .innerJoin('directory_runs as r', 'r.id', 'i.run_id')
    .select(['i.run_id', 'i.action', 'i.reason', 'r.finished_at', 'r.decided_at'])
    .where('i.account_id', '=', accountId)
    .where('i.user_id', '=', userId)
    .where('i.action', '!=', 'skip')
    .where('r.status', 'in', ['applied', 'approved'])
    .orderBy('i.run_id', 'desc')
    .executeTakeFirst();
  return (
    row && {
      runId: row.run_id,
      action: row.action as RunItemRecord['action'],
      reason: row.reason,
      at: row.decided_at ?? row.finished_at ?? '',
    }
  );
}
