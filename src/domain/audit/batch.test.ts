import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createTestDatabase,
  dialects,
  skipReason,
  type TestDatabase,
} from '../../../test/helpers/databases.js';
import { createJobs } from '../../jobs/queue.js';
import { ManualClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import { isUniqueViolation, type Db } from '../../store/database.js';
import { systemActor } from '../access/actor.js';
import { conflict } from '../errors.js';
import { auditedBatch } from './batch.js';

type Apply = (tx: Db, letter: string, enqueue: (tx: Db, jobId?: string) => Promise<void>) => Promise<void>;

for (const dialect of dialects) {
  const skip = await skipReason(dialect);
  describe(`auditedBatch [${dialect}]`, { skip: skip ?? false }, () => {
    let database: TestDatabase;
    const clock = new ManualClock();
    before(async () => {
      database = await createTestDatabase(dialect);
    });
    after(() => database.drop());

    /**
     * A batch of letters, each applied by `apply`, which may enqueue a job for its letter (with
     * the id given, to make two items collide). Returns what it answered and what it left.
     */
    async function batch(letters: string[], apply: Apply) {
      const requestId = randomUUID();
      const kind = `test-${requestId}`;
      const order: string[] = [];
      const outcome: { failures?: string[][]; error?: unknown } = await auditedBatch(
        { db: database.db, ids: randomIds, clock },
        systemActor(requestId),
        { operation: 'TestBatch', targetType: 'Letters' },
        {
          items: letters,
          prepare: async () => undefined,
          subject: (letter) => ({ targetType: 'Letter', targetId: letter }),
          lockKey: (letter) => letter,
          async apply(tx, _context, letter) {
            order.push(letter);
            await apply(tx, letter, (t, jobId) =>
              createJobs<Record<string, unknown>>(
                jobId ? { uuid: () => jobId } : randomIds,
                clock,
                [],
              ).enqueue(t, kind, { letter }),
            );
          },
        },
      ).then(
        (failures) => ({ failures: failures.map((f) => [f.item, f.error.kind]) }),
        (error: unknown) => ({ error }),
      );
      const queued = await database.db
        .selectFrom('jobs')
        .select('payload')
        .where('kind', '=', kind)
        .execute();
      const events = await database.db
        .selectFrom('audit_events')
        .select(['target_type', 'target_id', 'outcome', 'error_code'])
        .where('request_id', '=', requestId)
        .orderBy('id')
        .execute();
      return {
        ...outcome,
        order,
        jobs: queued.map((j) => (JSON.parse(j.payload) as { letter: string }).letter).sort(),
        events: events.map((e) => [e.target_type, e.target_id, e.outcome, e.error_code]),
      };
    }

    it('commits the allowed items with their jobs, undoes a refused one alone and keeps its event', async () => {
      const result = await batch(['c', 'a', 'b'], async (tx, letter, enqueue) => {
        await enqueue(tx);
        if (letter === 'a') throw conflict('a is refused');
      });
      assert.deepEqual(result.order, ['a', 'b', 'c'], 'applied in lock-key order');
      assert.deepEqual(result.failures, [['a', 'Conflict']]);
      assert.deepEqual(result.jobs, ['b', 'c']);
      // One event per item, in the order asked, the refused one among them.
      assert.deepEqual(result.events, [
        ['Letter', 'c', 'Success', null],
        ['Letter', 'a', 'Failure', 'Conflict'],
        ['Letter', 'b', 'Success', null],
      ]);
    });

    it('keeps the batch going after a statement the database refused inside one item', async () => {
      // On PostgreSQL a failed statement dooms its transaction, unless rolled back to a savepoint.
      const jobId = randomIds.uuid();
      const result = await batch(['a', 'b', 'c'], async (tx, letter, enqueue) => {
        await enqueue(tx, letter === 'c' ? undefined : jobId).catch((error: unknown) => {
          if (isUniqueViolation(error)) throw conflict(`${letter} collides`);
          throw error;
        });
      });
      assert.deepEqual(result.failures, [['b', 'Conflict']]);
      assert.deepEqual(result.jobs, ['a', 'c']);
    });

    it('rolls back the whole batch on any other error and files it as a service failure', async () => {
      const result = await batch(['a', 'b', 'c'], async (tx, letter, enqueue) => {
        await enqueue(tx);
        if (letter === 'b') throw new Error('connection lost');
      });
      assert.match(String(result.error), /connection lost/);
      assert.deepEqual(result.order, ['a', 'b']);
      assert.deepEqual(result.jobs, []);
      assert.deepEqual(result.events, [['Letters', null, 'Failure', 'ServiceFailure']]);
    });
  });
}
