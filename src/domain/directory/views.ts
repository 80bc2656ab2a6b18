import type { ConnectionRecord, GroupTierRecord, RunRecord } from '../../store/directories.js';
import { DEFAULT_USER_FILTER } from './connection.js';
import type { DirectoryConnectionView, RunCounts, RunSummary } from './contract.js';

export const NO_COUNTS: RunCounts = {
  created: 0,
  tierChanged: 0,
  suspended: 0,
  restored: 0,
  updated: 0,
  skipped: 0,
  unchanged: 0,
};

/** A connection as administrators see it: never the password. */
export function connectionView(
  c: ConnectionRecord,
  groups: GroupTierRecord[],
  lastRun: RunRecord | undefined,
  held: RunRecord | undefined,
): DirectoryConnectionView {
  return {
    accountId: c.accountId,
    type: 'ad',
    urls: c.urls,
    bindDn: c.bindDn,
    baseDn: c.baseDn,
    userFilter: c.userFilter ?? DEFAULT_USER_FILTER,
    startTls: c.startTls,
    caSubject: c.caSubject,
    groups,
    connectedAt: c.createdAt,
    updatedAt: c.updatedAt,
    nextIncrementalAt: c.nextIncrementalAt,
    nextFullAt: c.nextFullAt,
    lastRun: lastRun && runSummary(lastRun),
    heldRunId: held?.id,
  };
}

export function runSummary(run: RunRecord): RunSummary {
  return {
    runId: run.id,
    accountId: run.accountId,
    kind: run.kind,
    kindReason: run.kindReason,
    trigger: run.trigger,
    dryRun: run.dryRun,
    status: run.status,
    reason: run.reason,
    counts: { ...NO_COUNTS, ...run.counts },
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    decidedBy: run.decidedBy,
    decidedAt: run.decidedAt,
  };
}
