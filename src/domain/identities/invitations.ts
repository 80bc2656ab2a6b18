import { announceEntitlementChange } from '../entitlements/announce.js';
import { isUniqueViolation } from '../../store/database.js';
import { updateIdentity, type IdentityRecord } from '../../store/identities.js';
import { findUserById, normalizeEmail, updateUser as updateUserRow } from '../../store/users.js';
import { findMembership } from '../../store/memberships.js';
import { auditedChange, recordRefusal } from '../audit/trail.js';
import { conflict, DomainError, forbidden, notFound, preconditionFailed } from '../errors.js';
import { findPendingInvitationByToken, markInvitationTokenUsed } from '../users/invitation-tokens.js';
import { activeAccount } from '../users/lookups.js';
import { identityActor, type Client } from './actor.js';
import type { IdentityDeps } from './deps.js';

/** One message for every link that no longer works: which case it was helps no one holding it. */
export const DEAD_INVITATION =
  'This invitation link is no longer valid: it has expired, was already used, or was replaced by a newer invitation. Ask the account administrator to invite you again.';

/** Accepting an invitation to a Team account through the link in its email (DESIGN §3). */
export function createInvitationAcceptance(deps: IdentityDeps) {
  const { db, clock } = deps;

  return {
    /** What the accept page shows; undefined when the link no longer works. */
    async describeInvitation(token: string): Promise<{ accountName: string; email: string } | undefined> {
      const pending = await findPendingInvitationByToken(db, token, clock.now());
      return pending && { accountName: pending.account.name, email: pending.invite.email };
    },

    /** Whether the link works and was sent to this address (so whoever holds it controls the mailbox). */
    async invitationProvesAddress(token: string, email: string): Promise<boolean> {
      const pending = await findPendingInvitationByToken(db, token, clock.now());
      return pending !== undefined && normalizeEmail(pending.invite.email) === normalizeEmail(email);
    },

    /**
     * Makes the signed-in identity the invited member: Registered, on the account's current
     * DefaultLicense, RegisteredOn now, invitation Accepted and its link spent; the identity's
     * personal Pro trial ends, since the account now provides the tier. Only the invited address
     * may accept; a second click (or a racing one) finds the link spent.
     */
    async acceptInvitation(
      identity: IdentityRecord,
      token: string,
      client: Client,
    ): Promise<{ accountId: string; accountName: string; userId: string }> {
      const now = clock.now();
      const pending = await findPendingInvitationByToken(db, token, now);
      if (!pending) throw notFound(DEAD_INVITATION);
      const { invite } = pending;
      const actor = identityActor(identity.id, client);
      const subject = {
        operation: 'AcceptInvitation',
        accountId: invite.accountId,
        targetType: 'User',
        targetId: invite.userId,
        userId: invite.userId,
        details: { email: invite.email, inviteId: invite.id },
      };
      // Refused before the change, so filed by hand: someone signed in as another person trying
      // a live invitation is something the account's admins should be able to see.
      const refused = async (error: DomainError) => (await recordRefusal(deps, actor, subject, error), error);
      if (normalizeEmail(invite.email) !== normalizeEmail(identity.email))
        throw await refused(
          forbidden(
            `This invitation is for ${invite.email}, but you are signed in as ${identity.email}. Sign out, then sign in or register as ${invite.email}.`,
          ),
        );
      if (!identity.emailVerifiedAt)
        throw await refused(preconditionFailed('Confirm your email address first.'));
      return auditedChange(deps, actor, subject, async (tx) => {
        const account = await activeAccount(deps, tx, invite.accountId);
        // Read again under the account lock: the invitee may have been removed meanwhile.
        const current = await findPendingInvitationByToken(tx, token, now);
        if (current?.invite.id !== invite.id) throw notFound(DEAD_INVITATION);
        const membership = await findMembership(tx, { email: identity.email });
        const memberElsewhere = conflict(
          `${identity.email} is already a member of another account; leave it before joining ${account.name}.`,
        );
        if (membership && membership.account.id !== account.id) throw memberElsewhere;
        if (!(await markInvitationTokenUsed(tx, invite.id, now))) throw notFound(DEAD_INVITATION);
        const at = now.toISOString();
        await updateUserRow(tx, account.id, invite.userId, {
          registrationStatus: 'Registered',
          license: account.defaultLicense,
          registeredOn: at,
          invitationStatus: 'Accepted',
          updatedAt: at,
        }).catch((error: unknown) => {
          // Another account registered the address at the same moment (unique index).
          throw isUniqueViolation(error) ? memberElsewhere : error;
        });
        if (identity.proTrialEndsAt !== undefined && identity.proTrialEndsAt > at)
          await updateIdentity(tx, identity.id, { proTrialEndsAt: at, updatedAt: at });
        const joined = await findUserById(tx, account.id, invite.userId);
        if (joined) await announceEntitlementChange(tx, deps, joined, 'joined');
        return { accountId: account.id, accountName: account.name, userId: invite.userId };
      });
    },
  };
}
