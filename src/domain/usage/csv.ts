import type { UsageReport } from './months.js';

/**
 * The report as CSV (RFC 4180), one row per billable day, per user (their month with the cap
 * applied), per adjustment and one total; amounts in cents of `currency`.
 */
export const CSV_HEADER = [
  'kind',
  'account_id',
  'month',
  'user_id',
  'email',
  'name',
  'day',
  'meeting_id',
  'for_month',
  'billable_days',
  'uncapped_cents',
  'charged_cents',
  'currency',
] as const;

type Row = Partial<Record<(typeof CSV_HEADER)[number], string | number | undefined>>;

export function reportCsv(report: UsageReport): string {
  const base = { account_id: report.accountId, month: report.month, currency: report.currency };
  const rows: Row[] = [];
  for (const user of report.users) {
    const who = { user_id: user.userId, email: user.email, name: user.name };
    for (const d of user.days)
      rows.push({ kind: 'day', ...base, ...who, day: d.day, meeting_id: d.meetingId });
    rows.push({
      kind: 'user',
      ...base,
      ...who,
      billable_days: user.days.length,
      uncapped_cents: user.uncappedCents,
      charged_cents: user.chargedCents,
    });
  }
  for (const a of report.adjustments)
    rows.push({
      kind: 'adjustment',
      ...base,
      user_id: a.userId,
      email: a.email,
      name: a.name,
      for_month: a.forMonth,
      billable_days: a.daysAdded.length - a.daysRemoved.length,
      charged_cents: a.cents,
    });
  rows.push({ kind: 'total', ...base, charged_cents: report.totalCents });
  const lines = [CSV_HEADER.join(','), ...rows.map((r) => CSV_HEADER.map((c) => cell(r[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}

/**
 * Quoted when it must be; a name starting with = + - @ (or a tab or return) is prefixed with an
 * apostrophe so a spreadsheet shows it rather than running it as a formula.
 */
function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
