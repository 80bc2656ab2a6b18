import type { Clock } from '../../lib/clock.js';
import type { Db } from '../../store/database.js';
import { findAccountById } from '../../store/accounts.js';
import {
  deleteExpiredSignIns,
  findSignInWithRevocation,
  insertSignIn,
  type SignInRecord,
} from '../../store/oidc-sign-ins.js';
import {
  decideSignIn,
  loadSignInFactsOf,
  type GateDecision,
  type Refusal,
  type SignInFacts,
} from '../sign-in/index.js';
import type { StoredId } from './stored-ids.js';

export interface SignInDeps {
  db: Db;
  clock: Clock;
  /** sign-ins are kept under their grant's stored id, like the provider's own rows */
  storedId: StoredId;
}

/** What a token is worth now: the claims to issue, or why it is dead. */
export type TokenCheck =
  | { alive: true; decision: Extract<GateDecision, { allowed: true }> }
  | { alive: false; refusal: Refusal | { code: 'signed_out' | 'removed' | 'unknown'; reason: string } };

type Refused = Extract<TokenCheck, { alive: false }>['refusal'];

const SIGNED_OUT =
  'You were signed out of Belfry (by your administrator, or from another device); sign in again.';

const removedFrom = (accountName: string) =>
  `You were removed from the Belfry account "${accountName}"; sign in again.`;

/**
 * Sign-ins of people into the platform's apps. The gate runs at every sign-in and again every
 * time a token is used (refresh, userinfo), so a suspension or a deleted account refuses at
 * once, with its reason. Revocation needs no list of tokens: a sign-in is recorded with its
 * moment, and anything issued under a sign-in made before the person's latest "sign out
 * everywhere" (LogoutUser, suspension, removal — written in the same transaction as the change)
 * is dead.
 */
export function createAppSignIns(deps: SignInDeps) {
  const { db, clock, storedId } = deps;

  async function facts(identityId: string): Promise<SignInFacts | undefined> {
    return loadSignInFactsOf(db, identityId);
  }

  return {
    /** The gate for a person signing in now; undefined for an identity that does not exist. */
    async decide(identityId: string): Promise<GateDecision | undefined> {
      const found = await facts(identityId);
      return found && decideSignIn(found, clock.now());
    },

    /** Records a sign-in that the gate allowed, under the grant it created. */
    async record(
      grantId: string,
      identityId: string,
      decision: Extract<GateDecision, { allowed: true }>,
      lifetimeMs: number,
    ): Promise<void> {
      const now = clock.now();
      await deleteExpiredSignIns(db, now.toISOString());
      await insertSignIn(db, {
        grantKey: storedId(grantId),
        identityId,
        accountId: decision.accountId,
        userId: decision.userId,
        signedInAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
      });
    },

    /**
     * Whether something issued under the grant may still be used by the identity: the gate
     * allows them now, and they have not been signed out everywhere since the sign-in. A
     * revocation at the very millisecond of the sign-in counts as after it.
     */
    async checkGrant(identityId: string, grantId: string): Promise<TokenCheck> {
      // Asked together: on PostgreSQL the two reads then cost one round trip's wait.
      const [signIn, found] = await Promise.all([
        findSignInWithRevocation(db, storedId(grantId)),
        facts(identityId),
      ]);
      if (!signIn || signIn.identityId !== identityId)
        return {
          alive: false,
          refusal: { code: 'unknown', reason: 'This sign-in is not known; sign in again.' },
        };
      if (!found)
        return { alive: false, refusal: { code: 'unknown', reason: 'This person no longer exists.' } };
      const decision = decideSignIn(found, clock.now());
      if (!decision.allowed) return { alive: false, refusal: decision.refusal };
      if (signIn.revokedAt !== undefined && signIn.revokedAt >= signIn.signedInAt)
        return { alive: false, refusal: await whySignedOut(signIn, found) };
      return { alive: true, decision };
    },
  };

  /**
   * A sign-in made as a member of an account the person no longer belongs to (removed from a
   * Team account, released with a domain, moved by a domain join) ended because of that, and
   * says so: the generic sentence would send them looking for a sign-out that never happened.
   */
  async function whySignedOut(signIn: SignInRecord, current: SignInFacts): Promise<Refused> {
    const left = signIn.accountId !== undefined && current.membership?.account.id !== signIn.accountId;
    const account = left ? await findAccountById(db, signIn.accountId!) : undefined;
    return account
      ? { code: 'removed', reason: removedFrom(account.name) }
      : { code: 'signed_out', reason: SIGNED_OUT };
  }
}

export type AppSignIns = ReturnType<typeof createAppSignIns>;
