import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { activeAccount } from './lookups.js';

/** One user's failure inside a batch; the rest of the batch still applies. */
export interface UserFailure {
  userId: string;
  kind: DomainError['kind'];
  message: string;
}

/**
 * Runs `each` for every distinct id in its own savepoint-free unit: a failure is reported for
 * that user and the others still apply. Every user gets an audit item.
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
  // The request as a whole (permission, account) is checked in its own audited change.
  await auditedChange(
    deps,
    actor,
    { operation, accountId, targetType: 'Account', targetId: accountId },
    async (tx, log) => {
      authorize(actor, permission, accountId);
      check(await activeAccount(deps, tx, accountId));
      log.onlyItems();
    },
  );
  const failures: UserFailure[] = [];
  for (const userId of [...new Set(userIds)]) {
    try {
      await auditedChange(
        deps,
        actor,
        { operation, accountId, targetType: 'User', targetId: userId, userId },
        async (tx, log) => {
          const account = await activeAccount(deps, tx, accountId);
          const details = await each(tx, account, userId);
          if (details) log.describe(details);
        },
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      failures.push({ userId, kind: error.kind, message: error.message });
    }
  }
  return failures;
}
