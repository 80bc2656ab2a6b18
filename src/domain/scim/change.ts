import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { authorize } from '../access/policies.js';
import { auditedChange, type AuditLog } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { activeAccount } from '../users/lookups.js';
import type { ScimCaller } from './tokens.js';

/**
 * One SCIM request's change: a transaction holding the account (changes of one account follow
 * each other), audited with the token as actor, the resource and its Belfry effects together.
 */
export function scimChange<T>(
  deps: DomainDeps,
  caller: ScimCaller,
  subject: { operation: string; targetType: 'ScimUser' | 'ScimGroup'; targetId: string | undefined },
  body: (tx: Db, account: AccountRecord, log: AuditLog) => Promise<T>,
): Promise<T> {
  return auditedChange(deps, caller.actor, { ...subject, accountId: caller.accountId }, async (tx, log) => {
    authorize(caller.actor, 'users', caller.accountId);
    return body(tx, await activeAccount(deps, tx, caller.accountId), log);
  });
}
