import type { Db } from './database.js';
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
