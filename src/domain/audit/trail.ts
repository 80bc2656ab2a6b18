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
  const at = () => deps.clock.now().toISOString();
  const event = (
    s: AuditSubject,
    outcome: 'Success' | 'Failure',
    errorCode?: string,
    extra?: Record<string, unknown>,
  ): AuditEventRecord => ({
    id: deps.ids.uuid(),
    accountId: s.accountId,
    principalId: actor.principalId,
    principal: actor.label,
    operation: s.operation,
    targetType: s.targetType,
    targetId: s.targetId,
    userId: s.userId,
    requestId: actor.requestId,
    sourceIp: actor.sourceIp,
    outcome,
    errorCode,
    details: s.details || extra ? { ...s.details, ...extra } : undefined,
    occurredAt: at(),
  });

  try {
    return await deps.db.transaction().execute(async (tx) => {
      let details = subject.details;
      let own = true;
      const items: AuditEventRecord[] = [];
      const log: AuditLog = {
        describe: (d) => (details = d),
        onlyItems: () => (own = false),
        item: (s, failure) =>
          items.push(
            event(
              { accountId: subject.accountId, ...s, operation: subject.operation },
              failure ? 'Failure' : 'Success',
              failure?.code,
              failure ? { message: failure.message } : undefined,
            ),
          ),
      };
      const result = await change(tx, log);
      await insertAuditEvents(tx, [...(own ? [event({ ...subject, details }, 'Success')] : []), ...items]);
      return result;
    });
  } catch (error) {
    const code = error instanceof DomainError ? error.kind : 'ServiceFailure';
    const message = error instanceof DomainError ? error.message : 'internal error';
    await insertAuditEvents(deps.db, [event(subject, 'Failure', code, { message })]).catch(() => undefined);
    throw error;
  }
}
