import { findAccountById } from '../../store/accounts.js';
import { listAuditEvents as listAuditRows, type AuditEventRecord } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { keysetPage, type Page } from '../paging.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { invalid, notFound } from '../errors.js';

export type { AuditEventRecord };

export interface AuditQuery {
  userId?: string | undefined;
  /** who acted, exactly as the events' Principal names them */
  principal?: string | undefined;
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
  // The trail outlives a purged account, but an id that never existed is still an error.
  const hasEvents = (await listAuditRows(db, { accountId, limit: 1 })).length > 0;
  if (!hasEvents && !(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
  return pageOfEvents(db, accountId, query);
}

/**
 * The installation's own trail: changes that belong to no account (the phone-number inventory and
 * orders, access keys, global settings, jobs), or with `allAccounts` every event of every account
 * besides. Readable by any principal not limited to an account.
 */
export async function listInstallationAuditEvents(
  db: Db,
  actor: Actor,
  query: AuditQuery & { allAccounts?: boolean },
): Promise<Page<AuditEventRecord>> {
  authorize(actor, 'read');
  return pageOfEvents(db, query.allAccounts ? 'all' : null, query);
}

/** `null`: the installation's own events; `'all'`: every event, whatever its account. */
async function pageOfEvents(
  db: Db,
  accountId: string | null | 'all',
  query: AuditQuery,
): Promise<Page<AuditEventRecord>> {
  if (query.from && query.to && query.from > query.to) throw invalid('StartTime must not be after EndTime');
  const scope = [
    'audit',
    // A token of one scope is no token of another ('*' is no account id: those are UUIDs).
    accountId === 'all' ? '*' : accountId,
    query.userId ?? null,
    query.operation ?? null,
    query.from?.toISOString() ?? null,
    query.to?.toISOString() ?? null,
  ];
  // Added last, and only when given, so tokens issued before the filter existed stay valid.
  if (query.principal !== undefined) scope.push(query.principal);
  return keysetPage({ scope, ...query }, (beforeId, limit) =>
    listAuditRows(db, {
      accountId: accountId === 'all' ? undefined : accountId,
      userId: query.userId,
      principal: query.principal,
      operation: query.operation,
      from: query.from?.toISOString(),
      to: query.to?.toISOString(),
      beforeId,
      limit,
    }),
  );
}
