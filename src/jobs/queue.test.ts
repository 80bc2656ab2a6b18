import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { randomIds } from '../lib/ids.js';
import { countJobs } from '../store/jobs.js';
import { createTestDatabase, dialects, skipReason, type TestDatabase } from '../../test/helpers/databases.js';
import { createJobs, JOB_LEASE_MS, retryDelayMs, startWorker, type JobHandler } from './queue.js';

/** The queue's own tests enqueue kinds of their own, with any payload. */
type AnyJobs = Record<string, unknown>;

const quietLog = { error: () => undefined, warn: () => undefined };

for (const dialect of dialects) {
  const skip = await skipReason(dialect);
  describe(`job queue [${dialect}]`, { skip: skip ?? false }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(dialect);
    });
    after(async () => {
      await database?.drop();
    });

    function worker(
      clock: ManualClock,
      handlers: JobHandler[],
      workerId = 'w1',
      leaseMs: number | 'default' = 60_000,
      renewEveryMs?: number,
    ) {
      return startWorker({
        db: database.db,
        dialect,
        clock,
        handlers,
        workerId,
        pollMs: 3_600_000,
        leaseMs: leaseMs === 'default' ? undefined : leaseMs,
        renewEveryMs,
        log: quietLog,
      });
    }

    /** The job row as a worker left it. */
    const row = (id: string) =>
      database.db
        .selectFrom('jobs')
        .select(['status', 'locked_by', 'attempts'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    /** A handler whose runs wait until released, each told whether its lease was lost. */
    function held(kind: string) {
      const runs: { jobId: string; signal: AbortSignal; finish(error?: Error): void }[] = [];
      const started: (() => void)[] = [];
      const handler: JobHandler = {
        kind,
        run: (job, { signal }) =>
          new Promise<void>((resolve, reject) => {
            runs.push({ jobId: job.id, signal, finish: (error) => (error ? reject(error) : resolve()) });
            started.shift()?.();
          }),
      };
      const nextRun = () => new Promise<void>((resolve) => started.push(resolve));
      return { handler, runs, nextRun };
    }

    /** One job of a new kind, queued, with a handler that holds each run until told to finish. */
    async function heldJob(clock: ManualClock, kind: string) {
      const slow = held(kind);
      await createJobs<AnyJobs>(randomIds, clock, []).enqueue(database.db, kind, {});
      return slow;
    }

    /** Starts `w` draining; resolves once its run of the held job began, with the drain's end. */
    async function runStarted(slow: ReturnType<typeof held>, w: ReturnType<typeof worker>) {
      const started = slow.nextRun();
      const drained = w.drain();
      await started;
      return { drained };
    }

    const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('keeps no job enqueued in a transaction that rolled back', async () => {
      const clock = new ManualClock();
      const jobs = createJobs<AnyJobs>(randomIds, clock, []);
      await assert.rejects(
        database.db.transaction().execute(async (tx) => {
          await jobs.enqueue(tx, 'noop', {});
          throw new Error('change failed');
        }),
      );
      assert.equal(await countJobs(database.db, 'pending'), 0);
    });

    it('runs a due job once, and not before it is due', async () => {
      const clock = new ManualClock();
      const seen: unknown[] = [];
      const handler: JobHandler = { kind: 'record', run: async (job) => void seen.push(job.payload) };
      const jobs = createJobs<AnyJobs>(randomIds, clock, [handler]);
      await jobs.enqueue(
        database.db,
        'record',
        { n: 1 },
        { runAt: new Date(clock.now().getTime() + 60_000) },
      );
      const w = worker(clock, [handler]);
      assert.equal(await w.drain(), 0);
      clock.advance(60_000);
      assert.equal(await w.drain(), 1);
      assert.equal(await w.drain(), 0);
      assert.deepEqual(seen, [{ n: 1 }]);
      await w.stop();
    });

    it('retries a failing job with back-off, then marks it failed and tells its handler once', async () => {
      const clock = new ManualClock();
      let attempts = 0;
      const gaveUp: string[] = [];
      const handler: JobHandler = {
        kind: 'flaky',
        maxAttempts: 2,
        run: async () => {
          attempts++;
          throw new Error(`peer down ${attempts}`);
        },
        onGiveUp: async (job, error) => void gaveUp.push(`${job.attempts}: ${(error as Error).message}`),
      };
      const jobs = createJobs<AnyJobs>(randomIds, clock, [handler]);
      await jobs.enqueue(database.db, 'flaky', {});
      const w = worker(clock, [handler]);
      assert.equal(await w.drain(), 1);
      assert.equal(await w.drain(), 0, 'the retry waits for its back-off');
      assert.deepEqual(gaveUp, [], 'a job with attempts left is not given up');
      clock.advance(retryDelayMs(1));
      assert.equal(await w.drain(), 1);
      assert.equal(attempts, 2);
      assert.equal(await countJobs(database.db, 'failed'), 1);
      assert.deepEqual(gaveUp, ['2: peer down 2']);
      await w.stop();
    });

    it("applies a handler's maxAttempts even when it is registered after the queue is made", async () => {
      const clock = new ManualClock();
      const handlers: JobHandler[] = [];
      const jobs = createJobs<AnyJobs>(randomIds, clock, handlers);
      handlers.push({ kind: 'once-only', maxAttempts: 1, run: async () => Promise.reject(new Error('no')) });
      await jobs.enqueue(database.db, 'once-only', {});
      const w = worker(clock, handlers);
      assert.equal(await w.drain(), 1);
      clock.advance(retryDelayMs(1));
      assert.equal(await w.drain(), 0, 'one attempt allowed: no retry');
      await w.stop();
    });

    it('runs each job exactly once when two workers drain the queue at the same time', async () => {
      const clock = new ManualClock();
      const runs = new Map<number, number>();
      const handler: JobHandler = {
        kind: 'count',
        run: async (job) => {
          const n = (job.payload as { n: number }).n;
          runs.set(n, (runs.get(n) ?? 0) + 1);
        },
      };
      const jobs = createJobs<AnyJobs>(randomIds, clock, [handler]);
      for (let n = 0; n < 40; n++) await jobs.enqueue(database.db, 'count', { n });
      const a = worker(clock, [handler], 'a');
      const b = worker(clock, [handler], 'b');
      const [ranA, ranB] = await Promise.all([a.drain(), b.drain()]);
      assert.equal(ranA + ranB, 40);
      assert.equal(runs.size, 40);
      assert.ok([...runs.values()].every((count) => count === 1));
      await Promise.all([a.stop(), b.stop()]);
    });

    it('gives up a job whose worker dies in every attempt instead of claiming it forever', async () => {
      const clock = new ManualClock();
      const gaveUp: string[] = [];
      const handler: JobHandler = {
        kind: 'fatal',
        maxAttempts: 2,
        run: () => new Promise(() => undefined), // never returns, as if the process died in it
        onGiveUp: async (job, error) => void gaveUp.push(`${job.attempts}: ${(error as Error).message}`),
      };
      const jobs = createJobs<AnyJobs>(randomIds, clock, [handler]);
      await jobs.enqueue(database.db, 'fatal', {});
      for (let attempt = 1; attempt <= 2; attempt++) {
        void worker(clock, [handler], `dying-${attempt}`, 30_000).drain();
        await new Promise((r) => setTimeout(r, 50));
        clock.advance(30_001);
      }
      const failedBefore = await countJobs(database.db, 'failed');
      const last = worker(clock, [handler], 'last', 30_000);
      assert.equal(await last.drain(), 1);
      assert.deepEqual(gaveUp, ['3: the worker stopped before the job finished']);
      assert.equal(await countJobs(database.db, 'failed'), failedBefore + 1);
      assert.equal(await last.drain(), 0);
    });

    it('gives up again after its lease when the give-up itself failed, and marks failed only then', async () => {
      const clock = new ManualClock();
      let giveUps = 0;
      const handler: JobHandler = {
        kind: 'hard-to-bury',
        maxAttempts: 1,
        run: async () => Promise.reject(new Error('peer down')),
        onGiveUp: async () => {
          giveUps++;
          if (giveUps === 1) throw new Error('database blip');
        },
      };
      const jobs = createJobs<AnyJobs>(randomIds, clock, [handler]);
      await jobs.enqueue(database.db, 'hard-to-bury', {});
      const w = worker(clock, [handler], 'w', 30_000);
      const failedBefore = await countJobs(database.db, 'failed');
      assert.equal(await w.drain(), 1);
      assert.equal(
        await countJobs(database.db, 'failed'),
        failedBefore,
        'not failed while its give-up is owed',
      );
      assert.equal(await w.drain(), 0, 'held by its lease');
      clock.advance(30_001);
      assert.equal(await w.drain(), 1);
      assert.equal(giveUps, 2);
      assert.equal(await countJobs(database.db, 'failed'), failedBefore + 1);
      await w.stop();
    });

    it('renews the lease of a job while it runs, so no other worker takes it', async () => {
      const clock = new ManualClock();
      const slow = await heldJob(clock, 'slow');
      const { drained } = await runStarted(slow, worker(clock, [slow.handler], 'first', 30_000, 20));
      const other = worker(clock, [slow.handler], 'other', 30_000);
      for (let step = 0; step < 4; step++) {
        clock.advance(20_000); // 80 s in all: far past one lease, never past a renewed one
        await tick(100);
        assert.equal(await other.drain(), 0, `still held after ${(step + 1) * 20} s`);
      }
      slow.runs[0]!.finish();
      assert.equal(await drained, 1);
      const job = await row(slow.runs[0]!.jobId);
      assert.deepEqual([job.status, job.attempts], ['done', 1]);
    });

    const lateCases = (['completes', 'fails'] as const).flatMap((outcome) =>
      [false, true].map((sameId) => ({ outcome, sameId })),
    );
    for (const { outcome, sameId } of lateCases) {
      const who = sameId ? ' (the new claim under the same worker id)' : '';
      it(`lets a worker that lost its job's lease record nothing when it ${outcome} late${who}`, async () => {
        const clock = new ManualClock();
        const kind = `late-${outcome}-${sameId}`;
        const slow = await heldJob(clock, kind);
        // The first worker stalls: it does not renew, as if its event loop or database were stuck.
        const stalled = worker(clock, [slow.handler], 'stalled', 30_000, 3_600_000);
        const late = await runStarted(slow, stalled);
        clock.advance(30_001);
        const nextId = sameId ? 'stalled' : 'next';
        const current = await runStarted(slow, worker(clock, [slow.handler], nextId, 30_000, 3_600_000));
        const jobId = slow.runs[1]!.jobId;

        slow.runs[0]!.finish(outcome === 'fails' ? new Error('late failure') : undefined);
        await late.drained;
        assert.deepEqual(await row(jobId), { status: 'running', locked_by: nextId, attempts: 2 });
        slow.runs[1]!.finish();
        await current.drained;
        assert.equal((await row(jobId)).status, 'done');
      });
    }

    it('tells a running job when its lease was lost, and records nothing for it', async () => {
      const clock = new ManualClock();
      const slow = await heldJob(clock, 'taken');
      const { drained } = await runStarted(slow, worker(clock, [slow.handler], 'loser', 30_000, 20));
      const run = slow.runs[0]!;
      // Another worker's claim, as claimDueJob makes it once the lease has expired.
      await database.db
        .updateTable('jobs')
        .set((eb) => ({ locked_by: 'winner', attempts: eb('attempts', '+', 1) }))
        .where('id', '=', run.jobId)
        .execute();
      for (let i = 0; i < 100 && !run.signal.aborted; i++) await tick(20);
      assert.equal(run.signal.aborted, true);
      run.finish();
      await drained;
      assert.deepEqual(await row(run.jobId), { status: 'running', locked_by: 'winner', attempts: 2 });
    });

    it('gives the job of a dead worker to another within a minute with the default lease', async () => {
      const clock = new ManualClock();
      const slow = await heldJob(clock, 'orphan');
      await runStarted(slow, worker(clock, [slow.handler], 'dead', 'default', 3_600_000));
      const ran: string[] = [];
      const survivor = worker(
        clock,
        [{ kind: 'orphan', run: async () => void ran.push('survivor') }],
        's',
        'default',
      );
      assert.equal(await survivor.drain(), 0, 'held while the lease lasts');
      assert.ok(JOB_LEASE_MS <= 30_000);
      clock.advance(JOB_LEASE_MS + 1);
      await survivor.drain(); // with what earlier tests left behind, due by now too
      assert.deepEqual(ran, ['survivor']);
      await survivor.stop();
    });

    it('gives a job whose worker died to another worker once its lease expires', async () => {
      const clock = new ManualClock();
      const ran: string[] = [];
      const jobs = createJobs<AnyJobs>(randomIds, clock, []);
      await jobs.enqueue(database.db, 'survivor', {});
      // The first worker claims the job and "crashes" before finishing it.
      const crashing: JobHandler = { kind: 'survivor', run: () => new Promise(() => undefined) };
      const first = worker(clock, [crashing], 'crashed', 30_000);
      void first.drain();
      await new Promise((r) => setTimeout(r, 50));
      const second = worker(
        clock,
        [{ kind: 'survivor', run: async () => void ran.push('second') }],
        'second',
        30_000,
      );
      assert.equal(await second.drain(), 0, 'the lease still holds');
      clock.advance(30_001);
      assert.equal(await second.drain(), 1);
      assert.deepEqual(ran, ['second']);
      await second.stop();
    });
  });
}
