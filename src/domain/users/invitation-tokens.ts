import { createHash } from 'node:crypto';
import type { SecretBox } from '../../lib/secret-box.js';
import { findAccountById, type AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { findInviteByTokenHash, spendInviteToken, type InviteDelivery } from '../../store/invites.js';
import { findUserById, type UserRecord } from '../../store/users.js';

/** 32 bytes in base64url: what an accept link carries. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The accept-link token of an invite: made from the invite's id with a key derived from the
 * master key, so every attempt to deliver the invitation sends the same link (an email resent
 * after a crash is the same email), and a new invitation gets a new one. Only its SHA-256 is
 * stored: a copy of the database (or the jobs table, or a log) cannot be turned into a working
 * link. A plain hash is enough because the token is not a password anyone chose.
 */
export function invitationToken(secrets: SecretBox, inviteId: string): { raw: string; hash: string } {
  const raw = secrets.mac('invitation link', inviteId).toString('base64url');
  return { raw, hash: hashInvitationToken(raw) };
}

export function hashInvitationToken(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** An invitation whose link may be accepted now, with whom it is for and where it leads. */
export interface PendingInvitation {
  invite: InviteDelivery;
  user: UserRecord;
  account: AccountRecord;
}

/**
 * The invitation an accept link names, or undefined when the token is unknown, expired, spent,
 * or replaced by a later invitation, or the invitee is no longer a pending member of an active
 * account (removed, already registered, account deleted). The caller shows one message for all
 * of these: which one it was is of no use to whoever holds a stale link.
 */
export async function findPendingInvitationByToken(
  db: Db,
  rawToken: string,
  now: Date,
): Promise<PendingInvitation | undefined> {
  if (!TOKEN_SHAPE.test(rawToken)) return undefined;
  const invite = await findInviteByTokenHash(db, hashInvitationToken(rawToken));
  if (
    !invite ||
    invite.status !== 'Pending' ||
    invite.supersededAt !== undefined ||
    invite.tokenUsedAt !== undefined ||
    invite.tokenExpiresAt === undefined ||
    invite.tokenExpiresAt <= now.toISOString()
  )
    return undefined;
  const user = await findUserById(db, invite.accountId, invite.userId);
  if (!user || user.registrationStatus !== 'Unregistered' || user.invitationStatus !== 'Pending')
    return undefined;
  const account = await findAccountById(db, invite.accountId);
  if (!account || account.status !== 'Active') return undefined;
  return { invite, user, account };
}

/**
 * Spends the invite's token and marks the invite Accepted, in the caller's transaction (the
 * accept flow registers the user in the same one). Returns false when the token was already
 * spent, e.g. by a second click racing the first: the caller then refuses and rolls back.
 */
export function markInvitationTokenUsed(tx: Db, inviteId: string, at: Date): Promise<boolean> {
  return spendInviteToken(tx, inviteId, at.toISOString());
}
