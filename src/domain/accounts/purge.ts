import { deleteAccountRow, findAccountById, lockAccountById } from '../../store/accounts.js';
import type { JobHandler } from '../../jobs/queue.js';
import { defineJob } from '../../jobs/kinds.js';
import { systemActor } from '../access/actor.js';
import { auditedChange } from '../audit/trail.js';
import { freeNumbersOfAccount } from '../phone-numbers/assignment.js';
import type { DomainDeps } from '../deps.js';
import { PURGE_ACCOUNT_JOB } from './service.js';

/**
 * Purges a deleted account once its retention period is over. A restored account, or one whose
 * purge date moved, is left alone, so the job is safe to run early, late or twice. Any phone
 * number still associated with the account or its users goes back to the inventory first.
 */
export function purgeAccountJob(deps: DomainDeps): JobHandler {
  return defineJob({
    kind: PURGE_ACCOUNT_JOB,
    async run(job) {
      const { accountId } = job.payload;
      const account = await findAccountById(deps.db, accountId);
      if (!account || account.status !== 'Suspended' || !account.purgeAfter) return;
      if (account.purgeAfter > deps.clock.now().toISOString()) return;
      await auditedChange(
        deps,
        systemActor(`job-${job.id}`),
        {
          operation: 'PurgeAccount',
          accountId,
          targetType: 'Account',
          targetId: accountId,
          details: { name: account.name },
        },
        async (tx, log) => {
          // Re-checked under the row lock: a restore that committed meanwhile wins, and then
          // nothing happened, so nothing is recorded.
          const locked = await lockAccountById(tx, accountId, deps.dialect);
          const due = locked?.status === 'Suspended' && locked.purgeAfter !== undefined;
          if (!due || locked.purgeAfter! > deps.clock.now().toISOString()) return log.onlyItems();
          // Defensive: DeleteAccount freed the numbers, but one may still point here (an account
          // deleted before it did). The inventory outlives the account; a link to it must not.
          await freeNumbersOfAccount(tx, accountId, deps.clock.now().toISOString(), log);
          await deleteAccountRow(tx, accountId);
        },
      );
    },
  });
}
