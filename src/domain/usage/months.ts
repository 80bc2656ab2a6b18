import type { Db } from '../../store/database.js';
import { proPeriodsOf } from '../../store/pro-periods.js';
import {
  adjustmentsOf,
  closedMonthsAfter,
  closeUsageMonth,
  findBillingTimeZone,
  insertAdjustments,
  insertOpenMonths,
  lockUsageMonths,
  meetingReportsOfAccount,
  userNamesOf,
  type StoredMeetingReport,
  type UsageAdjustmentRecord,
} from '../../store/usage.js';
import { monthBounds, nextMonth } from './calendar.js';
import { closesAt, monthAt } from './zone-months.js';
import { CLOSE_USAGE_MONTH_JOB, type UsageDeps } from './deps.js';
import {
  adjustmentsOf as adjustmentLines,
  billMonth,
  type BillableDay,
  type BillingTerms,
  type MeetingReport,
  type MonthBill,
} from './rule.js';

/** One billable user's month, as reports show it. */
export interface ReportUser {
  userId: string;
  email: string | undefined;
  name: string | undefined;
  /** each billable day with the meeting that made it billable */
  days: Array<{ day: string; meetingId: string }>;
  uncappedCents: number;
  chargedCents: number;
}

/** A correction of an earlier, closed month, carried by this one (rule.ts: adjustmentsOf). */
export interface ReportAdjustment {
  forMonth: string;
  userId: string;
  email: string | undefined;
  name: string | undefined;
  /** positive: owed on top; negative: a credit */
  cents: number;
  /** billable days a late report added to that month, each with its meeting */
  daysAdded: Array<{ day: string; meetingId: string }>;
  /** days it had that no longer qualify (a meeting re-reported shorter, say) */
  daysRemoved: Array<{ day: string; meetingId: string }>;
}

/** What an account owes for a month; a closed month's never changes (its snapshot). */
export interface UsageReport {
  accountId: string;
  month: string;
  timeZone: string;
  currency: string;
  status: 'Open' | 'Closed';
  /** when it closes (open) or when it closed */
  closesAt: string;
  closedAt: string | undefined;
  terms: BillingTerms;
  users: ReportUser[];
  adjustments: ReportAdjustment[];
  usersCents: number;
  adjustmentsCents: number;
  totalCents: number;
}

/** The account's billing time zone: UTC until set. */
export async function billingZoneOf(db: Db, accountId: string): Promise<string> {
  return (await findBillingTimeZone(db, accountId)) ?? 'UTC';
}

const toRuleMeeting = (r: StoredMeetingReport): MeetingReport => ({
  meetingId: r.meetingId,
  accountId: r.accountId,
  userId: r.userId,
  startedAt: r.startedAt,
  endedAt: r.endedAt,
  attendees: r.attendees,
});

/** The month's bill from what is stored now, by the rule (rule.ts). */
export async function computeBill(
  db: Db,
  terms: BillingTerms,
  accountId: string,
  month: string,
  timeZone: string,
): Promise<MonthBill> {
  const { from, until } = monthBounds(month, timeZone);
  const [meetings, periods] = await Promise.all([
    meetingReportsOfAccount(db, accountId, from, until),
    proPeriodsOf(db, accountId, from, until),
  ]);
  return billMonth(accountId, month, timeZone, meetings.map(toRuleMeeting), periods, terms);
}

const dayLines = (days: ReadonlyArray<Pick<BillableDay, 'day' | 'meetingId'>>) =>
  days.map((d) => ({ day: d.day, meetingId: d.meetingId }));

