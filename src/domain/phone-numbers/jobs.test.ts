import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestDatabase,
  dialects,
  skipReason,
  type TestDatabase,
} from '../../../test/helpers/databases.js';
import { retryDelayMs, startWorker } from '../../jobs/queue.js';
import { ManualClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import { createSecretBox } from '../../lib/secret-box.js';
import { createServices, type Services } from '../../services.js';
import { findPhoneNumber } from '../../store/phone-numbers.js';
import { systemActor } from '../access/actor.js';
import { createSimulatedCarrier } from './simulated-carrier.js';

const quiet = { error: () => undefined, warn: () => undefined };

for (const dialect of dialects) {
  const skip = await skipReason(dialect);
  describe(`phone-number jobs that give up [${dialect}]`, { skip: skip ?? false }, () => {
    let database: TestDatabase;
    let services: Services;
    const clock = new ManualClock();
    before(async () => {
      database = await createTestDatabase(dialect);
      // A carrier that never answers an order.
      const carrier = {
        ...createSimulatedCarrier(),
        acquire: () => Promise.reject(new Error('carrier unreachable')),
      };
      services = await createServices({
        db: database.db,
        dialect,
        clock,
        ids: randomIds,
        secrets: createSecretBox(Buffer.alloc(32, 5)),
        config: { accountRetentionDays: 90, publicUrl: 'https://belfry.test', invitationTtlDays: 14 },
        mailer: { send: async () => undefined },
        carrier,
      });
    });
    after(() => database.drop());

    it('fails an order the carrier never answered: its numbers AcquireFailed, the reason given, audited', async () => {
      const worker = startWorker({
        ...services,
        handlers: services.jobHandlers,
        workerId: 'w',
        pollMs: 3_600_000,
        log: quiet,
      });
      const e164 = '+12065550142';
      const order = await services.phoneOrders.createPhoneNumberOrder(systemActor('test'), {
        productType: 'BusinessCalling',
        numbers: [e164],
      });
      for (let attempt = 1; attempt <= 8; attempt++) {
        assert.equal(await worker.drain(), 1, `attempt ${attempt}`);
        clock.advance(retryDelayMs(attempt));
      }
      const ended = await services.phoneOrders.getPhoneNumberOrder(systemActor('test'), order.id);
      assert.equal(ended.status, 'Failed');
      assert.match(ended.numbers[0]!.reason ?? '', /The carrier did not answer: carrier unreachable/);
      assert.equal((await findPhoneNumber(services.db, e164))?.status, 'AcquireFailed');
      const events = await services.db
        .selectFrom('audit_events')
        .select(['operation', 'target_id'])
        .where('operation', '=', 'CompletePhoneNumberOrder')
        .where('target_id', '=', order.id)
        .execute();
      assert.equal(events.length, 1);
      assert.equal(await worker.drain(), 0);
      await worker.stop();
    });
  });
}
