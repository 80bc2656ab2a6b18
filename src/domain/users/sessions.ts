import type { Db } from '../../store/database.js';
import { findIdentityByEmail, revokeIdentitySessions } from '../../store/identities.js';
import { updateUser, type UserRecord } from '../../store/users.js';

/**
 * Signs the member out everywhere, at once and in the caller's transaction: the member's token
 * epoch moves (anything issued before `at` is dead) and every browser session of the identity
 * with the member's address ends. LogoutUser, suspension and removal all go through here.
 */
export async function signOutEverywhere(tx: Db, user: UserRecord, at: string): Promise<void> {
  await updateUser(tx, user.accountId, user.id, { sessionsRevokedAt: at, updatedAt: at });
  // A pending invitee is only an address someone typed: it must not reach the identity of whoever
  // owns that address (and may belong to another account).
  if (user.email === undefined || user.registrationStatus === 'Unregistered') return;
  const identity = await findIdentityByEmail(tx, user.email);
  if (identity) await revokeIdentitySessions(tx, identity.id, at);
}
