import type { UsageReport } from '../domain/usage/months.js';
import { withServices } from './context.js';
import { print, printJson, printTable, write } from './output.js';
import { parseCommand, UsageError } from './usage.js';

/** `belfry usage …`: what an account owes for a month, and its billing time zone (README "Usage and billing"). */
export async function usage(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'report') return report(rest);
  if (action === 'time-zone') return timeZone(rest);
  throw new UsageError(
    action === undefined ? 'usage needs report or time-zone' : `unknown command "usage ${action}"`,
  );
}

async function report(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      month: { type: 'string' },
      csv: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    { names: ['<account-id>'] },
  );
  if (!values.month) throw new UsageError('usage report needs --month YYYY-MM');
  if (values.csv && values.json) throw new UsageError('--csv and --json are exclusive');
  await withServices({ masterKey: false }, async (services, actor) => {
    const accountId = positionals[0]!;
    if (values.csv) return write(await services.usage.reportCsv(actor, accountId, values.month!));
    const found = await services.usage.report(actor, accountId, values.month!);
    if (values.json) return printJson(found);
    printReport(found);
  });
}

const money = (cents: number, currency: string) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')} ${currency}`;

const dayList = (days: ReadonlyArray<{ day: string; meetingId: string }>) =>
  days.map((d) => `${d.day} (${d.meetingId})`).join(', ') || '-';

function printReport(r: UsageReport): void {
  const status = r.status === 'Closed' ? `closed ${r.closedAt}` : `open, closes ${r.closesAt}`;
  print(`Account ${r.accountId}, ${r.month} (${r.timeZone}), ${status}`);
  print(
    `Terms: ${money(r.terms.dailyPriceCents, r.currency)} a billable day, at most ${money(r.terms.monthlyCapCents, r.currency)} a user; meetings of ${r.terms.minimumMinutes}+ minutes with another attendee`,
  );
  print();
  printTable(
    ['USER', 'EMAIL', 'NAME', 'DAYS', 'CHARGED', 'BILLABLE DAYS (MEETING)'],
    r.users.map((u) => [
      u.userId,
      u.email ?? '-',
      u.name ?? '-',
      String(u.days.length),
      money(u.chargedCents, r.currency),
      dayList(u.days),
    ]),
    'No billable users this month.',
  );
  if (r.adjustments.length > 0) {
    print();
    print('Adjustments for closed months (late meeting reports):');
    printTable(
      ['FOR MONTH', 'USER', 'EMAIL', 'AMOUNT', 'DAYS ADDED', 'DAYS REMOVED'],
      r.adjustments.map((a) => [
        a.forMonth,
        a.userId,
        a.email ?? '-',
        money(a.cents, r.currency),
        dayList(a.daysAdded),
        dayList(a.daysRemoved),
      ]),
      '',
    );
  }
  print();
  print(`Users: ${money(r.usersCents, r.currency)}`);
  if (r.adjustments.length > 0) print(`Adjustments: ${money(r.adjustmentsCents, r.currency)}`);
  print(`Total: ${money(r.totalCents, r.currency)}`);
}

/** Shows the zone, or (the operator) sets it. */
async function timeZone(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { json: { type: 'boolean', default: false }, set: { type: 'string' } },
    { names: ['<account-id>'] },
  );
  await withServices({ masterKey: false }, async (services, actor) => {
    const accountId = positionals[0]!;
    const settings =
      values.set === undefined
        ? await services.usage.billingSettings(actor, accountId)
        : await services.usage.setTimeZone(actor, accountId, values.set);
    if (values.json) return printJson(settings);
    print(`${settings.accountId} bills in ${settings.timeZone}`);
  });
}
