import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { Db } from '../../store/database.js';
import { insertAuditEvents, type AuditEventRecord } from '../../store/audit.js';
import { DomainError } from '../errors.js';
import type { Actor } from '../access/actor.js';

/** What a change is about; the first event of every change names it. */
export interface AuditSubject {
  operation: string;
  accountId?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  userId?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** Collects the events of one change; written in the change's transaction. */
export interface AuditLog {
  /** replaces the details of the change's own event */
  describe(details: Record<string, unknown>): void;
  /** names what the change created, once it has an id (the account of CreateAccount, the user of CreateUser) */
  target(target: Pick<AuditSubject, 'accountId' | 'targetId' | 'userId'>): void;
  /** adds an event for one item of a batch (a user, a number), success or failure */
  item(subject: Omit<AuditSubject, 'operation'>, failure?: { code: string; message: string }): void;
  /** skips the change's own event (batches that record one event per item) */
  onlyItems(): void;
}

export interface TrailDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
}

/**
 * Runs a change in one transaction together with its audit events. When the change fails, the
 * transaction rolls back and a failure event is written on its own, so refused and failed
 * attempts are in the trail too.
 */
export async function auditedChange<T>(
  deps: TrailDeps,
  actor: Actor,
  subject: AuditSubject,
  change: (tx: Db, log: AuditLog) => Promise<T>,
): Promise<T> {
  const event = (s: AuditSubject, failure?: { code: string; message: string }) =>
    buildEvent(deps, actor, s, failure);
  try {
    return await deps.db.transaction().execute(async (tx) => {
      let details = subject.details;
      let target: Partial<AuditSubject> = {};
      let own = true;
      const items: AuditEventRecord[] = [];
      const log: AuditLog = {
        describe: (d) => (details = d),
        target: (t) => (target = t),
        onlyItems: () => (own = false),
        item: (s, failure) =>
          items.push(event({ accountId: subject.accountId, ...s, operation: subject.operation }, failure)),
      };
      const result = await change(tx, log);
      await insertAuditEvents(tx, [...(own ? [event({ ...subject, ...target, details })] : []), ...items]);
      return result;
    });
  } catch (error) {
    await recordRefusal(deps, actor, subject, error);
    throw error;
  }
}

/**
 * Records a change that did not happen: refused by a rule, by the actor's rights, or (from the
 * protocol adapters) by input validation before any rule ran. Never throws: a trail that cannot
 * be written must not hide the original error.
 */
export async function recordRefusal(
  deps: TrailDeps,
  actor: Actor,
  subject: AuditSubject,
  error: unknown,
): Promise<void> {
  const failure =
    error instanceof DomainError
      ? { code: error.kind, message: error.message }
      : { code: 'ServiceFailure', message: 'internal error' };
  // A key limited to one account files its refused attempts there, never in another account's trail
  // (which it could otherwise fill with events of its choosing).
  const filed =
    actor.accountScope !== undefined && subject.accountId !== actor.accountScope
      ? {
          ...subject,
          accountId: actor.accountScope,
          details: { ...subject.details, attemptedAccountId: subject.accountId },
        }
      : subject;
  await insertAuditEvents(deps.db, [buildEvent(deps, actor, filed, failure)]).catch(() => undefined);
}

/** One event: a success, or a failure with its code (the error kind) and message in the details. */
function buildEvent(
  deps: TrailDeps,
  actor: Actor,
  subject: AuditSubject,
  failure?: { code: string; message: string },
): AuditEventRecord {
  return {
    id: deps.ids.uuid(),
    accountId: subject.accountId,
    principalId: actor.principalId,
    principal: actor.label,
    operation: subject.operation,
    targetType: subject.targetType,
    targetId: subject.targetId,
    userId: subject.userId,
    requestId: actor.requestId,
    sourceIp: actor.sourceIp,
    outcome: failure ? 'Failure' : 'Success',
    errorCode: failure?.code,
    details:
      subject.details || failure
        ? { ...subject.details, ...(failure && { message: failure.message }) }
        : undefined,
    occurredAt: deps.clock.now().toISOString(),
  };
}
