import { insertAuditEvents } from '../../store/audit.js';
import { findMeetingReports, upsertMeetingReports, type StoredMeetingReport } from '../../store/usage.js';
import { answerFor } from '../entitlements/checks.js';
import { currentStanding } from '../entitlements/current.js';
import type { ClientSummary } from '../oidc/clients.js';
import { adjustClosedMonth, billingZoneOf, monthOfMeeting, touchMonths } from './months.js';
import type { UsageDeps } from './deps.js';
import { parseMeeting, type MeetingInput } from './meeting-input.js';

/** At most this many meetings in one call. */
export const MAX_MEETINGS_PER_BATCH = 500;

/** What became of one reported meeting, in the order they were sent. */
export type MeetingOutcome =
  | {
      index: number;
      meetingId: string;
      outcome: 'created' | 'replaced' | 'unchanged';
      accountId: string;
      userId: string;
    }
  | {
      index: number;
      meetingId: string | undefined;
      outcome: 'refused' | 'invalid';
      /** refused: the live check's own reason (`suspended`, `not_entitled`…) */
      reason: { code: string; message: string };
    };

/** The HTTP request the batch came in, for the audit trail. */
export interface ReportRequest {
  requestId: string;
  sourceIp: string | undefined;
}

type Host = { accountId: string; userId: string } | { code: string; message: string };

/**
 * The meetings service reports hosted meetings (issue 17 item 1). Each item is checked on its
 * own; a host the live check would not let host now (Basic, suspended, removed, unknown, a free
 * user with no account to bill) is refused with the check's reason. The accepted items are
 * written in one transaction, keyed by the reporting client's meeting id, so a repeat changes
 * nothing and a later report (with the end) replaces the earlier. A report without an end never
 * replaces one with an end: that is a late retry of the first report. Changes to a closed month
 * become adjustments in the next open month.
 */
export async function reportMeetings(
  deps: UsageDeps,
  client: ClientSummary,
  items: readonly unknown[],
  request: ReportRequest,
): Promise<MeetingOutcome[]> {
  const now = deps.clock.now();
  const parsed = items.map((raw) => parseMeeting(raw, now));
  const outcomes: MeetingOutcome[] = [];
  const seen = new Set<string>();
  const accepted: Array<{ index: number; meeting: MeetingInput }> = [];
  parsed.forEach((p, index) => {
    const meetingId = p.ok ? p.meeting.meetingId : idOf(items[index]);
    if (!p.ok) return outcomes.push(invalid(index, meetingId, p.message));
    if (seen.has(p.meeting.meetingId))
      return outcomes.push(invalid(index, meetingId, 'The meeting appears more than once in the batch'));
    seen.add(p.meeting.meetingId);
    accepted.push({ index, meeting: p.meeting });
  });

  const hosts = await hostsOf(deps, [...new Set(accepted.map((a) => a.meeting.sub))], now);
  const writes: Array<{ index: number; report: StoredMeetingReport }> = [];
  for (const { index, meeting } of accepted) {
    const host = hosts.get(meeting.sub)!;
    if ('code' in host)
      outcomes.push({ index, meetingId: meeting.meetingId, outcome: 'refused', reason: host });
    else writes.push({ index, report: stored(client.clientId, meeting, host, now.toISOString()) });
  }
  if (writes.length > 0) outcomes.push(...(await writeReports(deps, client, writes, request)));
  return outcomes.sort((a, b) => a.index - b.index);
}

/** The reports in one transaction, with the months they touch and their audit events. */
async function writeReports(
  deps: UsageDeps,
  client: ClientSummary,
  writes: ReadonlyArray<{ index: number; report: StoredMeetingReport }>,
  request: ReportRequest,
): Promise<MeetingOutcome[]> {
  return deps.db.transaction().execute(async (tx) => {
    const existing = new Map(
      (
        await findMeetingReports(
          tx,
          client.clientId,
          writes.map((w) => w.report.meetingId),
        )
      ).map((r) => [r.meetingId, r]),
    );
    const outcomes: MeetingOutcome[] = [];
    const changed: StoredMeetingReport[] = [];
    // account → months whose bill the batch changes (the old month of a replaced report too)
    const months = new Map<string, Set<string>>();
    const zones = new Map<string, string>();
    const zoneOf = async (accountId: string) => {
      if (!zones.has(accountId)) zones.set(accountId, await billingZoneOf(tx, accountId));
      return zones.get(accountId)!;
    };
    const touch = async (report: StoredMeetingReport) => {
      const month = monthOfMeeting(report.startedAt, await zoneOf(report.accountId));
      months.set(report.accountId, (months.get(report.accountId) ?? new Set()).add(month));
    };
    for (const { index, report } of writes) {
      const before = existing.get(report.meetingId);
      const outcome = !before ? 'created' : keeps(before, report) ? 'unchanged' : 'replaced';
      outcomes.push({
        index,
        meetingId: report.meetingId,
        outcome,
        accountId: report.accountId,
        userId: report.userId,
      });
      if (outcome === 'unchanged') continue;
      const next = before ? { ...report, firstReportedAt: before.firstReportedAt } : report;
      changed.push(next);
      await touch(next);
      if (before) await touch(before);
    }
    // Months are recorded and locked before the reports are written (months.ts: touchMonths).
    const closed: Array<[string, string]> = [];
    for (const [accountId, set] of [...months].sort(([a], [b]) => a.localeCompare(b))) {
      const closedOnes = await touchMonths(tx, deps, accountId, await zoneOf(accountId), [...set]);
      for (const month of closedOnes) closed.push([accountId, month]);
    }
    await upsertMeetingReports(tx, changed);
    for (const [accountId, month] of closed) await adjustClosedMonth(tx, deps, accountId, month);
    await auditBatch(tx, deps, client, request, changed, closed);
    return outcomes;
  });
}

