import { LdapFailure } from '../../directory/types.js';
import { findAccountById, type AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import {
  findConnection,
  findHeldRun,
  findRun,
  insertRun,
  listDirectoryMembers,
  listUnlinkedMembers,
  listGroupTiers,
  loadRead,
  saveConnection,
  saveRunItems,
  storeReadEntries,
  updateRun,
  type RunRecord,
  type StoredRead,
} from '../../store/directories.js';
import { listDomainsOfAccount } from '../../store/domains.js';
import { directoryRunActor, type Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { conflict, notFound } from '../errors.js';
import { activeAccount } from '../users/lookups.js';
import { applyItems } from './apply.js';
import { ldapSettings } from './connection.js';
import type { RunKind, RunSummary, RunTrigger } from './contract.js';
import { DIRECTORY_SYNC_JOB, type DirectoryDeps, type DirectorySyncPayload } from './deps.js';
import { planRun, type PlannedItem } from './planner.js';
import { readDirectory, type RunRead } from './read.js';
import { NO_COUNTS, runSummary } from './views.js';
import { planOptionsFor, readSourceOf, type ReadSource } from './stored-read.js';
import { loadScimRead } from '../scim/entries.js';

/** A held run keeps what it read and what it planned, so approving applies exactly that. */
interface HeldSnapshot {
  read: RunRead | StoredRead;
  items: PlannedItem[];
}

/**
 * Sync runs: queued as `directory-sync` jobs, then queued → running → applied | dry | held |
 * failed; a held run becomes approved or rejected. Any LdapFailure fails the run: nothing
 * applied, the stored read untouched.
 */
export function createRuns(deps: DirectoryDeps) {
  const { db, clock, ids } = deps;
  const now = () => clock.now().toISOString();

  async function queueRun(
    tx: Db,
    accountId: string,
    options: { kind: RunKind; trigger: RunTrigger; dryRun: boolean },
  ): Promise<RunRecord> {
    const run: RunRecord = {
      id: ids.uuid(),
      accountId,
      kind: options.kind,
      kindReason: undefined,
      trigger: options.trigger,
      dryRun: options.dryRun,
      status: 'queued',
      reason: undefined,
      counts: { ...NO_COUNTS },
      readSnapshot: undefined,
      createdAt: now(),
      startedAt: undefined,
      finishedAt: undefined,
      decidedBy: undefined,
      decidedAt: undefined,
    };
    await insertRun(tx, run);
    const payload: DirectorySyncPayload = { runId: run.id, accountId };
    await deps.jobs.enqueue(tx, DIRECTORY_SYNC_JOB, payload, { accountId });
    return run;
  }

  /** Applies a read's plan and stores the read and sync state, in one audited transaction. */
  async function applyRun(
    run: RunRecord,
    read: RunRead | StoredRead,
    items: PlannedItem[],
    actor: Actor,
    status: 'applied' | 'approved',
  ) {
    const subject = {
      operation: 'DirectorySync',
      accountId: run.accountId,
      targetType: 'DirectoryRun',
      targetId: run.id,
    };
    return auditedChange(deps, actor, subject, async (tx, log) => {
      const account = await activeAccount(deps, tx, run.accountId);
      const members = await listDirectoryMembers(tx, run.accountId);
      const applied = await applyItems(tx, deps, account, members, items, log);
      // a SCIM read is the SCIM tables themselves: nothing to store
      const connection = 'server' in read ? await findConnection(tx, run.accountId) : undefined;
      if ('server' in read) {
        await storeReadEntries(tx, run.accountId, 'directory_users', read.users, true);
        await storeReadEntries(tx, run.accountId, 'directory_groups', read.groups, true);
      }
      if (connection && 'server' in read)
        await saveConnection(tx, {
          ...connection,
          sync: {
            url: read.server.url,
            invocationId: read.server.invocationId,
            highestUsn: read.server.highestCommittedUsn,
          },
          updatedAt: now(),
        });
      await saveRunItems(tx, run, applied);
      const at = now();
      await updateRun(tx, run.id, {
        status,
        readSnapshot: undefined,
        finishedAt: status === 'applied' ? at : run.finishedAt,
        ...(status === 'approved' && { decidedBy: actor.label, decidedAt: at }),
      });
      log.describe({
        runId: run.id,
        kind: 'server' in read ? read.kind : run.kind,
        status,
        counts: run.counts,
      });
    });
  }

  /** The job: reads, plans, then applies, holds, or only reports. */
  async function executeRun(payload: DirectorySyncPayload): Promise<void> {
    const run = await findRun(db, payload.runId);
    if (run?.status !== 'queued') return;
    try {
      await readPlanApply(run);
    } catch (error) {
      // nothing was applied (the change rolled back); the run must not stay "running"
      await finish(run, 'failed', { reason: 'the run failed inside Belfry (see the server log)' });
      throw error;
    }
  }

  async function readPlanApply(run: RunRecord): Promise<void> {
    const account = await findAccountById(db, run.accountId);
    const source = account?.status === 'Active' ? await readSourceOf(db, account) : undefined;
    if (!account || !source)
      return finish(run, 'failed', {
        reason: 'the account has no directory connected (disconnected since the run was queued)',
      });
    await updateRun(db, run.id, { status: 'running', startedAt: now() });
    if (source === 'scim') return planAndSettle(run, account, await loadScimRead(db, run.accountId));
    const connection = (await findConnection(db, run.accountId))!;
    let read: RunRead;
    const stored = await loadRead(db, run.accountId);
    try {
      read = await readDirectory(
        deps.directoryClient,
        ldapSettings(deps, connection),
        connection,
        stored,
        run.kind,
      );
    } catch (error) {
      if (!(error instanceof LdapFailure)) throw error;
      return finish(run, 'failed', {
        reason: `the directory could not be read (${error.kind}): ${error.message}`,
      });
    }
    return planAndSettle(run, account, read, stored.groups);
  }

  /**
   * Plans a read, then applies it, holds it or only reports. A SCIM read is what the IdP pushed
   * (always whole, never "gone": SCIM removes people by DELETE), so it is planned as incremental.
   */
  async function planAndSettle(
    run: RunRecord,
    account: AccountRecord,
    read: RunRead | StoredRead,
    previousGroups: StoredRead['groups'] = read.groups,
  ): Promise<void> {
    const ad = 'server' in read;
    const kind = ad ? read.kind : run.kind;
    const plan = await planFor(account, read, previousGroups, ad && read.kind === 'full', ad ? 'ad' : 'scim');
    const held = await findHeldRun(db, run.accountId);
    const common = {
      kind,
      kindReason: ad ? read.kindReason : 'read from what the identity provider pushed over SCIM',
      counts: plan.counts,
    };
    if (run.dryRun || (held && run.trigger === 'schedule'))
      return finish(
        run,
        'dry',
        { ...common, reason: run.dryRun ? undefined : `run ${held!.id} is held: scheduled runs only report` },
        plan.items,
      );
    if (plan.hold) {
      const snapshot: HeldSnapshot = { read, items: plan.items };
      return finish(
        run,
        'held',
        { ...common, reason: `held: ${plan.hold}`, readSnapshot: JSON.stringify(snapshot) },
        plan.items,
      );
    }
    await updateRun(db, run.id, common);
    await applyRun(
      { ...run, kind, counts: plan.counts },
      read,
      plan.items,
      directoryRunActor(run.id),
      'applied',
    );
  }

  async function planFor(
    account: AccountRecord,
    read: StoredRead,
    previousGroups: StoredRead['groups'],
    full: boolean,
    source: ReadSource,
  ) {
    const [mapping, members, unlinked, domains] = await Promise.all([
      listGroupTiers(db, account.id),
      listDirectoryMembers(db, account.id),
      listUnlinkedMembers(db, account.id),
      listDomainsOfAccount(db, account.id),
    ]);
    return planRun({
      users: read.users,
      groups: read.groups,
      previousGroups,
      mapping,
      defaultLicense: account.defaultLicense,
      members,
      unlinked,
      verifiedDomains: domains
        .filter((d) => d.status === 'Verified' || d.status === 'RecordMissing')
        .map((d) => d.domainName),
      full,
      hold: { percent: deps.directory.holdPercent, count: deps.directory.holdCount },
      ...planOptionsFor(source),
    });
  }

  async function finish(
    run: RunRecord,
    status: RunRecord['status'],
    changes: Parameters<typeof updateRun>[2],
    items: PlannedItem[] = [],
  ) {
    await db.transaction().execute(async (tx) => {
      await updateRun(tx, run.id, { ...changes, status, finishedAt: now() });
      await saveRunItems(tx, run, items);
    });
  }

  async function heldRun(actor: Actor, runId: string): Promise<RunRecord> {
    const run = await findRun(db, runId);
    if (!run) throw notFound(`Run ${runId} not found`);
    authorize(actor, 'accounts', run.accountId);
    if (run.status !== 'held') throw conflict(`Run ${runId} is ${run.status}, not held`);
    return run;
  }

  return {
    queueRun,
    executeRun,

    /** Applies the held run's items that still apply (users gone since are left out), in one transaction. */
    async approveRun(actor: Actor, runId: string): Promise<RunSummary> {
      const run = await heldRun(actor, runId);
      const snapshot = JSON.parse(run.readSnapshot ?? 'null') as HeldSnapshot | null;
      if (!snapshot) throw conflict(`Run ${runId} kept no read to apply`);
      await applyRun(run, snapshot.read, snapshot.items, actor, 'approved');
      return runSummary((await findRun(db, runId))!);
    },

    /** Discards the held run: nothing applied, its report kept. */
    async rejectRun(actor: Actor, runId: string): Promise<RunSummary> {
      const run = await heldRun(actor, runId);
      const subject = {
        operation: 'RejectDirectoryRun',
        accountId: run.accountId,
        targetType: 'DirectoryRun',
        targetId: runId,
      };
      await auditedChange(deps, actor, subject, async (tx) => {
        await updateRun(tx, runId, {
          status: 'rejected',
          readSnapshot: undefined,
          decidedBy: actor.label,
          decidedAt: now(),
        });
      });
      return runSummary((await findRun(db, runId))!);
    },
  };
}

export type Runs = ReturnType<typeof createRuns>;
