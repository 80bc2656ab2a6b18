import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedBatch } from '../audit/batch.js';
import type { DomainDeps } from '../deps.js';
import type { DomainError } from '../errors.js';
import { activeAccount } from './lookups.js';

/** One user's failure inside a batch; the rest of the batch still applies. */
export interface UserFailure {
  userId: string;
  kind: DomainError['kind'];
  message: string;
}

/**
 * Runs `each` for every distinct id, all in one transaction (auditedBatch): a failure is
 * reported for that user and the others apply together. The account is checked and locked once,
 * for the whole batch; every user gets an audit item.
 */
export async function runUserBatch(
  deps: DomainDeps,
  actor: Actor,
  operation: string,
  accountId: string,
  userIds: string[],
  permission: 'users',
  check: (account: AccountRecord) => void,
  each: (tx: Db, account: AccountRecord, userId: string) => Promise<Record<string, unknown> | undefined>,
): Promise<UserFailure[]> {
  const failures = await auditedBatch(
    deps,
    actor,
    { operation, accountId, targetType: 'Account', targetId: accountId },
    {
      items: [...new Set(userIds)],
      async prepare(tx) {
        authorize(actor, permission, accountId);
        const account = await activeAccount(deps, tx, accountId);
        check(account);
        return account;
      },
      subject: (userId) => ({ accountId, targetType: 'User', targetId: userId, userId }),
      lockKey: (userId) => userId,
      apply: each,
    },
  );
  return failures.map(({ item, error }) => ({ userId: item, kind: error.kind, message: error.message }));
}