/** The report of a month: its bill, the adjustments it carries, names, totals. */
export async function buildReport(
  db: Db,
  deps: UsageDeps,
  bill: MonthBill,
  state: { status: 'Open' | 'Closed'; closesAt: string; closedAt: string | undefined },
): Promise<UsageReport> {
  const carried = await adjustmentsOf(db, bill.accountId, bill.month, 'month');
  const ids = [...new Set([...bill.users.map((u) => u.userId), ...carried.map((a) => a.userId)])];
  const names = await userNamesOf(db, bill.accountId, ids);
  const who = (userId: string) => ({
    userId,
    ...(names.get(userId) ?? { email: undefined, name: undefined }),
  });
  const users = bill.users
    .filter((u) => u.days.length > 0)
    .map((u) => ({
      ...who(u.userId),
      days: dayLines(u.days),
      uncappedCents: u.uncappedCents,
      chargedCents: u.chargedCents,
    }));
  const adjustments = carried.map((a) => ({
    forMonth: a.forMonth,
    ...who(a.userId),
    cents: a.cents,
    ...details(a),
  }));
  const usersCents = users.reduce((sum, u) => sum + u.chargedCents, 0);
  const adjustmentsCents = adjustments.reduce((sum, a) => sum + a.cents, 0);
  return {
    accountId: bill.accountId,
    month: bill.month,
    timeZone: bill.timeZone,
    currency: deps.usage.currency,
    ...state,
    terms: deps.usage.terms,
    users,
    adjustments,
    usersCents,
    adjustmentsCents,
    totalCents: usersCents + adjustmentsCents,
  };
}

interface AdjustmentDetails {
  daysAdded: Array<{ day: string; meetingId: string }>;
  daysRemoved: Array<{ day: string; meetingId: string }>;
}

const details = (a: UsageAdjustmentRecord): AdjustmentDetails => JSON.parse(a.details) as AdjustmentDetails;

/**
 * Closes the month if still open: its bill, with the adjustments it carries, is stored and never
 * changes again. Runs in the caller's transaction; answers the report as stored (another
 * instance's, when it closed the month first).
 */
export async function closeMonthIn(
  tx: Db,
  deps: UsageDeps,
  accountId: string,
  month: string,
): Promise<{ report: UsageReport; closedNow: boolean }> {
  const timeZone = await billingZoneOf(tx, accountId);
  const due = closesAt(month, timeZone, deps.usage.closeAfterDays);
  // The row first, then its lock: a report writing this month's first row is waited for.
  await insertOpenMonths(tx, [{ accountId, month, closesAt: due }]);
  const [row] = await lockUsageMonths(tx, deps.dialect, accountId, [month]);
  if (row?.closedAt) return { report: JSON.parse(row.snapshot!) as UsageReport, closedNow: false };
  const closedAt = deps.clock.now().toISOString();
  const bill = await computeBill(tx, deps.usage.terms, accountId, month, timeZone);
  const report = await buildReport(tx, deps, bill, { status: 'Closed', closesAt: due, closedAt });
  await closeUsageMonth(
    tx,
    { accountId, month, closesAt: due },
    { closedAt, timeZone, totalCents: report.totalCents, snapshot: JSON.stringify(report) },
  );
  return { report, closedNow: true };
}

/**
 * Records the months of accepted reports as open (queuing each new month's close job) and locks
 * them; answers which of them are closed already, whose changes become adjustments.
 */
export async function touchMonths(
  tx: Db,
  deps: UsageDeps,
  accountId: string,
  timeZone: string,
  months: readonly string[],
): Promise<Set<string>> {
  const wanted = [...new Set(months)].sort();
  const rows = wanted.map((month) => ({
    accountId,
    month,
    closesAt: closesAt(month, timeZone, deps.usage.closeAfterDays),
  }));
  const created = await insertOpenMonths(tx, rows);
  for (const { month } of created) {
    const runAt = new Date(rows.find((r) => r.month === month)!.closesAt);
    await deps.jobs.enqueue(tx, CLOSE_USAGE_MONTH_JOB, { accountId, month }, { accountId, runAt });
  }
  const locked = await lockUsageMonths(tx, deps.dialect, accountId, wanted);
  return new Set(locked.filter((m) => m.closedAt !== undefined).map((m) => m.month));
}

