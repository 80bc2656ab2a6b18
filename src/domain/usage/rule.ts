import { checkTimeZone, dayAt, instantOf, parseMonth } from './calendar.js';

export { checkTimeZone, dayAt, isTimeZone, monthBounds, nextMonth } from './calendar.js';

/**
 * The billing rule (DESIGN §8, issue 17), written once and pure: given what the meetings service
 * reported and when each person was a billable Pro member, which days are billable, which meeting
 * made each one billable, and what a month costs with the cap applied. No clock, no database.
 *
 * CONTRACT (session 2026-12-06): the types below are shared by the rule (h/billing-rule) and the
 * ingestion and reports (h/billing-api). The rule's helper may add fields and functions; changing a
 * field's meaning needs both helpers to agree.
 *
 * The rule, as decided here:
 * - A meeting qualifies when it has ended, had at least one attendee besides the host
 *   (`attendees` ≥ 2), and lasted at least `terms.minimumMinutes` (end − start).
 * - It makes its host billable when it STARTS inside one of the host's Pro periods in that
 *   account: a tier change (or a suspension, a removal) counts from its very instant, and what
 *   happens after the start does not undo it. Pending invitees, Basic users, people on a personal
 *   Pro trial and free users have no Pro period, so nothing they host is ever billed.
 * - Its day is the calendar day of its start in the account's billing time zone, so a meeting
 *   across midnight (or across a month's end) counts once, for the day and month it began.
 * - Each billable day names the earliest qualifying meeting of that day (ties: the smaller
 *   meeting id), so a report reads the same however often it is recomputed.
 * - A month charges days × daily price, at most the monthly cap, per user per account: a person
 *   who moved between accounts is billed by each, each with its own cap.
 * - Reports of one meeting id replace each other; given several, the last one given counts.
 */

/** Operator settings; Chime's as defaults ($3 a day, at most $15 a month per user). */
export interface BillingTerms {
  /** Price of one billable day, in cents of the operator's currency. */
  dailyPriceCents: number;
  /** Most one user is charged in one month of one account, in cents. */
  monthlyCapCents: number;
  /** A meeting qualifies when it lasted at least this long (and had another attendee). */
  minimumMinutes: number;
}

/** One hosted meeting as last reported (reports are idempotent by meeting id; the latest wins). */
export interface MeetingReport {
  meetingId: string;
  accountId: string;
  /** The host's Belfry user id in that account. */
  userId: string;
  /** ISO 8601 UTC. */
  startedAt: string;
  /** ISO 8601 UTC; null while the meeting has not ended (it cannot qualify yet). */
  endedAt: string | null;
  /** Everyone who joined, the host included. */
  attendees: number;
}

/** Chime's prices: $3 a day, at most $15 a month per user; no minimum length. */
export const DEFAULT_BILLING_TERMS: Readonly<BillingTerms> = Object.freeze({
  dailyPriceCents: 300,
  monthlyCapCents: 1500,
  minimumMinutes: 0,
});

/**
 * A stretch of time in which a user was a billable Pro member of an account: accepted (not a
 * pending invitee), Pro tier, not on a personal trial. `until` null: still is.
 */
export interface ProPeriod {
  accountId: string;
  userId: string;
  /** ISO 8601 UTC, inclusive. */
  from: string;
  /** ISO 8601 UTC, exclusive; null while it lasts. */
  until: string | null;
}

/** One billable day and the meeting that made it billable. */
export interface BillableDay {
  accountId: string;
  userId: string;
  /** YYYY-MM-DD in the account's billing time zone. */
  day: string;
  meetingId: string;
}

/** One user's month in one account. */
export interface UserMonthBill {
  accountId: string;
  userId: string;
  days: BillableDay[];
  /** days × daily price. */
  uncappedCents: number;
  /** min(uncapped, cap). */
  chargedCents: number;
}

export interface MonthBill {
  accountId: string;
  /** YYYY-MM in the billing time zone. */
  month: string;
  timeZone: string;
  users: UserMonthBill[];
  totalCents: number;
}

/** The meeting counts toward a day: ended, someone besides the host, long enough. */
export function qualifies(meeting: MeetingReport, terms: BillingTerms): boolean {
  if (meeting.endedAt === null || meeting.attendees < 2) return false;
  const lasted = instantOf(meeting.endedAt) - instantOf(meeting.startedAt);
  return lasted >= 0 && lasted >= terms.minimumMinutes * 60_000;
}

/** One report per meeting id: the last one given replaces the earlier ones. */
function latestReports(meetings: readonly MeetingReport[]): MeetingReport[] {
  const byId = new Map<string, MeetingReport>();
  for (const meeting of meetings) byId.set(meeting.meetingId, meeting);
  return [...byId.values()];
}

/** One member's periods as instants, and the first qualifying meeting of each of their days. */
interface Member {
  spans: { from: number; until: number }[];
  days: Map<string, { ms: number; meeting: MeetingReport }>;
}

/** Members by account, then user: each meeting looks only at its host's periods. */
function membersOf(periods: readonly ProPeriod[]): Map<string, Map<string, Member>> {
  const members = new Map<string, Map<string, Member>>();
  for (const period of periods) {
    let ofAccount = members.get(period.accountId);
    if (!ofAccount) members.set(period.accountId, (ofAccount = new Map()));
    let member = ofAccount.get(period.userId);
    if (!member) ofAccount.set(period.userId, (member = { spans: [], days: new Map() }));
    member.spans.push({
      from: instantOf(period.from),
      until: period.until === null ? Infinity : instantOf(period.until),
    });
  }
  return members;
}

