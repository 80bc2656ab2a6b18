import type { Db } from './database.js';
import { leadingEquality } from './keyset.js';
import { selectQuery } from './direct-reads.js';
import type { PhoneNumbersTable } from './schema.js';

export type PhoneNumberStatus =
  | 'AcquireInProgress'
  | 'AcquireFailed'
  | 'Unassigned'
  | 'Assigned'
  | 'ReleaseInProgress'
  | 'DeleteInProgress'
  | 'ReleaseFailed'
  | 'DeleteFailed';
export type ProductType = 'BusinessCalling' | 'VoiceConnector' | 'SipMediaApplicationDialIn';
export type NumberType = 'Local' | 'TollFree';
export type CallingNameStatus = 'Unassigned' | 'UpdateInProgress' | 'UpdateSucceeded' | 'UpdateFailed';

export interface PhoneNumberRecord {
  e164: string;
  country: string;
  type: NumberType;
  productType: ProductType;
  status: PhoneNumberStatus;
  callingName: string | undefined;
  callingNameStatus: CallingNameStatus;
  callingNameUpdatedAt: string | undefined;
  accountId: string | undefined;
  userId: string | undefined;
  associatedAt: string | undefined;
  orderId: string | undefined;
  /** 'order' (through the carrier) or 'import' (already owned by the operator) */
  source: 'order' | 'import';
  deletedAt: string | undefined;
  releaseAfter: string | undefined;
  createdAt: string;
  updatedAt: string;
}