/**
 * Late reports changed a closed month: the rule compares its bill as it stands (the snapshot with
 * the adjustments already made for it) with the bill recomputed from every report now, and each
 * difference becomes a line in the first open month after it.
 */
export async function adjustClosedMonth(
  tx: Db,
  deps: UsageDeps,
  accountId: string,
  month: string,
): Promise<UsageAdjustmentRecord[]> {
  const [row] = await lockUsageMonths(tx, deps.dialect, accountId, [month]);
  if (!row?.closedAt) return [];
  const snapshot = JSON.parse(row.snapshot!) as UsageReport;
  const standing = asAdjusted(snapshot, await adjustmentsOf(tx, accountId, month, 'forMonth'));
  const recomputed = await computeBill(tx, snapshot.terms, accountId, month, snapshot.timeZone);
  const changes = adjustmentLines(standing, recomputed);
  if (changes.length === 0) return [];
  const carrier = await carryingMonth(tx, deps, accountId, month);
  const at = deps.clock.now().toISOString();
  const lines = changes.map((c) => ({
    id: deps.ids.uuid(),
    accountId,
    month: carrier,
    forMonth: month,
    userId: c.userId,
    cents: c.centsDifference,
    details: JSON.stringify({
      daysAdded: dayLines(c.daysAdded),
      daysRemoved: dayLines(c.daysRemoved),
    } satisfies AdjustmentDetails),
    createdAt: at,
  }));
  await insertAdjustments(tx, lines);
  return lines;
}

/** A closed month's bill as it stands: as closed, with every adjustment made for it since. */
function asAdjusted(snapshot: UsageReport, adjustments: readonly UsageAdjustmentRecord[]): MonthBill {
  const { accountId, month, timeZone } = snapshot;
  const users = new Map<string, { days: Map<string, string>; chargedCents: number; uncappedCents: number }>();
  const userOf = (userId: string) => {
    if (!users.has(userId)) users.set(userId, { days: new Map(), chargedCents: 0, uncappedCents: 0 });
    return users.get(userId)!;
  };
  for (const u of snapshot.users) {
    const user = userOf(u.userId);
    for (const d of u.days) user.days.set(d.day, d.meetingId);
    user.chargedCents = u.chargedCents;
    user.uncappedCents = u.uncappedCents;
  }
  for (const a of adjustments) {
    const user = userOf(a.userId);
    const { daysAdded, daysRemoved } = details(a);
    for (const d of daysRemoved) user.days.delete(d.day);
    for (const d of daysAdded) user.days.set(d.day, d.meetingId);
    user.chargedCents += a.cents;
  }
  const lines = [...users].map(([userId, u]) => ({
    accountId,
    userId,
    days: [...u.days]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, meetingId]) => ({ accountId, userId, day, meetingId })),
    uncappedCents: u.uncappedCents,
    chargedCents: u.chargedCents,
  }));
  return {
    accountId,
    month,
    timeZone,
    users: lines,
    totalCents: lines.reduce((sum, u) => sum + u.chargedCents, 0),
  };
}

/** The first month after `month` not closed yet, recorded as open and locked. */
async function carryingMonth(tx: Db, deps: UsageDeps, accountId: string, month: string): Promise<string> {
  const timeZone = await billingZoneOf(tx, accountId);
  const closed = new Set(await closedMonthsAfter(tx, accountId, month));
  let candidate = nextMonth(month);
  // Bounded: months close in order, so at most the closed ones are skipped.
  for (let i = 0; i <= closed.size && closed.has(candidate); i++) candidate = nextMonth(candidate);
  const stillClosed = await touchMonths(tx, deps, accountId, timeZone, [candidate]);
  return stillClosed.has(candidate) ? carryingMonth(tx, deps, accountId, candidate) : candidate;
}

/** The month a meeting bills in, in the account's zone. */
export const monthOfMeeting = (startedAt: string, timeZone: string) => monthAt(startedAt, timeZone);
