import { isDirectoryAccount } from '../accounts/account-types.js';
import { announceEntitlementChange } from '../entitlements/announce.js';
import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import {
  deleteDomain,
  listDomainsOfAccount,
  listMemberIdsOnDomain,
  type DomainRecord,
} from '../../store/domains.js';
import { findUserById, updateUser, type RegistrationStatus, type UserRecord } from '../../store/users.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { preconditionFailed } from '../errors.js';
import { freeNumberOfUser } from '../phone-numbers/assignment.js';
import { signOutEverywhere } from '../users/sessions.js';
import { activeAccount } from '../users/lookups.js';
import { isHeld } from './checks.js';
import type { DomainsDeps } from './deps.js';
import { existingDomain } from './lookups.js';

/**
 * What releasing does to one member whose address is on the domain: `Released` (leaves the
 * account, free user again), `StaysSuspended`, or `Removed` (directory accounts, DESIGN §4).
 */
export type ReleaseOutcome = 'Released' | 'StaysSuspended' | 'Removed';

export interface ReleaseEffect {
  userId: string;
  email: string;
  registrationStatus: RegistrationStatus;
  outcome: ReleaseOutcome;
}

/**
 * Who the release changes. Only a held domain let anyone in, so releasing a pending or failed
 * claim changes no one; pending invitees (never signed up) are left as they are.
 */
async function planRelease(tx: Db, account: AccountRecord, domain: DomainRecord): Promise<ReleaseEffect[]> {
  if (!isHeld(domain)) return [];
  if (isDirectoryAccount(account.type)) {
    const held = (await listDomainsOfAccount(tx, account.id)).filter(isHeld);
    if (held.length === 1)
      throw preconditionFailed(
        `${domain.domainName} is the last verified domain of ${account.type} account ${account.id}, and directory sign-in depends on it; disconnect the directory first`,
      );
  }
  const effects: ReleaseEffect[] = [];
  for (const id of await listMemberIdsOnDomain(tx, account.id, domain.domainName)) {
    const user = (await findUserById(tx, account.id, id))!;
    const outcome = outcomeFor(account, user);
    if (outcome)
      effects.push({
        userId: user.id,
        email: user.email!,
        registrationStatus: user.registrationStatus,
        outcome,
      });
  }
  return effects;
}

function outcomeFor(account: AccountRecord, user: UserRecord): ReleaseOutcome | undefined {
  if (user.registrationStatus !== 'Registered' && user.registrationStatus !== 'Suspended') return undefined;
  if (isDirectoryAccount(account.type)) return 'Removed';
  return user.registrationStatus === 'Registered' ? 'Released' : 'StaysSuspended';
}

/** Applies one effect: everyone affected is signed out at once, whatever else happens to them. */
async function applyEffect(tx: Db, deps: DomainsDeps, user: UserRecord, effect: ReleaseEffect, at: string) {
  await signOutEverywhere(tx, user, at);
  if (effect.outcome === 'StaysSuspended') return;
  await freeNumberOfUser(tx, user, at);
  if (effect.outcome === 'Removed')
    await updateUser(tx, user.accountId, user.id, { removedAt: at, updatedAt: at });
  // Released members leave: no longer listed, their address free for another account.
  else
    await updateUser(tx, user.accountId, user.id, {
      registrationStatus: 'Released',
      removedAt: at,
      updatedAt: at,
    });
  await announceEntitlementChange(tx, deps, user, effect.outcome === 'Removed' ? 'removed' : 'released');
}

export function createDomainRelease(deps: DomainsDeps) {
  const { db, clock } = deps;

  return {
    /** What releasing the domain would do now, user by user; changes nothing. */
    async previewRelease(actor: Actor, accountId: string, name: string) {
      authorize(actor, 'read', accountId);
      const account = await activeAccount(deps, db, accountId);
      const domain = await existingDomain(db, accountId, name);
      return { domain, effects: await planRelease(db, account, domain) };
    },

    /**
     * Releases the claim: the preview's effects are applied in one transaction, each audited,
     * and the claim is gone (its periodic checks find nothing and stop). The account keeps its
     * type: an EnterpriseLWA account without domains stays one, as in Chime.
     */
    async releaseDomain(actor: Actor, accountId: string, name: string) {
      const subject = { operation: 'ReleaseAccountDomain', accountId, targetType: 'Domain', targetId: name };
      return auditedChange(deps, actor, subject, async (tx, log) => {
        authorize(actor, 'accounts', accountId);
        const account = await activeAccount(deps, tx, accountId);
        const domain = await existingDomain(tx, accountId, name, deps.dialect);
        const effects = await planRelease(tx, account, domain);
        const at = clock.now().toISOString();
        for (const effect of effects) {
          await applyEffect(tx, deps, (await findUserById(tx, accountId, effect.userId))!, effect, at);
          log.item({
            targetType: 'User',
            targetId: effect.userId,
            userId: effect.userId,
            details: { email: effect.email, outcome: effect.outcome },
          });
        }
        await deleteDomain(tx, domain.id);
        log.target({ accountId, targetId: domain.domainName });
        log.describe({ domainName: domain.domainName, status: domain.status, affectedUsers: effects.length });
        return { domain, effects };
      });
    },
  };
}
