import type { JobHandler } from '../../jobs/queue.js';
import { defineJob } from '../../jobs/kinds.js';
import { findAccountById } from '../../store/accounts.js';
import { findDomainById } from '../../store/domains.js';
import { systemActor } from '../access/actor.js';
import { auditedChange } from '../audit/trail.js';
import { activeAccount } from '../users/lookups.js';
import { applyCheck, scheduleNextCheck } from './checks.js';
import { CHECK_DOMAIN_JOB, type DomainsDeps } from './deps.js';

/**
 * The periodic check of one claim. Only the check the claim expects (`due` equal to its
 * `next_check_at`) does anything, so a job run twice, or one left over from a released claim,
 * is harmless. Each run queues the next one, a deleted account's too. A check that changes
 * nothing is not audited (a pending claim is checked many times); one that verifies, fails, or
 * finds the record gone is.
 */
export function checkDomainJob(deps: DomainsDeps): JobHandler {
  return defineJob({
    kind: CHECK_DOMAIN_JOB,
    async run(job) {
      const { domainId, due } = job.payload;
      const domain = await findDomainById(deps.db, domainId);
      if (domain?.nextCheckAt !== due) return;
      // A deleted account's claims wait, unchecked, for its restore (checks resume) or purge.
      if ((await findAccountById(deps.db, domain.accountId))?.status !== 'Active')
        return deps.db.transaction().execute(async (tx) => {
          const current = await findDomainById(tx, domainId);
          if (current?.nextCheckAt === due) await scheduleNextCheck(tx, deps, current, { deferred: true });
        });
      const answer = await deps.lookupTxt(domain.txtRecordName, domain.txtRecordValue);
      const subject = {
        operation: 'CheckAccountDomain',
        accountId: domain.accountId,
        targetType: 'Domain',
        targetId: domain.domainName,
      };
      await auditedChange(deps, systemActor(`job-${job.id}`), subject, async (tx, log) => {
        const account = await activeAccount(deps, tx, domain.accountId);
        const current = await findDomainById(tx, domainId);
        if (current?.nextCheckAt !== due) return log.onlyItems();
        const result = await applyCheck(tx, deps, account, current, answer, log);
        await scheduleNextCheck(tx, deps, result.domain);
        if (result.event === undefined) return log.onlyItems();
        log.describe({
          event: result.event,
          status: result.domain.status,
          result: result.domain.lastCheckResult,
        });
      });
    },
  });
}
