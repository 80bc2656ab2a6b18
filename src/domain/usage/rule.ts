/**
 * The billing rule (DESIGN §8, issue 17), written once and pure: given what the meetings service
 * reported and when each person was a billable Pro member, which days are billable, which meeting
 * made each one billable, and what a month costs with the cap applied. No clock, no database.
 *
 * CONTRACT (session 2026-12-06): the types below are shared by the rule (h/billing-rule) and the
 * ingestion and reports (h/billing-api). The rule's helper may add fields and functions; changing a
 * field's meaning needs both helpers to agree. The function bodies are stubs until the rule lands.
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

/** Billable days of one account's month (IANA `timeZone`), each with the meeting that made it so. */
export function billableDays(
  _meetings: readonly MeetingReport[],
  _periods: readonly ProPeriod[],
  _terms: BillingTerms,
  _timeZone: string,
  _month: string,
): BillableDay[] {
  throw new Error('billing rule not built yet (issue 17)');
}

/** The month's bill: per user, days and charge with the cap applied; the total. */
export function billMonth(
  _accountId: string,
  _month: string,
  _timeZone: string,
  _meetings: readonly MeetingReport[],
  _periods: readonly ProPeriod[],
  _terms: BillingTerms,
): MonthBill {
  throw new Error('billing rule not built yet (issue 17)');
}
