import { findAccountById } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { findIdentityById, type IdentityRecord } from '../../store/identities.js';
import { findMembershipOfIdentity } from '../../store/memberships.js';
import { findRegisteredMembershipsByEmail } from '../../store/users.js';
import type { SignInFacts } from './gate.js';

/**
 * What the sign-in gate reads about a person, read in one place for sign-in, token use, the
 * live check and webhooks. `db` may be a transaction, so a change and what is announced for it
 * agree.
 */
export async function loadSignInFacts(db: Db, identity: IdentityRecord): Promise<SignInFacts> {
  // At most one registered or suspended membership per address (migration 0005 holds it).
  const [member] = await findRegisteredMembershipsByEmail(db, identity.email);
  const account = member && (await findAccountById(db, member.accountId));
  return { identity, membership: member && account ? { member, account } : undefined };
}

/**
 * The same, from the identity id (a token's `sub`): the identity and its membership are asked
 * at once, so on PostgreSQL the answer takes one round trip instead of three.
 */
export async function loadSignInFactsOf(db: Db, identityId: string): Promise<SignInFacts | undefined> {
  const [identity, membership] = await Promise.all([
    findIdentityById(db, identityId),
    findMembershipOfIdentity(db, identityId),
  ]);
  return identity && { identity, membership };
}
