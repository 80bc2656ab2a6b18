import type { JobHandler } from '../../jobs/queue.js';
import { DIRECTORY_SYNC_JOB, type DirectorySyncPayload } from './deps.js';
import type { Runs } from './runs.js';

/**
 * One sync run. A run only leaves `queued` once, so a job run twice does nothing the second
 * time; a directory failure ends the run as `failed` rather than retrying the job.
 */
export function directorySyncJob(runs: Runs): JobHandler {
  return {
    kind: DIRECTORY_SYNC_JOB,
    maxAttempts: 3,
    run: (job) => runs.executeRun(job.payload as DirectorySyncPayload),
  };
}
