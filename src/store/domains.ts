import { domainToUnicode } from 'node:url';
import type { Db, Dialect } from './database.js';
import type { ClaimedDomainsTable } from './schema.js';

/**
 * `RecordMissing`: verified once, but the TXT record was gone at a later re-check. The domain is
 * still held (auto-join goes on) until the admin publishes the record again or releases it.
 */
export type DomainStatus = 'PendingVerification' | 'Verified' | 'RecordMissing' | 'Failed';

/** The statuses in which an account holds a domain (one account at most; migration 0008). */
export const HELD_STATUSES: readonly DomainStatus[] = ['Verified', 'RecordMissing'];

/** How a domain was last verified: its TXT record found, or the operator's say-so (with a reason). */
export type VerifiedBy = 'DnsRecord' | 'OperatorOverride';

export interface DomainRecord {
  id: string;
  accountId: string;
  domainName: string;
  status: DomainStatus;
  txtRecordName: string;
  txtRecordValue: string;
  verificationDeadline: string;
  verifiedAt: string | undefined;
  recordMissingSince: string | undefined;
  lastCheckedAt: string | undefined;
  lastCheckResult: string | undefined;
  nextCheckAt: string | undefined;
  verifiedBy: VerifiedBy | undefined;
  /** the operator's reason, while the domain is held by an override */
  overrideReason: string | undefined;
  createdAt: string;
  updatedAt: string;
}

function toRecord(row: ClaimedDomainsTable): DomainRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    domainName: row.domain_name,
    status: row.status as DomainStatus,
    txtRecordName: row.txt_record_name,
    txtRecordValue: row.txt_record_value,
    verificationDeadline: row.verification_deadline,
    verifiedAt: row.verified_at ?? undefined,
    recordMissingSince: row.record_missing_since ?? undefined,
    lastCheckedAt: row.last_checked_at ?? undefined,
    lastCheckResult: row.last_check_result ?? undefined,
    nextCheckAt: row.next_check_at ?? undefined,
    verifiedBy: (row.verified_by as VerifiedBy | null) ?? undefined,
    overrideReason: row.override_reason ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertDomain(db: Db, domain: DomainRecord): Promise<void> {
  await db
    .insertInto('claimed_domains')
    .values({
      id: domain.id,
      account_id: domain.accountId,
      domain_name: domain.domainName,
      status: domain.status,
      txt_record_name: domain.txtRecordName,
      txt_record_value: domain.txtRecordValue,
      verification_deadline: domain.verificationDeadline,
      verified_at: domain.verifiedAt ?? null,
      record_missing_since: domain.recordMissingSince ?? null,
      last_checked_at: domain.lastCheckedAt ?? null,
      last_check_result: domain.lastCheckResult ?? null,
      next_check_at: domain.nextCheckAt ?? null,
      verified_by: domain.verifiedBy ?? null,
      override_reason: domain.overrideReason ?? null,
      created_at: domain.createdAt,
      updated_at: domain.updatedAt,
    })
    .execute();
}

/** The account's claim of the domain; `lock` holds the row for the transaction (PostgreSQL). */
export async function findDomain(
  db: Db,
  accountId: string,
  domainName: string,
  lock?: Dialect,
): Promise<DomainRecord | undefined> {
  let query = db
    .selectFrom('claimed_domains')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('domain_name', '=', domainName);
  if (lock === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRecord(row);
}

export async function findDomainById(db: Db, id: string): Promise<DomainRecord | undefined> {
  const row = await db.selectFrom('claimed_domains').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/** The claim that holds the domain (verified or record missing), whichever account made it. */
export async function findHeldDomain(db: Db, domainName: string): Promise<DomainRecord | undefined> {
  const row = await db
    .selectFrom('claimed_domains')
    .selectAll()
    .where('domain_name', '=', domainName)
    .where('status', 'in', HELD_STATUSES)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Every domain the account claimed, by name. */
export async function listDomainsOfAccount(db: Db, accountId: string): Promise<DomainRecord[]> {
  const rows = await db
    .selectFrom('claimed_domains')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('domain_name')
    .execute();
  return rows.map(toRecord);
}

export type DomainChanges = Partial<
  Pick<
    DomainRecord,
    | 'status'
    | 'verifiedAt'
    | 'recordMissingSince'
    | 'lastCheckedAt'
    | 'lastCheckResult'
    | 'nextCheckAt'
    | 'verificationDeadline'
    | 'verifiedBy'
    | 'overrideReason'
    | 'updatedAt'
  >
>;

/** `undefined` in a change clears the column (a domain found again has no missing-since). */
export async function updateDomain(db: Db, id: string, changes: DomainChanges): Promise<void> {
  const set: Partial<ClaimedDomainsTable> = {};
  const column = {
    status: 'status',
    verifiedAt: 'verified_at',
    recordMissingSince: 'record_missing_since',
    lastCheckedAt: 'last_checked_at',
    lastCheckResult: 'last_check_result',
    nextCheckAt: 'next_check_at',
    verificationDeadline: 'verification_deadline',
    verifiedBy: 'verified_by',
    overrideReason: 'override_reason',
    updatedAt: 'updated_at',
  } as const;
  for (const [key, name] of Object.entries(column) as Array<
    [keyof DomainChanges, (typeof column)[keyof DomainChanges]]
  >)
    if (key in changes) (set as Record<string, unknown>)[name] = changes[key] ?? null;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('claimed_domains').set(set).where('id', '=', id).execute();
}

export async function deleteDomain(db: Db, id: string): Promise<void> {
  await db.deleteFrom('claimed_domains').where('id', '=', id).execute();
}

/**
 * Ids of the account's current members whose address is on the domain (`…@domain`, exactly:
 * a subdomain is a domain of its own), oldest first. Claims store an international name in
 * punycode, but addresses keep the form they were given in, so both forms are matched.
 */
export async function listMemberIdsOnDomain(
  db: Db,
  accountId: string,
  domainName: string,
): Promise<string[]> {
  const forms = [...new Set([domainName, domainToUnicode(domainName).toLowerCase()])].filter(Boolean);
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', accountId)
    .where('removed_at', 'is', null)
    .where((eb) => eb.or(forms.map((form) => eb('email_normalized', 'like', `%@${form}`))))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}
