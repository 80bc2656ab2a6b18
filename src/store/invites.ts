import type { Db } from './database.js';
import type { Selectable } from 'kysely';
import type { InvitesTable } from './schema.js';
import type { InvitationStatus } from './users.js';

export type EmailStatus = 'NotSent' | 'Sent' | 'Failed';

export interface InviteRecord {
  id: string;
  accountId: string;
  userId: string;
  email: string;
  status: InvitationStatus;
  emailStatus: EmailStatus;
  createdAt: string;
  updatedAt: string;
}

/** An invite with how its email went and the state of its accept link (never the raw token). */
export interface InviteDelivery extends InviteRecord {
  tokenHash: string | undefined;
  tokenExpiresAt: string | undefined;
  tokenUsedAt: string | undefined;
  supersededAt: string | undefined;
  emailSentAt: string | undefined;
  emailAttempts: number;
  emailLastError: string | undefined;
}

function toDelivery(row: Selectable<InvitesTable>): InviteDelivery {
  return {
    id: row.id,
    accountId: row.account_id,
    userId: row.user_id,
    email: row.email,
    status: row.status as InvitationStatus,
    emailStatus: row.email_status as EmailStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tokenHash: row.token_hash ?? undefined,
    tokenExpiresAt: row.token_expires_at ?? undefined,
    tokenUsedAt: row.token_used_at ?? undefined,
    supersededAt: row.superseded_at ?? undefined,
    emailSentAt: row.email_sent_at ?? undefined,
    emailAttempts: row.email_attempts,
    emailLastError: row.email_last_error ?? undefined,
  };
}

export async function insertInvite(db: Db, invite: InviteRecord): Promise<void> {
  await db
    .insertInto('invites')
    .values({
      id: invite.id,
      account_id: invite.accountId,
      user_id: invite.userId,
      email: invite.email,
      status: invite.status,
      email_status: invite.emailStatus,
      created_at: invite.createdAt,
      updated_at: invite.updatedAt,
    })
    .execute();
}

export async function findInviteById(db: Db, id: string): Promise<InviteDelivery | undefined> {
  const row = await db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDelivery(row);
}

export async function findInviteByTokenHash(db: Db, tokenHash: string): Promise<InviteDelivery | undefined> {
  const row = await db
    .selectFrom('invites')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && toDelivery(row);
}

/**
 * Retires the user's earlier pending invites when they are invited again: their links stop
 * working (the hash is dropped) and their queued emails are skipped.
 */
export async function supersedePendingInvites(db: Db, accountId: string, userId: string, at: string) {
  await db
    .updateTable('invites')
    .set({ superseded_at: at, token_hash: null, token_expires_at: null, updated_at: at })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('status', '=', 'Pending')
    .where('superseded_at', 'is', null)
    .execute();
}

/**
 * Stores the link's token and expiry as a delivery attempt starts. Only while the invite is still
 * pending, unreplaced and unsent: false means it changed since it was read.
 */
export async function setInviteToken(
  db: Db,
  id: string,
  token: { hash: string; expiresAt: string },
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set((eb) => ({
      token_hash: token.hash,
      token_expires_at: token.expiresAt,
      email_attempts: eb('email_attempts', '+', 1),
      updated_at: at,
    }))
    .where('id', '=', id)
    .where('status', '=', 'Pending')
    .where('superseded_at', 'is', null)
    .where('email_status', '!=', 'Sent')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markInviteEmailSent(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('invites')
    .set({ email_status: 'Sent', email_sent_at: at, email_last_error: null, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * Records a failed delivery attempt. Only the last one (`final`) turns the status to `Failed`,
 * and never over `Sent`: an email that went out once stays sent.
 */
export async function recordInviteEmailFailure(
  db: Db,
  id: string,
  error: string,
  at: string,
  final: boolean,
): Promise<void> {
  await db
    .updateTable('invites')
    .set({
      email_last_error: error.slice(0, 2000),
      updated_at: at,
      ...(final && { email_status: 'Failed' }),
    })
    .where('id', '=', id)
    .where('email_status', '!=', 'Sent')
    .execute();
}

/**
 * Spends the invite's token and marks the invite accepted. Conditional on the token being
 * unspent, so of two concurrent accepts exactly one gets `true`.
 */
export async function spendInviteToken(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set({ token_used_at: at, status: 'Accepted', updated_at: at })
    .where('id', '=', id)
    .where('token_used_at', 'is', null)
    .where('status', '=', 'Pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
