import { insertInvite, supersedePendingInvites, type InviteRecord } from '../../store/invites.js';
import {
  findUserByEmail,
  insertUser,
  updateUser as updateUserRow,
  type UserType,
} from '../../store/users.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { invalid } from '../errors.js';
import { SEND_INVITATION_EMAIL_JOB } from './invitation-email.js';
import { mayInvite } from '../accounts/account-types.js';
import { activeAccount } from './lookups.js';
import { checkEmail, newMember } from './rules.js';
import { domainOfEmail } from '../domains/names.js';
import { findHeldDomain } from '../../store/domains.js';
import type { Db } from '../../store/database.js';

/** InviteUsers: how people join a Team account. */
export function createInvitations(deps: DomainDeps) {
  const { ids, clock, jobs } = deps;
  const now = () => clock.now().toISOString();

  return {
    /**
     * Invites addresses to a Team account. Each new address becomes an unregistered, pending
     * member (not billable until accepted); a pending address is invited again without a second
     * user, and its earlier invitation (and link) is replaced; an address that already belongs is
     * reported as accepted and left alone. Each pending invite's email is queued in the same
     * transaction, so the answer says `NotSent` and the job later makes it `Sent` or `Failed`.
     */
    async inviteUsers(
      actor: Actor,
      accountId: string,
      emails: string[],
      userType: UserType | undefined,
    ): Promise<InviteRecord[]> {
      return auditedChange(
        deps,
        actor,
        { operation: 'InviteUsers', accountId, targetType: 'Account', targetId: accountId },
        async (tx, log) => {
          authorize(actor, 'users', accountId);
          const account = await activeAccount(deps, tx, accountId);
          if (!mayInvite(account.type))
            throw invalid(
              `InviteUsers is for Team accounts; ${account.type} account ${accountId} adds people through its claimed domains`,
            );
          const unique = new Map<string, string>();
          for (const raw of emails) {
            const email = checkEmail(raw);
            await refuseHeldElsewhere(tx, accountId, email);
            if (!unique.has(email.toLowerCase())) unique.set(email.toLowerCase(), email);
          }
          const at = now();
          const invites: InviteRecord[] = [];
          for (const email of unique.values()) {
            const existing = await findUserByEmail(tx, accountId, email);
            if (existing && existing.registrationStatus !== 'Unregistered') {
              invites.push({
                id: ids.uuid(),
                accountId,
                userId: existing.id,
                email,
                status: 'Accepted',
                emailStatus: 'NotSent',
                createdAt: at,
                updatedAt: at,
              });
              continue;
            }
            let userId = existing?.id;
            if (!existing) {
              userId = ids.uuid();
              await insertUser(
                tx,
                newMember(
                  {
                    id: userId,
                    accountId,
                    email,
                    displayName: undefined,
                    license: account.defaultLicense,
                    userType: userType ?? 'PrivateUser',
                    joined: 'invited',
                  },
                  at,
                ),
              );
            } else {
              await updateUserRow(tx, accountId, existing.id, {
                invitationStatus: 'Pending',
                invitedOn: at,
                updatedAt: at,
              });
              await supersedePendingInvites(tx, accountId, existing.id, at);
            }
            const invite: InviteRecord = {
              id: ids.uuid(),
              accountId,
              userId: userId!,
              email,
              status: 'Pending',
              emailStatus: 'NotSent',
              createdAt: at,
              updatedAt: at,
            };
            await insertInvite(tx, invite);
            await jobs.enqueue(tx, SEND_INVITATION_EMAIL_JOB, { inviteId: invite.id }, { accountId });
            invites.push(invite);
            log.item({
              targetType: 'User',
              targetId: userId,
              userId,
              details: { email, inviteId: invite.id },
            });
          }
          log.describe({ invited: invites.filter((i) => i.status === 'Pending').length });
          // One Invite per address asked for, in the order asked: an address given twice (in any
          // case) is invited once, and both entries show that one invite.
          const byAddress = new Map(invites.map((i) => [i.email.toLowerCase(), i]));
          return emails.map((raw) => byAddress.get(checkEmail(raw).toLowerCase())!);
        },
      );
    },
  };
}

/**
 * An address on a domain another account verified belongs to that account's people: they join it
 * by signing in (DESIGN §3), so no other account may invite them or add them directly.
 */
export async function refuseHeldElsewhere(
  tx: Db,
  accountId: string,
  email: string,
  action: 'invited' | 'added' = 'invited',
): Promise<void> {
  const domainName = domainOfEmail(email);
  const holder = domainName === undefined ? undefined : await findHeldDomain(tx, domainName);
  if (holder && holder.accountId !== accountId)
    throw invalid(`${email} cannot be ${action}: ${domainName} is a domain claimed by another account`);
}
