import type { Updateable } from 'kysely';
import type { Db, Dialect } from './database.js';
import type { JobsTable } from './schema.js';

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

/** Which jobs a worker may claim: only these kinds, of this account (a CLI command running its own job). */
export interface JobFilter {
  kinds: readonly string[];
  accountId?: string | undefined;
}

/**
 * Claims the next due job for `worker` until `leaseUntil`, among those `only` admits when given.
 * A job whose lease expired (its worker died) is due again. On PostgreSQL the row lock with SKIP
 * LOCKED lets several instances claim concurrently without taking the same job; SQLite
 * serialises writers.
 */
export async function claimDueJob(
  db: Db,
  dialect: Dialect,
  worker: string,
  now: string,
  leaseUntil: string,
  only?: JobFilter,
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
    if (only) query = query.where('kind', 'in', [...only.kinds]);
    if (only?.accountId !== undefined) query = query.where('account_id', '=', only.accountId);
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

/**
 * Extends the lease of a job its worker is still running. Only the attempt that holds it can: a
 * job whose lease expired and was claimed again belongs to the new attempt, and false says so.
 */
export function renewJobLease(
  db: Db,
  job: JobRecord,
  worker: string,
  leaseUntil: string,
  now: string,
): Promise<boolean> {
  return updateHeldJob(db, job, worker, { locked_until: leaseUntil, updated_at: now });
}

/** Marks the attempt done; false (and nothing changed) when it no longer holds the job. */
export function completeJob(db: Db, job: JobRecord, worker: string, now: string): Promise<boolean> {
  return updateHeldJob(db, job, worker, {
    status: 'done',
    locked_by: null,
    locked_until: null,
    updated_at: now,
  });
}

/**
 * Records a failed attempt: retried at `retryAt`, or failed for good when attempts are exhausted.
 * False (and nothing changed) when the attempt no longer holds the job.
 */
export function failJob(
  db: Db,
  job: JobRecord,
  worker: string,
  error: string,
  now: string,
  retryAt: string | undefined,
): Promise<boolean> {
  return updateHeldJob(db, job, worker, {
    status: retryAt === undefined ? 'failed' : 'pending',
    run_at: retryAt ?? now,
    locked_by: null,
    locked_until: null,
    last_error: error.slice(0, 2000),
    updated_at: now,
  });
}

/**
 * Changes the job only while this attempt holds it. The worker alone is not enough: the same
 * worker id may claim the job again (a restarted container keeps its host name and pid).
 */
async function updateHeldJob(
  db: Db,
  job: JobRecord,
  worker: string,
  values: Updateable<JobsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set(values)
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('locked_by', '=', worker)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countJobs(db: Db, status: string): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
