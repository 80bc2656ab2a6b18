import type { JobHandler } from '../../jobs/queue.js';
import { defineJob } from '../../jobs/kinds.js';
import {
  claimNumberForRelease,
  deletePhoneNumberRow,
  findPhoneNumber,
  updatePhoneNumber,
} from '../../store/phone-numbers.js';
import type { Db } from '../../store/database.js';
import { findPhoneOrder, updatePhoneOrder, type OrderStatus } from '../../store/phone-orders.js';
import { systemActor } from '../access/actor.js';
import { auditedChange } from '../audit/trail.js';
import type { Carrier } from './carrier.js';
import { APPLY_CALLING_NAME_JOB, PROCESS_ORDER_JOB, RELEASE_NUMBER_JOB, type PhoneDeps } from './deps.js';

/**
 * Background work of the phone inventory. Each handler checks the state it expects first, so a
 * job that runs twice (after a crash) or late (after a restore) changes nothing it should not.
 */
export function phoneNumberJobs(deps: PhoneDeps): JobHandler[] {
  const now = () => deps.clock.now().toISOString();
  return [
    defineJob({
      kind: PROCESS_ORDER_JOB,
      async run(job) {
        const { orderId } = job.payload;
        const order = await findPhoneOrder(deps.db, orderId);
        if (!order || order.status !== 'Processing') return;
        // The carrier is asked outside any transaction; what it answers is then applied atomically.
        const results = await deps.carrier.acquire(order.numbers.map((n) => n.e164));
        await completeOrder(job.id, orderId, results);
      },
      /** The carrier never answered: every number of the order failed, and the operator sees why. */
      async onGiveUp(job, error) {
        const { orderId } = job.payload;
        const order = await findPhoneOrder(deps.db, orderId);
        if (!order || order.status !== 'Processing') return;
        const reason = `The carrier did not answer: ${describe(error)}`.slice(0, 500);
        await completeOrder(
          job.id,
          orderId,
          order.numbers.map((n) => ({ e164: n.e164, acquired: false, reason })),
        );
      },
    }),
    defineJob({
      kind: RELEASE_NUMBER_JOB,
      async run(job) {
        const { e164 } = job.payload;
        // Claimed first: once out of the deletion queue a restore is refused, so the carrier
        // never takes back a number the operator was told is restored. A number restored (and
        // perhaps deleted again, with a later release date) is not claimed and is left alone.
        if (!(await claimNumberForRelease(deps.db, e164, now()))) return;
        const number = await findPhoneNumber(deps.db, e164);
        if (number?.source === 'order') await deps.carrier.release(e164);
        await auditedChange(
          deps,
          systemActor(`job-${job.id}`),
          { operation: 'ReleasePhoneNumber', targetType: 'PhoneNumber', targetId: e164 },
          (tx) => deletePhoneNumberRow(tx, e164),
        );
      },
      async onGiveUp(job, error) {
        const { e164 } = job.payload;
        await failInTrail(job.id, 'FailPhoneNumberRelease', e164, error, (tx, at) =>
          updatePhoneNumber(tx, e164, { status: 'ReleaseFailed', updatedAt: at }, ['ReleaseInProgress']),
        );
      },
    }),
    defineJob({
      // The simulated network takes the new name at once; a real carrier's CNAM update would be
      // polled here until it reports success or failure.
      kind: APPLY_CALLING_NAME_JOB,
      async run(job) {
        const { e164 } = job.payload;
        const pending = await findPhoneNumber(deps.db, e164);
        if (!pending || pending.callingNameStatus !== 'UpdateInProgress') return;
        await auditedChange(
          deps,
          systemActor(`job-${job.id}`),
          { operation: 'ApplyCallingName', targetType: 'PhoneNumber', targetId: e164 },
          async (tx, log) => {
            // Read again in the change: a second run (or a newer update) may have got here first.
            const number = await findPhoneNumber(tx, e164);
            if (number?.callingNameStatus !== 'UpdateInProgress') return log.onlyItems();
            await updatePhoneNumber(tx, e164, { callingNameStatus: 'UpdateSucceeded', updatedAt: now() });
            log.describe({ callingName: number.callingName ?? null, status: 'UpdateSucceeded' });
          },
        );
      },
      /** UpdateFailed, so the next UpdatePhoneNumber is not refused as "still being updated". */
      async onGiveUp(job, error) {
        const { e164 } = job.payload;
        await failInTrail(job.id, 'FailCallingName', e164, error, async (tx, at) => {
          const number = await findPhoneNumber(tx, e164);
          if (number?.callingNameStatus !== 'UpdateInProgress') return;
          await updatePhoneNumber(tx, e164, { callingNameStatus: 'UpdateFailed', updatedAt: at });
        });
      },
    }),
  ];

  /** Applies what the carrier answered for an order's numbers, in one audited change. */
  async function completeOrder(
    jobId: string,
    orderId: string,
    results: Awaited<ReturnType<Carrier['acquire']>>,
  ): Promise<void> {
    const acquired = results.filter((r) => r.acquired).length;
    const status: OrderStatus =
      acquired === results.length ? 'Successful' : acquired === 0 ? 'Failed' : 'Partial';
    await auditedChange(
      deps,
      systemActor(`job-${jobId}`),
      {
        operation: 'CompletePhoneNumberOrder',
        targetType: 'PhoneNumberOrder',
        targetId: orderId,
        details: { status },
      },
      async (tx, log) => {
        const at = now();
        for (const r of results) {
          const numberStatus = r.acquired ? 'Unassigned' : 'AcquireFailed';
          await updatePhoneNumber(tx, r.e164, { status: numberStatus, updatedAt: at }, ['AcquireInProgress']);
          log.item({
            targetType: 'PhoneNumber',
            targetId: r.e164,
            details: { orderId, status: numberStatus, ...(r.reason && { reason: r.reason }) },
          });
        }
        await updatePhoneOrder(
          tx,
          orderId,
          status,
          results.map((r) => ({
            e164: r.e164,
            status: r.acquired ? 'Acquired' : 'Failed',
            reason: r.reason,
          })),
          at,
        );
      },
    );
  }

  /** Records a give-up in the trail (the operation names it, the details carry the last error), with its change of the number. */
  async function failInTrail(
    jobId: string,
    operation: string,
    e164: string,
    error: unknown,
    change: (tx: Db, at: string) => Promise<unknown>,
  ): Promise<void> {
    const details = { error: describe(error).slice(0, 500) };
    await auditedChange(
      deps,
      systemActor(`job-${jobId}`),
      { operation, targetType: 'PhoneNumber', targetId: e164, details },
      async (tx) => void (await change(tx, now())),
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