/**
 * One audit event per account the batch changed, naming its meetings, rather than one per
 * meeting: the meetings service reports every meeting of the installation.
 */
async function auditBatch(
  tx: Parameters<typeof insertAuditEvents>[0],
  deps: UsageDeps,
  client: ClientSummary,
  request: ReportRequest,
  changed: readonly StoredMeetingReport[],
  closed: ReadonlyArray<[string, string]>,
) {
  const byAccount = new Map<string, string[]>();
  for (const r of changed) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r.meetingId]);
  const at = deps.clock.now().toISOString();
  await insertAuditEvents(
    tx,
    [...byAccount].map(([accountId, meetingIds]) => ({
      id: deps.ids.uuid(),
      accountId,
      principalId: undefined,
      principal: `app-client/${client.clientId} (${client.name})`,
      operation: 'ReportMeetingUsage',
      targetType: 'MeetingReports',
      targetId: undefined,
      userId: undefined,
      requestId: request.requestId,
      sourceIp: request.sourceIp,
      outcome: 'Success' as const,
      errorCode: undefined,
      details: {
        meetings: meetingIds.length,
        meetingIds: meetingIds.slice(0, 50),
        lateForClosedMonths: closed.filter(([a]) => a === accountId).map(([, m]) => m),
      },
      occurredAt: at,
    })),
  );
}

/** Whether the stored report stands: the same data, or it has an end this one lacks. */
function keeps(before: StoredMeetingReport, next: StoredMeetingReport): boolean {
  if (before.endedAt !== null && next.endedAt === null) return true;
  return (
    before.accountId === next.accountId &&
    before.userId === next.userId &&
    before.identityId === next.identityId &&
    before.startedAt === next.startedAt &&
    before.endedAt === next.endedAt &&
    before.attendees === next.attendees
  );
}

/** Each host's membership to bill, or the live check's reason they may not host (or be billed). */
async function hostsOf(deps: UsageDeps, subs: readonly string[], now: Date): Promise<Map<string, Host>> {
  const hosts = new Map<string, Host>();
  await Promise.all(
    subs.map(async (sub) => {
      const standing = await currentStanding(deps.db, sub, now);
      if (!standing)
        return hosts.set(sub, { code: 'unknown_sub', message: `No Belfry user has the sub ${sub}` });
      const answer = answerFor(standing, 'meetings:host');
      if (!answer.allowed) return hosts.set(sub, answer.reason);
      const claims = standing.allowed ? standing.claims : undefined;
      if (!claims?.account_id || !claims.user_id)
        return hosts.set(sub, {
          code: 'no_account',
          message: 'This person hosts as a free user (a personal trial): no account pays for their meetings.',
        });
      return hosts.set(sub, { accountId: claims.account_id, userId: claims.user_id });
    }),
  );
  return hosts;
}

function stored(
  clientId: string,
  meeting: MeetingInput,
  host: { accountId: string; userId: string },
  at: string,
): StoredMeetingReport {
  return {
    clientId,
    meetingId: meeting.meetingId,
    accountId: host.accountId,
    userId: host.userId,
    identityId: meeting.sub,
    startedAt: meeting.startedAt,
    endedAt: meeting.endedAt,
    attendees: meeting.attendees,
    firstReportedAt: at,
    reportedAt: at,
  };
}

const invalid = (index: number, meetingId: string | undefined, message: string): MeetingOutcome => ({
  index,
  meetingId,
  outcome: 'invalid',
  reason: { code: 'invalid_request', message },
});

function idOf(raw: unknown): string | undefined {
  const id = (raw as { meetingId?: unknown } | null)?.meetingId;
  return typeof id === 'string' && id.length <= 256 ? id : undefined;
}
