import { defineJob } from '../../jobs/kinds.js';
import type { JobHandler } from '../../jobs/queue.js';
import type { Db } from '../../store/database.js';
import { findConnection, saveConnection, type ConnectionRecord } from '../../store/directories.js';
import { findAccountById } from '../../store/accounts.js';
import { DIRECTORY_SCHEDULE_JOB, type DirectoryDeps } from './deps.js';
import type { Runs } from './runs.js';

const MINUTE_MS = 60_000;

/**
 * Queues the account's next scheduled tick at the earlier of its next incremental and full
 * times. Each tick carries the time it was queued for, so a stale tick (the connection was
 * replaced or disconnected since) does nothing.
 */
export async function scheduleNextTick(
  tx: Db,
  deps: DirectoryDeps,
  connection: ConnectionRecord,
): Promise<void> {
  const due = [connection.nextIncrementalAt, connection.nextFullAt].filter((t) => t !== undefined).sort()[0];
  if (due === undefined) return;
  await deps.jobs.enqueue(
    tx,
    DIRECTORY_SCHEDULE_JOB,
    { accountId: connection.accountId, due },
    { accountId: connection.accountId, runAt: new Date(due) },
  );
}

/**
 * The schedule: a full run every `fullHours`, an incremental one every `incrementalMinutes`
 * otherwise (BELFRY_DIRECTORY_*). While a run is held, scheduled runs only report (runs.ts).
 */
export function directoryScheduleJob(deps: DirectoryDeps, runs: Runs): JobHandler {
  return defineJob({
    kind: DIRECTORY_SCHEDULE_JOB,
    async run(job) {
      const { accountId, due } = job.payload;
      await deps.db.transaction().execute(async (tx) => {
        const connection = await findConnection(tx, accountId);
        if (!connection) return;
        const next = [connection.nextIncrementalAt, connection.nextFullAt]
          .filter((t) => t !== undefined)
          .sort()[0];
        if (next !== due) return;
        if ((await findAccountById(tx, accountId))?.status !== 'Active') return;
        const now = deps.clock.now();
        const full = connection.nextFullAt !== undefined && connection.nextFullAt <= now.toISOString();
        await runs.queueRun(tx, accountId, {
          kind: full ? 'full' : 'incremental',
          trigger: 'schedule',
          dryRun: false,
        });
        const updated: ConnectionRecord = {
          ...connection,
          nextIncrementalAt: new Date(
            now.getTime() + deps.directory.incrementalMinutes * MINUTE_MS,
          ).toISOString(),
          nextFullAt: full
            ? new Date(now.getTime() + deps.directory.fullHours * 60 * MINUTE_MS).toISOString()
            : connection.nextFullAt,
          updatedAt: now.toISOString(),
        };
        await saveConnection(tx, updated);
        await scheduleNextTick(tx, deps, updated);
      });
    },
  });
}
