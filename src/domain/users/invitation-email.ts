import type { JobKind } from '../../jobs/kinds.js';
import type { JobHandler } from '../../jobs/queue.js';
import { defineJob } from '../../jobs/kinds.js';
import { DAY_MS, type Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Mailer } from '../../mail/mailer.js';
import { findAccountById } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import {
  findInviteById,
  markInviteEmailSent,
  recordInviteEmailFailure,
  setInviteToken,
} from '../../store/invites.js';
import { failPendingInvitation, findUserById } from '../../store/users.js';
import { systemActor } from '../access/actor.js';
import { auditedChange } from '../audit/trail.js';
import { renderInvitationEmail } from './invitation-message.js';
import { invitationToken } from './invitation-tokens.js';

export const SEND_INVITATION_EMAIL_JOB = 'send-invitation-email' satisfies JobKind;

/**
 * Ten attempts with the queue's back-off (10 s doubling, capped at an hour) keep trying for about
 * 85 minutes: long enough for a mail server's restart or a short outage, short enough that an
 * admin soon sees `Failed` and can invite again once mail works.
 */
export const INVITATION_EMAIL_ATTEMPTS = 10;

export interface InvitationEmailDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  mailer: Mailer;
  /** derives each invite's link token */
  secrets: SecretBox;
  /** the base of the accept link, without a trailing slash */
  publicUrl: string;
  ttlDays: number;
}

/**
 * Delivers one invitation (payload `{ inviteId }`: never the token, which the job makes).
 *
 * Idempotent by checking first: an invite that is no longer Pending, was replaced by a later
 * invitation, or whose email already went out (`Sent`) is skipped, as is one whose user left the
 * account, registered meanwhile, or whose account was deleted. `NotSent` and `Failed` are sent
 * (`Failed` only if an operator re-runs a failed job). Every attempt sends the same email: the
 * same link (the token is derived from the invite) and the same Message-ID. A crash between
 * sending and recording `Sent` (or a worker that lost the job's lease) makes the retry send it
 * again: delivery is at least once, and a second copy is the same message, which mail systems
 * that recognise a Message-ID they have seen keep once. A retry moves the link's expiry later.
 */
export function invitationEmailJob(deps: InvitationEmailDeps): JobHandler {
  const now = () => deps.clock.now();
  return defineJob({
    kind: SEND_INVITATION_EMAIL_JOB,
    maxAttempts: INVITATION_EMAIL_ATTEMPTS,
    async run(job, { signal }) {
      const { inviteId } = job.payload;
      const invite = await findInviteById(deps.db, inviteId);
      if (!invite || invite.status !== 'Pending' || invite.supersededAt || invite.emailStatus === 'Sent')
        return;
      const user = await findUserById(deps.db, invite.accountId, invite.userId);
      if (!user || user.registrationStatus !== 'Unregistered' || user.invitationStatus !== 'Pending') return;
      // Read now, not at invite time: the email names the account as it is called today.
      const account = await findAccountById(deps.db, invite.accountId);
      if (!account || account.status !== 'Active') return;

      const token = invitationToken(deps.secrets, invite.id);
      const sentAt = now();
      const expiresAt = new Date(sentAt.getTime() + deps.ttlDays * DAY_MS);
      const stored = await setInviteToken(
        deps.db,
        invite.id,
        { hash: token.hash, expiresAt: expiresAt.toISOString() },
        sentAt.toISOString(),
      );
      if (!stored) return; // replaced or accepted since it was read above
      const link = `${deps.publicUrl}/invitations/accept?token=${token.raw}`;
      const mail = {
        ...renderInvitationEmail({ to: invite.email, accountName: account.name, link, expiresAt }),
        messageId: `<invitation.${invite.id}@${new URL(deps.publicUrl).hostname}>`,
        trialLink: link,
      };
      // Claimed by another worker meanwhile: that attempt sends it.
      if (signal.aborted) return;
      try {
        await deps.mailer.send(mail);
      } catch (error) {
        await recordInviteEmailFailure(deps.db, invite.id, describe(error), now().toISOString(), false);
        throw error;
      }
      await markInviteEmailSent(deps.db, invite.id, now().toISOString());
    },
    /**
     * The email could not be delivered: the invite says `Failed`, and so does the user's
     * `UserInvitationStatus` (the admin's one view of it through the API) unless the invitee
     * accepted or was invited again meanwhile. Inviting the address again starts afresh.
     */
    async onGiveUp(job, error) {
      const { inviteId } = job.payload;
      const invite = await findInviteById(deps.db, inviteId);
      if (!invite) return;
      const reason = describe(error);
      const subject = {
        operation: 'FailInvitation',
        accountId: invite.accountId,
        targetType: 'User',
        targetId: invite.userId,
        userId: invite.userId,
        details: { email: invite.email, inviteId, error: reason.slice(0, 500) },
      };
      await auditedChange(deps, systemActor(`job-${job.id}`), subject, async (tx, log) => {
        const at = now().toISOString();
        await recordInviteEmailFailure(tx, inviteId, reason, at, true);
        const current = await findInviteById(tx, inviteId);
        const stillTheInvitation = current?.status === 'Pending' && !current.supersededAt;
        const failed =
          stillTheInvitation && (await failPendingInvitation(tx, invite.accountId, invite.userId, at));
        log.describe({ ...subject.details, invitationStatus: failed ? 'Failed' : 'unchanged' });
      });
    },
  });
}

/** The error as an operator needs it; SMTP errors carry the server's reply, never our password. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
