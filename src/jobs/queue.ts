import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { Db, Dialect } from '../store/database.js';
import type { JobPayloads } from './kinds.js';
import {
  claimDueJob,
  completeJob,
  failJob,
  insertJob,
  renewJobLease,
  type JobFilter,
  type JobRecord,
} from '../store/jobs.js';

/**
 * A kind of background work and how to do it, as the queue holds it (declare one with `defineJob`
 * in kinds.ts, which types its payload). Handlers must be idempotent: a job may run twice.
 */
export interface JobHandler {
  kind: string;
  /**
   * `signal` is aborted when this attempt has lost the job: its lease could not be renewed in
   * time and another worker claimed it. Work not started yet should then not be started; what
   * this attempt returns is not recorded either way.
   */
  run(job: JobRecord, deps: { db: Db; signal: AbortSignal }): Promise<void>;
  /** attempts before the job is marked failed (default 8) */
  maxAttempts?: number;
  /**
   * Called when the last attempt failed, before the job is marked failed, so the work's own record
   * can say so (an invitation's EmailStatus becomes Failed). When it throws, or the process stops
   * first, the job stays claimed and is given up again once its lease expires: it must be
   * idempotent, like `run`.
   */
  onGiveUp?(job: JobRecord, error: unknown, deps: { db: Db }): Promise<void>;
}

/** The queue, typed by the kinds it takes (kinds.ts; the queue's own tests use kinds of their own). */
export interface Jobs<P extends object = JobPayloads> {
  /** Enqueues work inside the caller's transaction (`db` may be a transaction). */
  enqueue<K extends keyof P & string>(
    db: Db,
    kind: K,
    payload: P[K],
    options?: { accountId?: string; runAt?: Date },
  ): Promise<void>;
}

/**
 * `handlers` is read at each enqueue, not copied: services create the queue before they register
 * the handlers that use it, and a handler's own maxAttempts must still apply.
 */
export function createJobs<P extends object = JobPayloads>(
  ids: Ids,
  clock: Clock,
  handlers: JobHandler[],
): Jobs<P> {
  const maxAttempts = (kind: string) => handlers.find((h) => h.kind === kind)?.maxAttempts ?? 8;
  return {
    async enqueue(db, kind, payload, options = {}) {
      const now = clock.now();
      await insertJob(db, {
        id: ids.uuid(),
        kind,
        payload,
        accountId: options.accountId,
        runAt: (options.runAt ?? now).toISOString(),
        maxAttempts: maxAttempts(kind),
        createdAt: now.toISOString(),
      });
    },
  };
}

/** Exponential back-off with a cap: 10 s, 20 s, 40 s … up to an hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(10_000 * 2 ** (attempt - 1), 3_600_000);
}

/**
 * How long a claimed job is held by its worker. The worker renews it while the job runs (every
 * third of it), so a long job stays with the worker that runs it, and the job of a worker that
 * died is claimed by another within this time (plus one poll).
 */
export const JOB_LEASE_MS = 30_000;

