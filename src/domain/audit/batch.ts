import type { Db } from '../../store/database.js';
import { inSavepoint } from '../../store/savepoints.js';
import type { Actor } from '../access/actor.js';
import { DomainError } from '../errors.js';
import { auditedChange, type AuditSubject, type TrailDeps } from './trail.js';

/** One item a rule refused; the batch's other items still apply. */
export interface ItemFailure<I> {
  item: I;
  error: DomainError;
}

/** What a batch operation is made of; see auditedBatch. */
export interface BatchPlan<C, I> {
  items: readonly I[];
  /** checks and locks for the request as a whole (rights, the account); a throw refuses it all */
  prepare(tx: Db): Promise<C>;
  /** what the item's audit event is about */
  subject(item: I): Omit<AuditSubject, 'operation'>;
  /** the first row the item locks: items are applied in this order */
  lockKey(item: I): string;
  /** applies one item and returns its event's details; its DomainError refuses that item alone */
  apply(tx: Db, context: C, item: I): Promise<Record<string, unknown> | void>;
}

type Outcome = { details?: Record<string, unknown> | undefined } | { error: DomainError };

/**
 * Applies a batch in one transaction, each item in a savepoint. An item a rule refuses
 * (DomainError) is undone alone and reported; the others commit together, with every item's
 * audit event (refusals too) and every job they enqueued, so a crash at any moment leaves the
 * batch wholly applied or not at all. Any other error (a lost connection, a deadlock) rolls back
 * the whole batch and is thrown: the client gets a service failure, never half a batch.
 *
 * Items are applied in the order of their lock keys, so two batches over the same rows lock them
 * in the same order rather than deadlock; events are written, and failures returned, in the
 * order the items were asked for.
 */
export async function auditedBatch<C, I>(
  deps: TrailDeps,
  actor: Actor,
  subject: AuditSubject,
  plan: BatchPlan<C, I>,
): Promise<Array<ItemFailure<I>>> {
  return auditedChange(deps, actor, subject, async (tx, log) => {
    const context = await plan.prepare(tx);
    log.onlyItems();
    const outcomes: Outcome[] = [];
    for (const index of lockOrder(plan.items, plan.lockKey)) {
      try {
        const details = await inSavepoint(tx, () => plan.apply(tx, context, plan.items[index]!));
        outcomes[index] = { details: details ?? undefined };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[index] = { error };
      }
    }
    // Buffered by the log and written at the end, after every rollback to a savepoint: a refused
    // item's own event is not undone with its writes.
    const failures: Array<ItemFailure<I>> = [];
    plan.items.forEach((item, index) => {
      const outcome = outcomes[index]!;
      const about = plan.subject(item);
      if ('error' in outcome) {
        log.item(about, { code: outcome.error.kind, message: outcome.error.message });
        failures.push({ item, error: outcome.error });
      } else log.item(outcome.details ? { ...about, details: outcome.details } : about);
    });
    return failures;
  });
}

/** Item indexes ordered by lock key; items with the same key keep the order they were asked in. */
function lockOrder<I>(items: readonly I[], key: (item: I) => string): number[] {
  const keys = items.map(key);
  return keys
    .map((_, index) => index)
    .sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
}