/** Earlier start first; the same start, the smaller meeting id. */
function earlier(a: { ms: number; meeting: MeetingReport }, b: { ms: number; meeting: MeetingReport }) {
  return a.ms < b.ms || (a.ms === b.ms && a.meeting.meetingId < b.meeting.meetingId);
}

/**
 * Billable days of a month (YYYY-MM in the IANA `timeZone`), each with the earliest qualifying
 * meeting that made it billable, in account, user and day order. Meetings of other months are
 * ignored, so the caller may pass more than the month's.
 */
export function billableDays(
  meetings: readonly MeetingReport[],
  periods: readonly ProPeriod[],
  terms: BillingTerms,
  timeZone: string,
  month: string,
): BillableDay[] {
  parseMonth(month);
  checkTimeZone(timeZone);
  const members = membersOf(periods);
  for (const meeting of latestReports(meetings)) {
    const member = members.get(meeting.accountId)?.get(meeting.userId);
    if (!member || !qualifies(meeting, terms)) continue;
    const ms = instantOf(meeting.startedAt);
    if (!member.spans.some((span) => span.from <= ms && ms < span.until)) continue;
    const day = dayAt(timeZone, ms);
    if (!day.startsWith(`${month}-`)) continue;
    const held = member.days.get(day);
    if (!held || earlier({ ms, meeting }, held)) member.days.set(day, { ms, meeting });
  }
  const days: BillableDay[] = [];
  for (const [accountId, ofAccount] of members)
    for (const [userId, member] of ofAccount)
      for (const [day, { meeting }] of member.days)
        days.push({ accountId, userId, day, meetingId: meeting.meetingId });
  return days.sort(
    (a, b) => compare(a.accountId, b.accountId) || compare(a.userId, b.userId) || compare(a.day, b.day),
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One user's charge for their days: days × price, at most the cap. */
export function chargeOf(days: number, terms: BillingTerms): { uncappedCents: number; chargedCents: number } {
  const uncappedCents = days * terms.dailyPriceCents;
  return { uncappedCents, chargedCents: Math.min(uncappedCents, terms.monthlyCapCents) };
}

/**
 * The month's bill of one account: per billable user (in user id order), their days and charge
 * with the cap applied, and the total. Meetings and periods of other accounts are ignored.
 */
export function billMonth(
  accountId: string,
  month: string,
  timeZone: string,
  meetings: readonly MeetingReport[],
  periods: readonly ProPeriod[],
  terms: BillingTerms,
): MonthBill {
  const days = billableDays(
    meetings.filter((m) => m.accountId === accountId),
    periods.filter((p) => p.accountId === accountId),
    terms,
    timeZone,
    month,
  );
  const users: UserMonthBill[] = [];
  for (const day of days) {
    const last = users.at(-1);
    if (last?.userId === day.userId) last.days.push(day);
    else users.push({ accountId, userId: day.userId, days: [day], uncappedCents: 0, chargedCents: 0 });
  }
  for (const user of users) Object.assign(user, chargeOf(user.days.length, terms));
  const totalCents = users.reduce((sum, u) => sum + u.chargedCents, 0);
  return { accountId, month, timeZone, users, totalCents };
}

/**
 * What a late report changed in a closed month, for one user: it goes into the next month as a
 * line of its own, shown as an adjustment of `month`; the closed month's bill stays as it was.
 */
export interface AdjustmentLine {
  accountId: string;
  userId: string;
  /** the closed month corrected (YYYY-MM) */
  month: string;
  /** days billable now that the closed bill did not have */
  daysAdded: BillableDay[];
  /** days the closed bill had that no longer qualify (a meeting re-reported shorter, say) */
  daysRemoved: BillableDay[];
  /**
   * The recomputed charge minus the closed one, the cap applied to the month as a whole: a sixth
   * day after five capped ones adds 0. Negative is a credit.
   */
  centsDifference: number;
}

/**
 * The adjustment lines of a closed month: per user whose days or charge differ between the bill
 * as closed (`closed`) and as recomputed now from every report (`recomputed`), in user id order.
 * A day whose first meeting changed (an earlier one reported late) is the same day: no line.
 */
export function adjustmentsOf(closed: MonthBill, recomputed: MonthBill): AdjustmentLine[] {
  if (closed.accountId !== recomputed.accountId || closed.month !== recomputed.month)
    throw new Error('adjustments compare two bills of the same account and month');
  const before = new Map(closed.users.map((u) => [u.userId, u]));
  const after = new Map(recomputed.users.map((u) => [u.userId, u]));
  const userIds = [...new Set([...before.keys(), ...after.keys()])].sort(compare);
  const lines: AdjustmentLine[] = [];
  for (const userId of userIds) {
    const was = before.get(userId);
    const now = after.get(userId);
    const wasDays = new Set(was?.days.map((d) => d.day));
    const nowDays = new Set(now?.days.map((d) => d.day));
    const daysAdded = (now?.days ?? []).filter((d) => !wasDays.has(d.day));
    const daysRemoved = (was?.days ?? []).filter((d) => !nowDays.has(d.day));
    const centsDifference = (now?.chargedCents ?? 0) - (was?.chargedCents ?? 0);
    if (daysAdded.length === 0 && daysRemoved.length === 0 && centsDifference === 0) continue;
    lines.push({
      accountId: closed.accountId,
      userId,
      month: closed.month,
      daysAdded,
      daysRemoved,
      centsDifference,
    });
  }
  return lines;
}
