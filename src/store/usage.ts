import type { Db, Dialect } from './database.js';
import type { MeetingReportsTable, UsageAdjustmentsTable, UsageMonthsTable } from './schema.js';

/** A hosted meeting as last reported, with who reported it and when. */
export interface StoredMeetingReport {
  clientId: string;
  meetingId: string;
  accountId: string;
  userId: string;
  identityId: string;
  startedAt: string;
  endedAt: string | null;
  attendees: number;
  firstReportedAt: string;
  reportedAt: string;
}

const fromRow = (row: MeetingReportsTable): StoredMeetingReport => ({
  clientId: row.client_id,
  meetingId: row.meeting_id,
  accountId: row.account_id,
  userId: row.user_id,
  identityId: row.identity_id,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  attendees: Number(row.attendees),
  firstReportedAt: row.first_reported_at,
  reportedAt: row.reported_at,
});

const toRow = (r: StoredMeetingReport): MeetingReportsTable => ({
  client_id: r.clientId,
  meeting_id: r.meetingId,
  account_id: r.accountId,
  user_id: r.userId,
  identity_id: r.identityId,
  started_at: r.startedAt,
  ended_at: r.endedAt,
  attendees: r.attendees,
  first_reported_at: r.firstReportedAt,
  reported_at: r.reportedAt,
});

/** The stored reports of one client among these meeting ids (a batch's, at most a few hundred). */
export async function findMeetingReports(
  db: Db,
  clientId: string,
  meetingIds: readonly string[],
): Promise<StoredMeetingReport[]> {
  if (meetingIds.length === 0) return [];
  const rows = await db
    .selectFrom('meeting_reports')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('meeting_id', 'in', meetingIds)
    .execute();
  return rows.map(fromRow);
}

/** Writes new reports and replaces changed ones, in one statement. */
export async function upsertMeetingReports(db: Db, reports: readonly StoredMeetingReport[]): Promise<void> {
  if (reports.length === 0) return;
  await db
    .insertInto('meeting_reports')
    .values(reports.map(toRow))
    .onConflict((oc) =>
      oc.columns(['client_id', 'meeting_id']).doUpdateSet((eb) => ({
        account_id: eb.ref('excluded.account_id'),
        user_id: eb.ref('excluded.user_id'),
        identity_id: eb.ref('excluded.identity_id'),
        started_at: eb.ref('excluded.started_at'),
        ended_at: eb.ref('excluded.ended_at'),
        attendees: eb.ref('excluded.attendees'),
        reported_at: eb.ref('excluded.reported_at'),
      })),
    )
    .execute();
}

/** The account's meetings that started in [from, until) (ISO instants), every reporting client's. */
export async function meetingReportsOfAccount(
  db: Db,
  accountId: string,
  from: string,
  until: string,
): Promise<StoredMeetingReport[]> {
  const rows = await db
    .selectFrom('meeting_reports')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('started_at', '>=', from)
    .where('started_at', '<', until)
    .execute();
  return rows.map(fromRow);
}

/** The account's billing time zone; undefined when never set (UTC). */
export async function findBillingTimeZone(db: Db, accountId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('account_billing')
    .select('time_zone')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.time_zone;
}

export async function saveBillingTimeZone(db: Db, accountId: string, timeZone: string, at: string) {
  await db
    .insertInto('account_billing')
    .values({ account_id: accountId, time_zone: timeZone, updated_at: at })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ time_zone: timeZone, updated_at: at }))
    .execute();
}

/** An account's month: open (`closedAt` undefined) or closed with its frozen bill. */
export interface UsageMonthRecord {
  accountId: string;
  month: string;
  closesAt: string;
  closedAt: string | undefined;
  timeZone: string | undefined;
  totalCents: number | undefined;
  /** the closed month's bill as JSON */
  snapshot: string | undefined;
}

const monthFromRow = (row: UsageMonthsTable): UsageMonthRecord => ({
  accountId: row.account_id,
  month: row.month,
  closesAt: row.closes_at,
  closedAt: row.closed_at ?? undefined,
  timeZone: row.time_zone ?? undefined,
  totalCents: row.total_cents === null ? undefined : Number(row.total_cents),
  snapshot: row.snapshot ?? undefined,
});

/**
 * Records the months as open unless already known; answers the ones that were new (their close
 * job is then due to be queued, once per month).
 */
export async function insertOpenMonths(
  db: Db,
  months: ReadonlyArray<{ accountId: string; month: string; closesAt: string }>,
): Promise<Array<{ accountId: string; month: string }>> {
  if (months.length === 0) return [];
  const rows = await db
    .insertInto('usage_months')
    .values(months.map((m) => ({ account_id: m.accountId, month: m.month, closes_at: m.closesAt })))
    .onConflict((oc) => oc.columns(['account_id', 'month']).doNothing())
    .returning(['account_id', 'month'])
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, month: r.month }));
}

