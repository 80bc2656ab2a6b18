import type { Db, Dialect } from './database.js';

export interface JobRecord {
  id: string;
  kind: string;
  payload: unknown;
  accountId: string | undefined;
  attempts: number;
  maxAttempts: number;
}

export interface NewJob {
  id: string;
  kind: string;
  payload: unknown;
  accountId?: string | undefined;
  runAt: string;
  maxAttempts: number;
  createdAt: string;
}

/** Enqueues a job; call it with the transaction of the change it follows so both commit or neither. */
export async function insertJob(db: Db, job: NewJob): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: job.id,
      kind: job.kind,
      payload: JSON.stringify(job.payload),
      account_id: job.accountId ?? null,
      status: 'pending',
      run_at: job.runAt,
      max_attempts: job.maxAttempts,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: job.createdAt,
      updated_at: job.createdAt,
    })
    .execute();
}

/**
 * Claims the next due job for `worker` until `leaseUntil`. A job whose lease expired (its worker
 * died) is due again. On PostgreSQL the row lock with SKIP LOCKED lets several instances claim
 * concurrently without taking the same job; SQLite serialises writers.
 */
export async function claimDueJob(
  db: Db,
  dialect: Dialect,
  worker: string,
  now: string,
  leaseUntil: string,
): Promise<JobRecord | undefined> {
  return db.transaction().execute(async (tx) => {
    let query = tx
      .selectFrom('jobs')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<=', now)]),
        ]),
      )
      // Ids are time-ordered: work queued for the same moment runs in the order it was queued
      // (an app hears that a person left one account before it hears they joined another).
      .orderBy('run_at')
      .orderBy('id')
      .limit(1);
    if (dialect === 'postgres') query = query.forUpdate().skipLocked();
    const row = await query.executeTakeFirst();
    if (!row) return undefined;
    await tx
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: worker,
        locked_until: leaseUntil,
        attempts: row.attempts + 1,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    return {
      id: row.id,
      kind: row.kind,
      payload: JSON.parse(row.payload) as unknown,
      accountId: row.account_id ?? undefined,
      attempts: row.attempts + 1,
      maxAttempts: row.max_attempts,
    };
  });
}

export async function completeJob(db: Db, id: string, worker: string, now: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'done', locked_by: null, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .where('locked_by', '=', worker)
    .execute();
}

/** Records a failed attempt: retried at `retryAt`, or failed for good when attempts are exhausted. */
export async function failJob(
  db: Db,
  job: JobRecord,
  worker: string,
  error: string,
  now: string,
  retryAt: string | undefined,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: retryAt === undefined ? 'failed' : 'pending',
      run_at: retryAt ?? now,
      locked_by: null,
      locked_until: null,
      last_error: error.slice(0, 2000),
      updated_at: now,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .execute();
}

export async function countJobs(db: Db, status: string): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
