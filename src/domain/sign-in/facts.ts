import type { Db } from '../../store/database.js';
import type { IdentityRecord } from '../../store/identities.js';
import { findIdentityWithMembership, findMembership } from '../../store/memberships.js';
import { decideSignIn, type GateDecision, type SignInFacts } from './decision.js';

/**
 * What the sign-in decision reads about a person, read in one place for every way in, token
 * use, the live check and webhooks. `db` may be a transaction, so a change and what is
 * announced for it agree.
 */
export async function loadSignInFacts(db: Db, identity: IdentityRecord): Promise<SignInFacts> {
  return { identity, membership: await findMembership(db, { email: identity.email }) };
}

/** The same, from the identity id (a token's `sub`), in one read. */
export async function loadSignInFactsOf(db: Db, identityId: string): Promise<SignInFacts | undefined> {
  return findIdentityWithMembership(db, identityId);
}

/** The decision for this person now. */
export async function decideFor(db: Db, identity: IdentityRecord, now: Date): Promise<GateDecision> {
  return decideSignIn(await loadSignInFacts(db, identity), now);
}
