import type { Db } from './database.js';
import type { AuditEventsTable } from './schema.js';

export type AuditOutcome = 'Success' | 'Failure';

export interface AuditEventRecord {
  id: string;
  accountId: string | undefined;
  principalId: string | undefined;
  principal: string;
  operation: string;
  targetType: string | undefined;
  targetId: string | undefined;
  userId: string | undefined;
  requestId: string;
  sourceIp: string | undefined;
  outcome: AuditOutcome;
  errorCode: string | undefined;
  details: Record<string, unknown> | undefined;
  occurredAt: string;
}

export async function insertAuditEvents(db: Db, events: AuditEventRecord[]): Promise<void> {
  // in chunks: a directory run records one event per user, beyond the bound-parameter limits
  for (let i = 0; i < events.length; i += AUDIT_CHUNK)
    await insertAuditChunk(db, events.slice(i, i + AUDIT_CHUNK));
}

const AUDIT_CHUNK = 1000;

async function insertAuditChunk(db: Db, events: AuditEventRecord[]): Promise<void> {
  await db
    .insertInto('audit_events')
    .values(
      events.map((e) => ({
        id: e.id,
        account_id: e.accountId ?? null,
        principal_id: e.principalId ?? null,
        principal: e.principal,
        operation: e.operation,
        target_type: e.targetType ?? null,
        target_id: e.targetId ?? null,
        user_id: e.userId ?? null,
        request_id: e.requestId,
        source_ip: e.sourceIp ?? null,
        outcome: e.outcome,
        error_code: e.errorCode ?? null,
        details: e.details === undefined ? null : JSON.stringify(e.details),
        occurred_at: e.occurredAt,
      })),
    )
    .execute();
}

export interface AuditFilter {
  /** null: the installation's own events (phone inventory, keys, global settings); undefined: every event */
  accountId: string | null | undefined;
  userId?: string | undefined;
  /** who acted, as the trail names them (`console/<email>`, an access key's name…) */
  principal?: string | undefined;
  operation?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** newest first: the page continues below this id */
  beforeId?: string | undefined;
  limit: number;
}

/** A page of an account's events, newest first (ids are time-ordered UUIDv7). */
export async function listAuditEvents(db: Db, filter: AuditFilter): Promise<AuditEventRecord[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.accountId === null) query = query.where('account_id', 'is', null);
  else if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
  if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
  if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('occurred_at', '<', filter.to);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toRecord);
}

function toRecord(row: AuditEventsTable): AuditEventRecord {
  return {
    id: row.id,
    accountId: row.account_id ?? undefined,
    principalId: row.principal_id ?? undefined,
    principal: row.principal,
    operation: row.operation,
    targetType: row.target_type ?? undefined,
    targetId: row.target_id ?? undefined,
    userId: row.user_id ?? undefined,
    requestId: row.request_id,
    sourceIp: row.source_ip ?? undefined,
    outcome: row.outcome as AuditOutcome,
    errorCode: row.error_code ?? undefined,
    details: row.details === null ? undefined : (JSON.parse(row.details) as Record<string, unknown>),
    occurredAt: row.occurred_at,
  };
}