export interface WorkerOptions {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  handlers: JobHandler[];
  workerId: string;
  pollMs: number;
  /** claim only these jobs (a CLI command running the job it queued); every kind unless given */
  only?: JobFilter;
  /** JOB_LEASE_MS unless given (tests) */
  leaseMs?: number;
  /** a third of the lease unless given (tests) */
  renewEveryMs?: number;
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** Polls the job table and runs due jobs one at a time until stopped. */
export function startWorker(options: WorkerOptions): { stop(): Promise<void>; drain(): Promise<number> } {
  const handlers = new Map(options.handlers.map((h) => [h.kind, h]));
  const leaseMs = options.leaseMs ?? JOB_LEASE_MS;
  const renewEveryMs = options.renewEveryMs ?? Math.floor(leaseMs / 3);
  const leaseUntil = (now: Date) => new Date(now.getTime() + leaseMs).toISOString();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function runOne(): Promise<boolean> {
    const now = options.clock.now();
    const job = await claimDueJob(
      options.db,
      options.dialect,
      options.workerId,
      now.toISOString(),
      leaseUntil(now),
      options.only,
    );
    if (!job) return false;
    const lease = holdLease(job);
    try {
      await attempt(job, lease.signal);
    } finally {
      lease.release();
    }
    return true;
  }

  async function attempt(job: JobRecord, signal: AbortSignal): Promise<void> {
    const handler = handlers.get(job.kind);
    // Claimed again past its last attempt: its worker stopped during that attempt (a job that
    // crashes the process would otherwise loop forever) or before its give-up finished.
    if (job.attempts > job.maxAttempts) {
      await giveUp(job, handler, new Error('the worker stopped before the job finished'));
      return;
    }
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler.run(job, { db: options.db, signal });
      const at = options.clock.now().toISOString();
      if (!(await completeJob(options.db, job, options.workerId, at))) takenOver(job, 'done');
    } catch (error) {
      options.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: error }, 'job failed');
      if (job.attempts >= job.maxAttempts) {
        await giveUp(job, handler, error);
        return;
      }
      const finished = options.clock.now();
      const retryAt = new Date(finished.getTime() + retryDelayMs(job.attempts)).toISOString();
      const at = finished.toISOString();
      if (!(await failJob(options.db, job, options.workerId, String(error), at, retryAt)))
        takenOver(job, 'failed');
    }
  }

  /**
   * Renews the job's lease while it runs. A renewal that fails (the database unreachable) is
   * tried again at the next turn: the lease outlasts two of them. One that finds the job claimed
   * by another attempt aborts this one's signal.
   */
  function holdLease(job: JobRecord): { signal: AbortSignal; release(): void } {
    const lost = new AbortController();
    let released = false;
    let renewing = false;
    const renew = async () => {
      if (renewing || released) return;
      renewing = true;
      try {
        const now = options.clock.now();
        const held = await renewJobLease(
          options.db,
          job,
          options.workerId,
          leaseUntil(now),
          now.toISOString(),
        );
        if (!held && !released) {
          clearInterval(timer);
          options.log.warn(
            { jobId: job.id, kind: job.kind, attempt: job.attempts },
            'job lease lost to another worker',
          );
          lost.abort(new Error('the job was claimed by another worker'));
        }
      } catch (error) {
        options.log.warn({ jobId: job.id, kind: job.kind, err: error }, 'job lease renewal failed');
      } finally {
        renewing = false;
      }
    };
    const timer = setInterval(() => void renew(), renewEveryMs);
    timer.unref();
    return {
      signal: lost.signal,
      release() {
        released = true;
        clearInterval(timer);
      },
    };
  }

  /** The attempt ended after another had claimed the job: its outcome is that attempt's to record. */
  function takenOver(job: JobRecord, outcome: string): void {
    options.log.warn(
      { jobId: job.id, kind: job.kind, attempt: job.attempts, outcome },
      'job was claimed by another worker meanwhile; this attempt is not recorded',
    );
  }

  /**
   * The handler's give-up first, then the job marked failed: a give-up that throws (or a process
   * that stops in between) leaves the job claimed, and it is given up again after its lease.
   */
  async function giveUp(job: JobRecord, handler: JobHandler | undefined, error: unknown): Promise<void> {
    try {
      await handler?.onGiveUp?.(job, error, { db: options.db });
    } catch (giveUpError) {
      options.log.error({ jobId: job.id, kind: job.kind, err: giveUpError }, 'job give-up hook failed');
      return;
    }
    const at = options.clock.now().toISOString();
    if (!(await failJob(options.db, job, options.workerId, String(error), at, undefined)))
      takenOver(job, 'failed');
  }

  /** Runs every due job now; returns how many ran (tests and the CLI use it). */
  async function drain(): Promise<number> {
    let count = 0;
    while (await runOne()) count++;
    return count;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain()
        .catch((error: unknown) => options.log.error({ err: error }, 'job worker poll failed'))
        .finally(schedule);
    }, options.pollMs);
    timer.unref();
  }
  schedule();

  return {
    drain,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
