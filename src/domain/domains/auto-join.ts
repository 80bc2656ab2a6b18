import { isEnterpriseAccount } from '../accounts/account-types.js';
import { announceEntitlementChange } from '../entitlements/announce.js';
import { findAccountById } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { isUniqueViolation } from '../../store/database.js';
import { findHeldDomain } from '../../store/domains.js';
import { updateIdentity, type IdentityRecord } from '../../store/identities.js';
import { supersedePendingInvites } from '../../store/invites.js';
import { findUserByEmail, findUserById, insertUser, updateUser, type UserRecord } from '../../store/users.js';
import { findMembership } from '../../store/memberships.js';
import type { Actor } from '../access/actor.js';
import { auditedChange, type AuditLog } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { freeNumberOfUser } from '../phone-numbers/assignment.js';
import { activeAccount } from '../users/lookups.js';
import { newMember } from '../users/rules.js';
import { signOutEverywhere } from '../users/sessions.js';
import { domainOfEmail } from './names.js';

/**
 * Enterprise auto-join (DESIGN §3): a person whose confirmed address is on a domain an account
 * holds becomes a Registered member of that account, on its DefaultLicense, when they sign in
 * (or confirm their address). Decided for people who are already members elsewhere:
 * - of a Team account: the verified domain wins. They leave the Team account (as if removed
 *   there, signed out of it, phone number freed) and join. An organisation that proved it owns
 *   the domain owns its addresses; the Team admin sees them gone from the member list.
 * - of another Enterprise account: left alone; no join. That account's admin manages them.
 * - suspended anywhere: they cannot sign in, so nothing happens.
 * Returns the account joined, if any. Never blocks the sign-in: a race with another join ends in
 * the unique index, and the next sign-in tries again.
 */
export async function joinByDomain(
  deps: DomainDeps,
  identity: IdentityRecord,
  actor: Actor,
): Promise<string | undefined> {
  if (!identity.emailVerifiedAt) return undefined;
  const domainName = domainOfEmail(identity.email);
  const held = domainName === undefined ? undefined : await findHeldDomain(deps.db, domainName);
  if (!held) return undefined;
  const subject = {
    operation: 'AutoJoinAccount',
    accountId: held.accountId,
    targetType: 'Account',
    targetId: held.accountId,
    details: { email: identity.email, domainName },
  };
  // Settled without a transaction first, so an ordinary sign-in writes nothing.
  if (!(await joinNeeded(deps.db, identity.email, held.accountId))) return undefined;
  try {
    return await auditedChange(deps, actor, subject, async (tx, log) => {
      const account = await activeAccount(deps, tx, held.accountId);
      if (!(await joinNeeded(tx, identity.email, account.id))) {
        log.onlyItems();
        return undefined;
      }
      const at = deps.clock.now().toISOString();
      const membership = await findMembership(tx, { email: identity.email });
      if (membership) await leaveTeam(tx, deps, membership.member, at, log);
      const joined = await becomeMember(tx, deps, account, identity.email, at);
      if (identity.proTrialEndsAt !== undefined && identity.proTrialEndsAt > at)
        await updateIdentity(tx, identity.id, { proTrialEndsAt: at, updatedAt: at });
      await announceEntitlementChange(tx, deps, joined, 'joined');
      log.target({ accountId: account.id, targetId: account.id, userId: joined.id });
      return account.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}

/**
 * Whether signing in would make the person join a domain's account (joinByDomain would act).
 * A sign-in that vouches for an existing session asks for the password instead, so the join,
 * which signs the person out of their Team account, happens where it always does.
 */
export async function domainJoinPending(deps: DomainDeps, identity: IdentityRecord): Promise<boolean> {
  if (!identity.emailVerifiedAt) return false;
  const domainName = domainOfEmail(identity.email);
  const held = domainName === undefined ? undefined : await findHeldDomain(deps.db, domainName);
  return held !== undefined && (await joinNeeded(deps.db, identity.email, held.accountId));
}

/** Whether the person should join: not yet a member there, and nowhere but in Team accounts. */
async function joinNeeded(db: Db, email: string, accountId: string): Promise<boolean> {
  const account = await findAccountById(db, accountId);
  if (account?.status !== 'Active') return false;
  const membership = await findMembership(db, { email });
  if (!membership) return true;
  const { member } = membership;
  if (member.accountId === accountId || member.registrationStatus === 'Suspended') return false;
  return !isEnterpriseAccount(membership.account.type);
}

async function leaveTeam(tx: Db, deps: DomainDeps, member: UserRecord, at: string, log: AuditLog) {
  await signOutEverywhere(tx, member, at);
  await freeNumberOfUser(tx, member, at);
  await updateUser(tx, member.accountId, member.id, { removedAt: at, updatedAt: at });
  await announceEntitlementChange(tx, deps, member, 'removed');
  log.item({
    accountId: member.accountId,
    targetType: 'User',
    targetId: member.id,
    userId: member.id,
    details: { email: member.email, effect: 'left Team account for the verified domain' },
  });
}

/** The account's own row for the address (a pending invitee, a released member) or a new one. */
async function becomeMember(
  tx: Db,
  deps: DomainDeps,
  account: { id: string; defaultLicense: UserRecord['license'] },
  email: string,
  at: string,
): Promise<UserRecord> {
  const existing = await findUserByEmail(tx, account.id, email);
  const id = existing?.id ?? deps.ids.uuid();
  // A pending invitation's link would only join them again: it is retired.
  if (existing) await supersedePendingInvites(tx, account.id, id, at);
  if (existing)
    await updateUser(tx, account.id, id, {
      registrationStatus: 'Registered',
      license: account.defaultLicense,
      registeredOn: at,
      ...(existing.invitationStatus === 'Pending' && { invitationStatus: 'Accepted' as const }),
      updatedAt: at,
    });
  else
    await insertUser(
      tx,
      newMember(
        {
          id,
          accountId: account.id,
          email,
          displayName: undefined,
          license: account.defaultLicense,
          userType: 'PrivateUser',
          joined: 'registered',
        },
        at,
      ),
    );
  return (await findUserById(tx, account.id, id))!;
}