function toRecord(row: PhoneNumbersTable): PhoneNumberRecord {
  return {
    e164: row.id,
    country: row.country,
    type: row.number_type as NumberType,
    productType: row.product_type as ProductType,
    status: row.status as PhoneNumberStatus,
    callingName: row.calling_name ?? undefined,
    callingNameStatus: row.calling_name_status as CallingNameStatus,
    callingNameUpdatedAt: row.calling_name_updated_at ?? undefined,
    accountId: row.account_id ?? undefined,
    userId: row.user_id ?? undefined,
    associatedAt: row.associated_at ?? undefined,
    orderId: row.order_id ?? undefined,
    source: row.source as 'order' | 'import',
    deletedAt: row.deleted_at ?? undefined,
    releaseAfter: row.release_after ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The row of an inventory number (bulk seeding writes rows directly). */
export function phoneNumberToRow(n: PhoneNumberRecord): PhoneNumbersTable {
  return {
    id: n.e164,
    country: n.country,
    number_type: n.type,
    product_type: n.productType,
    status: n.status,
    calling_name: n.callingName ?? null,
    calling_name_status: n.callingNameStatus,
    calling_name_updated_at: n.callingNameUpdatedAt ?? null,
    account_id: n.accountId ?? null,
    user_id: n.userId ?? null,
    associated_at: n.associatedAt ?? null,
    order_id: n.orderId ?? null,
    source: n.source,
    deleted_at: n.deletedAt ?? null,
    release_after: n.releaseAfter ?? null,
    created_at: n.createdAt,
    updated_at: n.updatedAt,
  };
}

/** Inserts numbers, skipping any already in the inventory; returns the ones inserted. */
export async function insertPhoneNumbers(db: Db, numbers: PhoneNumberRecord[]): Promise<string[]> {
  const inserted: string[] = [];
  for (let i = 0; i < numbers.length; i += 500) {
    const rows = await db
      .insertInto('phone_numbers')
      .values(numbers.slice(i, i + 500).map(phoneNumberToRow))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    inserted.push(...rows.map((r) => r.id));
  }
  return inserted;
}

export async function findPhoneNumber(db: Db, e164: string): Promise<PhoneNumberRecord | undefined> {
  const row = await db.selectFrom('phone_numbers').selectAll().where('id', '=', e164).executeTakeFirst();
  return row && toRecord(row);
}

export async function findPhoneNumberOfUser(db: Db, userId: string): Promise<PhoneNumberRecord | undefined> {
  const row = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && toRecord(row);
}

/**
 * The numbers associated with the account or with one of its users, in any state, in E.164
 * order. The inventory is the operator's and outlives accounts, so deleting or purging an
 * account frees these; matching on the users too finds a number whose account link went astray.
 */
export async function listPhoneNumbersOfAccount(db: Db, accountId: string): Promise<PhoneNumberRecord[]> {
  const rows = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('account_id', '=', accountId),
        eb(
          'user_id',
          'in',
          eb.selectFrom('users').select('users.id').where('users.account_id', '=', accountId),
        ),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

export interface PhoneNumberFilter {
  status?: PhoneNumberStatus | undefined;
  productType?: ProductType | undefined;
  accountId?: string | undefined;
  userId?: string | undefined;
  afterId?: string | undefined;
  limit: number;
}

/** Every column, named for the direct reads (src/store/direct-reads.ts), which take no `*`. */
const phoneNumberColumns = [
  'id',
  'country',
  'number_type',
  'product_type',
  'status',
  'calling_name',
  'calling_name_status',
  'calling_name_updated_at',
  'account_id',
  'user_id',
  'associated_at',
  'order_id',
  'source',
  'deleted_at',
  'release_after',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof PhoneNumbersTable>;

/**
 * One page of the inventory in E.164 order. A page led by its account, status or product type
 * (leadingEquality) reads the index on that column and the id (phone_numbers_account,
 * phone_numbers_status, phone_numbers_product) or on status, product type and id
 * (phone_numbers_status_product, migration 0002); a user holds at most one number, so a page
 * filtered by user has nothing to lead it.
 */
export async function listPhoneNumbers(db: Db, filter: PhoneNumberFilter): Promise<PhoneNumberRecord[]> {
  const leader = filter.userId === undefined ? leadingFilter(filter) : undefined;
  let query = db.selectFrom('phone_numbers').select(phoneNumberColumns);
  if (leader) query = query.where(leadingEquality(db, leader[0], leader[1]));
  const notLeader = (column: PhoneNumberColumn) => leader?.[0] !== column;
  if (filter.status !== undefined && notLeader('status')) query = query.where('status', '=', filter.status);
  if (filter.productType !== undefined && notLeader('product_type'))
    query = query.where('product_type', '=', filter.productType);
  if (filter.accountId !== undefined && notLeader('account_id'))
    query = query.where('account_id', '=', filter.accountId);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  if (leader) query = query.orderBy(leader[0]);
  const rows = await selectQuery(db, query.orderBy('id').limit(filter.limit));
  return rows.map(toRecord);
}

type PhoneNumberColumn = 'account_id' | 'status' | 'product_type';

/** The filter an index leads with: the account (its numbers are few), else status, else product type. */
function leadingFilter(filter: PhoneNumberFilter): [PhoneNumberColumn, string] | undefined {
  if (filter.accountId !== undefined) return ['account_id', filter.accountId];
  if (filter.status !== undefined) return ['status', filter.status];
  if (filter.productType !== undefined) return ['product_type', filter.productType];
  return undefined;
}

/** E.164 numbers among these already in the inventory (in any state). */
export async function ownedAmong(db: Db, e164s: string[]): Promise<Set<string>> {
  if (e164s.length === 0) return new Set();
  const rows = await db.selectFrom('phone_numbers').select('id').where('id', 'in', e164s).execute();
  return new Set(rows.map((r) => r.id));
}

export type PhoneNumberChanges = Partial<
  Pick<
    PhoneNumberRecord,
    | 'productType'
    | 'status'
    | 'callingName'
    | 'callingNameStatus'
    | 'callingNameUpdatedAt'
    | 'accountId'
    | 'userId'
    | 'associatedAt'
    | 'deletedAt'
    | 'releaseAfter'
  >
> & { updatedAt: string };

/**
 * Updates a number only while it is in one of `fromStatuses` (when given): the compare-and-set that
 * makes two concurrent assignments of one number end with exactly one winner. Returns whether
 * the row changed.
 */
export async function updatePhoneNumber(
  db: Db,
  e164: string,
  changes: PhoneNumberChanges,
  fromStatuses?: PhoneNumberStatus[],
): Promise<boolean> {
  const set: Partial<PhoneNumbersTable> = { updated_at: changes.updatedAt };
  if (changes.productType !== undefined) set.product_type = changes.productType;
  if (changes.status !== undefined) set.status = changes.status;
  if ('callingName' in changes) set.calling_name = changes.callingName ?? null;
  if (changes.callingNameStatus !== undefined) set.calling_name_status = changes.callingNameStatus;
  if ('callingNameUpdatedAt' in changes) set.calling_name_updated_at = changes.callingNameUpdatedAt ?? null;
  if ('accountId' in changes) set.account_id = changes.accountId ?? null;
  if ('userId' in changes) set.user_id = changes.userId ?? null;
  if ('associatedAt' in changes) set.associated_at = changes.associatedAt ?? null;
  if ('deletedAt' in changes) set.deleted_at = changes.deletedAt ?? null;
  if ('releaseAfter' in changes) set.release_after = changes.releaseAfter ?? null;
  let query = db.updateTable('phone_numbers').set(set).where('id', '=', e164);
  if (fromStatuses) query = query.where('status', 'in', fromStatuses);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deletePhoneNumberRow(db: Db, e164: string): Promise<void> {
  await db.deleteFrom('phone_numbers').where('id', '=', e164).execute();
}

/**
 * Takes a number whose deletion-queue time is over out of the queue (DeleteInProgress →
 * ReleaseInProgress), so a restore and the release cannot both happen. A number already being
 * released (a retried job) counts as claimed. Returns whether the caller may release it.
 */
export async function claimNumberForRelease(db: Db, e164: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('phone_numbers')
    .set({ status: 'ReleaseInProgress', updated_at: now })
    .where('id', '=', e164)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'DeleteInProgress'), eb('release_after', '<=', now)]),
        eb('status', '=', 'ReleaseInProgress'),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Reads a number and, on PostgreSQL, locks its row for the rest of the transaction. */
export async function lockPhoneNumber(
  db: Db,
  e164: string,
  dialect: 'sqlite' | 'postgres',
): Promise<PhoneNumberRecord | undefined> {
  let query = db.selectFrom('phone_numbers').selectAll().where('id', '=', e164);
  if (dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRecord(row);
}
