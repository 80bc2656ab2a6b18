import { findAccountById } from '../../store/accounts.js';
import { listAuditEvents as listAuditRows, type AuditEventRecord } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { decodePageToken, encodePageToken } from '../../lib/paging.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { invalid, notFound } from '../errors.js';
import type { Page } from '../accounts/service.js';

export type { AuditEventRecord };

export interface AuditQuery {
  userId?: string | undefined;
  operation?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  maxResults: number;
  nextToken?: string | undefined;
}

/** An account's audit trail, newest first; readable by any policy that may read the account. */
export async function listAuditEvents(
  db: Db,
  actor: Actor,
  accountId: string,
  query: AuditQuery,
): Promise<Page<AuditEventRecord>> {
  authorize(actor, 'read', accountId);
  if (query.from && query.to && query.from > query.to) throw invalid('StartTime must not be after EndTime');
  // The trail outlives a purged account, but an id that never existed is still an error.
  const hasEvents = (await listAuditRows(db, { accountId, limit: 1 })).length > 0;
  if (!hasEvents && !(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
  const scope = JSON.stringify([
    'audit',
    accountId,
    query.userId ?? null,
    query.operation ?? null,
    query.from?.toISOString() ?? null,
    query.to?.toISOString() ?? null,
  ]);
  const beforeId = query.nextToken === undefined ? undefined : decodePageToken(query.nextToken, scope);
  if (query.nextToken !== undefined && beforeId === undefined)
    throw invalid('NextToken is not valid for this query');
  const rows = await listAuditRows(db, {
    accountId,
    userId: query.userId,
    operation: query.operation,
    from: query.from?.toISOString(),
    to: query.to?.toISOString(),
    beforeId,
    limit: query.maxResults + 1,
  });
  const items = rows.slice(0, query.maxResults);
  const nextToken =
    rows.length > query.maxResults
      ? encodePageToken({ after: items[items.length - 1]!.id, scope })
      : undefined;
  return { items, nextToken };
}
