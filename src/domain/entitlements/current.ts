import type { Db } from '../../store/database.js';
import { findIdentityByEmail, type IdentityRecord } from '../../store/identities.js';
import type { UserRecord } from '../../store/users.js';
import {
  decideFor,
  decideSignIn,
  loadSignInFactsOf,
  type BelfryClaims,
  type GateDecision,
} from '../sign-in/index.js';

/** Where a person stands now, as apps see it: the sign-in gate's answer and the token claims. */
export type Standing = { sub: string; email: string } & (
  { allowed: true; claims: BelfryClaims } | { allowed: false; reason: { code: string; message: string } }
);

/**
 * Where the person with this identity stands now, read from `db` (a transaction, when a change
 * announces it, so the change and the announcement agree). Undefined for an unknown identity.
 */
export async function currentStanding(db: Db, identityId: string, now: Date): Promise<Standing | undefined> {
  const facts = await loadSignInFactsOf(db, identityId);
  return facts && toStanding(facts.identity, decideSignIn(facts, now));
}

/** The standing of the person who holds this member's address, if they have signed up. */
export async function standingOfMember(db: Db, member: UserRecord, now: Date): Promise<Standing | undefined> {
  if (member.email === undefined || member.registrationStatus === 'Unregistered') return undefined;
  const identity = await findIdentityByEmail(db, member.email);
  return identity && standingOfIdentity(db, identity, now);
}

async function standingOfIdentity(db: Db, identity: IdentityRecord, now: Date): Promise<Standing> {
  return toStanding(identity, await decideFor(db, identity, now));
}

function toStanding(identity: IdentityRecord, decision: GateDecision): Standing {
  const who = { sub: identity.id, email: identity.email };
  if (decision.allowed) return { ...who, allowed: true, claims: decision.claims };
  return {
    ...who,
    allowed: false,
    reason: { code: decision.refusal.code, message: decision.refusal.reason },
  };
}