export async function findUsageMonth(
  db: Db,
  accountId: string,
  month: string,
): Promise<UsageMonthRecord | undefined> {
  const row = await db
    .selectFrom('usage_months')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('month', '=', month)
    .executeTakeFirst();
  return row && monthFromRow(row);
}

/**
 * Freezes the month's bill. Only an open (or unknown) month is written: answers false when
 * another instance closed it first, whose snapshot then stands.
 */
export async function closeUsageMonth(
  db: Db,
  month: { accountId: string; month: string; closesAt: string },
  closed: { closedAt: string; timeZone: string; totalCents: number; snapshot: string },
): Promise<boolean> {
  const values = {
    closed_at: closed.closedAt,
    time_zone: closed.timeZone,
    total_cents: closed.totalCents,
    snapshot: closed.snapshot,
  };
  const rows = await db
    .insertInto('usage_months')
    .values({ account_id: month.accountId, month: month.month, closes_at: month.closesAt, ...values })
    .onConflict((oc) =>
      oc.columns(['account_id', 'month']).doUpdateSet(values).where('usage_months.closed_at', 'is', null),
    )
    .returning('month')
    .execute();
  return rows.length > 0;
}

/** A line that corrects a closed month, carried by a later one. */
export interface UsageAdjustmentRecord {
  id: string;
  accountId: string;
  /** the month whose bill carries it */
  month: string;
  /** the closed month it corrects */
  forMonth: string;
  userId: string;
  cents: number;
  /** JSON: what changed */
  details: string;
  createdAt: string;
}

const adjustmentFromRow = (row: UsageAdjustmentsTable): UsageAdjustmentRecord => ({
  id: row.id,
  accountId: row.account_id,
  month: row.month,
  forMonth: row.for_month,
  userId: row.user_id,
  cents: Number(row.cents),
  details: row.details,
  createdAt: row.created_at,
});

export async function insertAdjustments(db: Db, lines: readonly UsageAdjustmentRecord[]): Promise<void> {
  if (lines.length === 0) return;
  await db
    .insertInto('usage_adjustments')
    .values(
      lines.map((l) => ({
        id: l.id,
        account_id: l.accountId,
        month: l.month,
        for_month: l.forMonth,
        user_id: l.userId,
        cents: l.cents,
        details: l.details,
        created_at: l.createdAt,
      })),
    )
    .execute();
}

/** The lines a month carries (`by: 'month'`) or the lines that correct it (`by: 'forMonth'`). */
export async function adjustmentsOf(
  db: Db,
  accountId: string,
  month: string,
  by: 'month' | 'forMonth',
): Promise<UsageAdjustmentRecord[]> {
  const rows = await db
    .selectFrom('usage_adjustments')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(by === 'month' ? 'month' : 'for_month', '=', month)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(adjustmentFromRow);
}

/**
 * The account's months among these, locked for the rest of the transaction on PostgreSQL (SQLite
 * runs one writer at a time): a close and a report for the same month then take turns, so a
 * report is either in the closed month's snapshot or becomes an adjustment, never neither.
 */
export async function lockUsageMonths(
  db: Db,
  dialect: Dialect,
  accountId: string,
  months: readonly string[],
): Promise<UsageMonthRecord[]> {
  if (months.length === 0) return [];
  let query = db
    .selectFrom('usage_months')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('month', 'in', months)
    .orderBy('month');
  if (dialect === 'postgres') query = query.forUpdate();
  return (await query.execute()).map(monthFromRow);
}

/** The account's closed months after `month`, oldest first. */
export async function closedMonthsAfter(db: Db, accountId: string, month: string): Promise<string[]> {
  const rows = await db
    .selectFrom('usage_months')
    .select('month')
    .where('account_id', '=', accountId)
    .where('month', '>', month)
    .where('closed_at', 'is not', null)
    .orderBy('month')
    .execute();
  return rows.map((r) => r.month);
}

/** Email and display name of the account's users among these ids (a report's billable users). */
export async function userNamesOf(
  db: Db,
  accountId: string,
  userIds: readonly string[],
): Promise<Map<string, { email: string | undefined; name: string | undefined }>> {
  const names = new Map<string, { email: string | undefined; name: string | undefined }>();
  const CHUNK = 500;
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'email', 'display_name'])
      .where('account_id', '=', accountId)
      .where('id', 'in', userIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) names.set(r.id, { email: r.email ?? undefined, name: r.display_name ?? undefined });
  }
  return names;
}
