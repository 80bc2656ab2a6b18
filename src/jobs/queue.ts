import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { Db, Dialect } from '../store/database.js';
import { claimDueJob, completeJob, failJob, insertJob, type JobRecord } from '../store/jobs.js';

/** A kind of background work and how to do it. Handlers must be idempotent: a job may run twice. */
export interface JobHandler {
  kind: string;
  run(job: JobRecord, deps: { db: Db }): Promise<void>;
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

export interface Jobs {
  /** Enqueues work inside the caller's transaction (`db` may be a transaction). */
  enqueue(
    db: Db,
    kind: string,
    payload: unknown,
    options?: { accountId?: string; runAt?: Date },
  ): Promise<void>;
}

/**
 * `handlers` is read at each enqueue, not copied: services create the queue before they register
 * the handlers that use it, and a handler's own maxAttempts must still apply.
 */
export function createJobs(ids: Ids, clock: Clock, handlers: JobHandler[]): Jobs {
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

export interface WorkerOptions {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  handlers: JobHandler[];
  workerId: string;
  pollMs: number;
  leaseMs?: number;
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** Polls the job table and runs due jobs one at a time until stopped. */
export function startWorker(options: WorkerOptions): { stop(): Promise<void>; drain(): Promise<number> } {
  const handlers = new Map(options.handlers.map((h) => [h.kind, h]));
  const leaseMs = options.leaseMs ?? 5 * 60_000;
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
      new Date(now.getTime() + leaseMs).toISOString(),
    );
    if (!job) return false;
    const handler = handlers.get(job.kind);
    // Claimed again past its last attempt: its worker stopped during that attempt (a job that
    // crashes the process would otherwise loop forever) or before its give-up finished.
    if (job.attempts > job.maxAttempts) {
      await giveUp(job, handler, new Error('the worker stopped before the job finished'));
      return true;
    }
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler.run(job, { db: options.db });
      await completeJob(options.db, job.id, options.workerId, options.clock.now().toISOString());
    } catch (error) {
      options.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: error }, 'job failed');
      if (job.attempts >= job.maxAttempts) {
        await giveUp(job, handler, error);
        return true;
      }
      const finished = options.clock.now();
      const retryAt = new Date(finished.getTime() + retryDelayMs(job.attempts)).toISOString();
      await failJob(options.db, job, options.workerId, String(error), finished.toISOString(), retryAt);
    }
    return true;
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
    await failJob(options.db, job, options.workerId, String(error), at, undefined);
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
