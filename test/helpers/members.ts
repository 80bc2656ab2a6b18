import assert from 'node:assert/strict';
import { InviteUsersCommand, ListUsersCommand } from '@aws-sdk/client-chime';
import { updateAccount, type AccountType } from '../../src/store/accounts.js';
import { findIdentityByEmail } from '../../src/store/identities.js';
import { newAccountId, uniqueEmail } from './accounts.js';
import type { TestServer } from './server.js';

export const MEMBER_PASSWORD = 'correct horse battery';

export interface SignedUpMember {
  email: string;
  /** the identity's id: the `sub` of the person's tokens */
  sub: string;
  accountId: string;
  userId: string;
}

/**
 * A person invited by the real SDK who registered through the invitation and accepted it: a
 * Registered member with an identity. Needs a server without SMTP_URL (links are read from its
 * mail log). `type` turns the account into another type afterwards, as claiming a domain will.
 */
export async function signedUpMember(
  server: TestServer,
  options: { type?: AccountType; accountId?: string; email?: string } = {},
): Promise<SignedUpMember> {
  const email = options.email ?? uniqueEmail();
  const chime = server.client();
  const accountId = options.accountId ?? (await newAccountId(chime));
  await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [email] }));
  await server.runJobs();
  const token = mailedToken(server, email, '/invitations/accept');
  await server.services.identities.register({ email, password: MEMBER_PASSWORD, invitationToken: token });
  const identity = (await findIdentityByEmail(server.services.db, email))!;
  await server.services.identities.acceptInvitation(identity, token, {
    requestId: 'test',
    sourceIp: undefined,
  });
  if (options.type)
    await updateAccount(server.services.db, accountId, {
      type: options.type,
      updatedAt: new Date().toISOString(),
    });
  const { Users } = await chime.send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }));
  return { email, sub: identity.id, accountId, userId: Users![0]!.UserId! };
}

/** The token of the newest link to `path` in the mail log for the address. */
function mailedToken(server: TestServer, email: string, path: string): string {
  const entry = server.mailLog.findLast((e) => e.obj.to === email && String(e.obj.link).includes(path));
  assert.ok(entry, `no ${path} link mailed to ${email}`);
  return new URL(String(entry.obj.link)).searchParams.get('token')!;
}
