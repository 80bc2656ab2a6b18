import type { JobHandler } from '../../jobs/queue.js';
import { defineJob } from '../../jobs/kinds.js';
import { findAccountById } from '../../store/accounts.js';
import { findUsageMonth, saveBillingTimeZone } from '../../store/usage.js';
import { systemActor, type Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { notFound } from '../errors.js';
import type { ClientSummary } from '../oidc/clients.js';
import { closesAt, requireMonth, requireTimeZone } from './zone-months.js';
import { CLOSE_USAGE_MONTH_JOB, type UsageDeps } from './deps.js';
import { reportMeetings, type ReportRequest } from './ingest.js';
import { billingZoneOf, buildReport, closeMonthIn, computeBill, type UsageReport } from './months.js';
import { reportCsv } from './csv.js';

/** An account's billing settings: its own time zone and the operator's terms. */
export interface BillingSettings {
  accountId: string;
  timeZone: string;
  currency: string;
  dailyPriceCents: number;
  monthlyCapCents: number;
  minimumMeetingMinutes: number;
  closeAfterDays: number;
}

/**
 * Usage and billing (DESIGN §8, issue 17): meetings reported by the meetings service, each
 * account's billing time zone, and what an account owes for a month (the rule is rule.ts).
 */
export function createUsageService(deps: UsageDeps) {
  const { db, clock } = deps;
  const reporters = new Set(deps.usage.reporterClientIds);

  async function existingAccount(accountId: string) {
    const account = await findAccountById(db, accountId);
    if (!account) throw notFound(`Account ${accountId} not found`);
    return account;
  }

  /** The month's report; a month past its close is closed now (first read), then never changes. */
  async function report(actor: Actor, accountId: string, month: string): Promise<UsageReport> {
    authorize(actor, 'read', accountId);
    requireMonth(month);
    await existingAccount(accountId);
    const stored = await findUsageMonth(db, accountId, month);
    if (stored?.closedAt) return JSON.parse(stored.snapshot!) as UsageReport;
    const timeZone = await billingZoneOf(db, accountId);
    const due = closesAt(month, timeZone, deps.usage.closeAfterDays);
    if (clock.now().toISOString() >= due) return closeMonth(accountId, month, actor);
    const bill = await computeBill(db, deps.usage.terms, accountId, month, timeZone);
    return buildReport(db, deps, bill, { status: 'Open', closesAt: due, closedAt: undefined });
  }

  /** Closes the month (audited as CloseUsageMonth when this call closed it). */
  function closeMonth(accountId: string, month: string, actor: Actor): Promise<UsageReport> {
    const subject = { operation: 'CloseUsageMonth', accountId, targetType: 'UsageMonth', targetId: month };
    return auditedChange(deps, actor, subject, async (tx, log) => {
      const { report: closed, closedNow } = await closeMonthIn(tx, deps, accountId, month);
      if (!closedNow) log.onlyItems();
      log.describe({ totalCents: closed.totalCents, users: closed.users.length, timeZone: closed.timeZone });
      return closed;
    });
  }

  return {
    /** Whether this app client may report meetings (BELFRY_USAGE_REPORTER_CLIENTS). */
    mayReport: (client: ClientSummary): boolean => reporters.has(client.clientId),

    reportMeetings: (client: ClientSummary, items: readonly unknown[], request: ReportRequest) =>
      reportMeetings(deps, client, items, request),

    report,

    async reportCsv(actor: Actor, accountId: string, month: string): Promise<string> {
      return reportCsv(await report(actor, accountId, month));
    },

    async billingSettings(actor: Actor, accountId: string): Promise<BillingSettings> {
      authorize(actor, 'read', accountId);
      await existingAccount(accountId);
      return settingsOf(accountId, await billingZoneOf(db, accountId));
    },

    /**
     * The zone decides which meetings fall in which month, so only the operator sets it; months
     * already closed keep the zone they closed in.
     */
    async setTimeZone(actor: Actor, accountId: string, timeZone: string): Promise<BillingSettings> {
      const subject = {
        operation: 'UpdateAccountBillingSettings',
        accountId,
        targetType: 'Account',
        targetId: accountId,
      };
      return auditedChange(deps, actor, subject, async (tx, log) => {
        authorize(actor, 'operator', accountId);
        const zone = requireTimeZone(timeZone);
        if (!(await findAccountById(tx, accountId))) throw notFound(`Account ${accountId} not found`);
        const before = await billingZoneOf(tx, accountId);
        await saveBillingTimeZone(tx, accountId, zone, clock.now().toISOString());
        log.describe({ timeZone: { from: before, to: zone } });
        return settingsOf(accountId, zone);
      });
    },

    jobHandlers: [closeMonthJob(deps, closeMonth)] as JobHandler[],
  };

  function settingsOf(accountId: string, timeZone: string): BillingSettings {
    const { terms } = deps.usage;
    return {
      accountId,
      timeZone,
      currency: deps.usage.currency,
      dailyPriceCents: terms.dailyPriceCents,
      monthlyCapCents: terms.monthlyCapCents,
      minimumMeetingMinutes: terms.minimumMinutes,
      closeAfterDays: deps.usage.closeAfterDays,
    };
  }
}

/**
 * Closes one account's month once it is due. The zone may have changed since the job was
 * queued: a month not due yet in the current zone queues the job again for then.
 */
function closeMonthJob(
  deps: UsageDeps,
  closeMonth: (accountId: string, month: string, actor: Actor) => Promise<UsageReport>,
): JobHandler {
  return defineJob({
    kind: CLOSE_USAGE_MONTH_JOB,
    async run(job) {
      const { accountId, month } = job.payload;
      if (!(await findAccountById(deps.db, accountId))) return; // purged
      if ((await findUsageMonth(deps.db, accountId, month))?.closedAt) return;
      const due = closesAt(month, await billingZoneOf(deps.db, accountId), deps.usage.closeAfterDays);
      if (deps.clock.now().toISOString() < due)
        return deps.jobs.enqueue(deps.db, CLOSE_USAGE_MONTH_JOB, job.payload, {
          accountId,
          runAt: new Date(due),
        });
      await closeMonth(accountId, month, systemActor(`job-${job.id}`));
    },
  });
}

export type UsageService = ReturnType<typeof createUsageService>;
