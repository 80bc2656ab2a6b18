import { announceEntitlementChange } from '../entitlements/announce.js';
import { signOutEverywhere } from './sessions.js';
import { updateUser as updateUserRow } from '../../store/users.js';
import type { Actor } from '../access/actor.js';
import type { DomainDeps } from '../deps.js';
import { forbidden, invalid } from '../errors.js';
import { freeNumberOfUser } from '../phone-numbers/assignment.js';
import { runUserBatch, type UserFailure } from './batch.js';
import { existingUser } from './lookups.js';
import { directoryRefusal, suspensionEffect, unsuspensionEffect } from '../accounts/account-types.js';

/** BatchSuspendUser and BatchUnsuspendUser: ending and restoring a member's access, user by user. */
export function createSuspension(deps: DomainDeps) {
  const { clock } = deps;
  const now = () => clock.now().toISOString();

  return {
    /**
     * Team accounts remove the user (they stay a free user elsewhere and come back only by a new
     * invitation); EnterpriseLWA accounts suspend them, which blocks sign-in. Either way the
     * user's sessions end now. Directory accounts suspend through the directory.
     */
    async suspendUsers(actor: Actor, accountId: string, userIds: string[]): Promise<UserFailure[]> {
      return runUserBatch(
        deps,
        actor,
        'BatchSuspendUser',
        accountId,
        userIds,
        'users',
        () => undefined,
        async (tx, account, userId) => {
          const user = await existingUser(tx, accountId, userId);
          const at = now();
          // Refused user by user (each in UserErrors), as the batch has always answered.
          if (suspensionEffect(account.type) === 'refuse')
            throw forbidden(directoryRefusal(account, 'suspend'));
          if (user.registrationStatus === 'Suspended') return { effect: 'already suspended' };
          // Neither a removed nor a suspended user keeps a phone number.
          const freedNumber = await freeNumberOfUser(tx, user, at);
          if (suspensionEffect(account.type) === 'remove') {
            await signOutEverywhere(tx, user, at);
            await updateUserRow(tx, accountId, userId, { removedAt: at, updatedAt: at });
            await announceEntitlementChange(tx, deps, user, 'removed');
            return { effect: 'removed', ...(freedNumber && { freedNumber }) };
          }
          await signOutEverywhere(tx, user, at);
          await updateUserRow(tx, accountId, userId, { registrationStatus: 'Suspended', updatedAt: at });
          await announceEntitlementChange(tx, deps, user, 'suspended');
          return { effect: 'suspended', ...(freedNumber && { freedNumber }) };
        },
      );
    },

    /** EnterpriseLWA only; users who are not suspended are left as they are. */
    async unsuspendUsers(actor: Actor, accountId: string, userIds: string[]): Promise<UserFailure[]> {
      return runUserBatch(
        deps,
        actor,
        'BatchUnsuspendUser',
        accountId,
        userIds,
        'users',
        (account) => {
          const effect = unsuspensionEffect(account.type);
          // BadRequest, as BatchUnsuspendUser has always answered outside EnterpriseLWA accounts.
          if (effect === 'refuse') throw invalid(directoryRefusal(account, 'unsuspend'));
          if (effect === 'not-applicable')
            throw invalid(
              `BatchUnsuspendUser is for EnterpriseLWA accounts; account ${accountId} is ${account.type}`,
            );
        },
        async (tx, _account, userId) => {
          const user = await existingUser(tx, accountId, userId);
          if (user.registrationStatus !== 'Suspended') return { effect: 'not suspended' };
          await updateUserRow(tx, accountId, userId, { registrationStatus: 'Registered', updatedAt: now() });
          await announceEntitlementChange(tx, deps, user, 'unsuspended');
          return { effect: 'unsuspended' };
        },
      );
    },
  };
}
