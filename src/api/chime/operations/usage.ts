import type { BillingSettings } from '../../../domain/usage/service.js';
import type { UsageReport } from '../../../domain/usage/months.js';
import type { ChimeOperation } from '../context.js';
import type { BillingSettingsWire, UsageReportWire } from '../usage-extensions.js';

const person = (p: { email: string | undefined; name: string | undefined }) => ({
  ...(p.email !== undefined && { PrimaryEmail: p.email }),
  ...(p.name !== undefined && { DisplayName: p.name }),
});

const days = (lines: ReadonlyArray<{ day: string; meetingId: string }>) =>
  lines.map((d) => ({ Day: d.day, MeetingId: d.meetingId }));

const toReport = (r: UsageReport): UsageReportWire => ({
  AccountId: r.accountId,
  Month: r.month,
  TimeZone: r.timeZone,
  Currency: r.currency,
  Status: r.status,
  ClosesTimestamp: r.closesAt,
  ...(r.closedAt && { ClosedTimestamp: r.closedAt }),
  DailyPriceCents: r.terms.dailyPriceCents,
  MonthlyCapCents: r.terms.monthlyCapCents,
  MinimumMeetingMinutes: r.terms.minimumMinutes,
  Users: r.users.map((u) => ({
    UserId: u.userId,
    ...person(u),
    BillableDays: days(u.days),
    UncappedCents: u.uncappedCents,
    ChargedCents: u.chargedCents,
  })),
  Adjustments: r.adjustments.map((a) => ({
    ForMonth: a.forMonth,
    UserId: a.userId,
    ...person(a),
    Cents: a.cents,
    DaysAdded: days(a.daysAdded),
    DaysRemoved: days(a.daysRemoved),
  })),
  UsersCents: r.usersCents,
  AdjustmentsCents: r.adjustmentsCents,
  TotalCents: r.totalCents,
});

const toSettings = (s: BillingSettings): BillingSettingsWire => ({
  AccountId: s.accountId,
  TimeZone: s.timeZone,
  Currency: s.currency,
  DailyPriceCents: s.dailyPriceCents,
  MonthlyCapCents: s.monthlyCapCents,
  MinimumMeetingMinutes: s.minimumMeetingMinutes,
  CloseAfterDays: s.closeAfterDays,
});

/** The month in the account's billing zone; `?format=csv` answers the same as CSV text in `Csv`. */
export const GetAccountUsageReport: ChimeOperation<'GetAccountUsageReport'> = async (
  input,
  { services, actor },
) =>
  input.Format === 'csv'
    ? { Csv: await services.usage.reportCsv(actor, input.AccountId, input.Month) }
    : { UsageReport: toReport(await services.usage.report(actor, input.AccountId, input.Month)) };

export const GetAccountBillingSettings: ChimeOperation<'GetAccountBillingSettings'> = async (
  input,
  { services, actor },
) => ({ BillingSettings: toSettings(await services.usage.billingSettings(actor, input.AccountId)) });

export const UpdateAccountBillingSettings: ChimeOperation<'UpdateAccountBillingSettings'> = async (
  input,
  { services, actor },
) => ({
  BillingSettings: toSettings(await services.usage.setTimeZone(actor, input.AccountId, input.TimeZone)),
});
