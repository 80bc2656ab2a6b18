import {
  findIdentityByEmail,
  findIdentityById,
  findLiveSessionIdentity,
  insertBrowserSession,
  insertIdentity,
  isIdentityTokenUsable,
  revokeBrowserSession,
  revokeIdentitySessions,
  updateIdentity,
  useIdentityToken,
  type IdentityRecord,
} from '../../store/identities.js';
import type { Db } from '../../store/database.js';
import { DomainError, notFound } from '../errors.js';
import { checkEmail } from '../users/rules.js';
import {
  IDENTITY_RULES,
  SEND_ALREADY_REGISTERED_JOB,
  SEND_PASSWORD_RESET_JOB,
  SEND_VERIFICATION_JOB,
  type IdentityDeps,
} from './deps.js';
import { checkPassword, hashPassword, needsRehash, verifyPassword, verifyDecoy } from './passwords.js';
import { hashOpaqueToken, newOpaqueToken } from './secrets.js';
import { createInvitationAcceptance } from './invitations.js';
import { createThrottle } from './throttle.js';

export type { IdentityRecord as Identity };

/** A signed-in browser: the cookie's raw value (shown once, stored hashed) and when it ends. */
export interface SessionGrant {
  token: string;
  expiresAt: Date;
  identity: IdentityRecord;
}

/** One message for a wrong address and a wrong password: neither says which addresses exist. */
export const WRONG_CREDENTIALS = 'The email or password is wrong';

export type IdentitiesService = ReturnType<typeof createIdentities>;

/** People's own sign-in: registration, email verification, password sign-in and reset, sessions. */
export function createIdentities(deps: IdentityDeps) {
  const { db, ids, clock, jobs } = deps;
  const throttle = createThrottle(deps);
  const acceptance = createInvitationAcceptance(deps);
  const later = (ms: number) => new Date(clock.now().getTime() + ms);

  async function startSession(tx: Db, identity: IdentityRecord): Promise<SessionGrant> {
    const token = newOpaqueToken();
    const expiresAt = later(IDENTITY_RULES.sessionMs);
    await insertBrowserSession(tx, {
      idHash: hashOpaqueToken(token),
      identityId: identity.id,
      createdAt: clock.now().toISOString(),
      expiresAt: expiresAt.toISOString(),
      revokedAt: undefined,
    });
    return { token, expiresAt, identity };
  }

  return {
    ...acceptance,

    /**
     * Registers an address. The answer is the same whether or not the address already has an
     * identity (its owner gets a "you already have one" email instead), so the form cannot be
     * used to find out who uses Belfry. A new identity starts unverified, with a personal Pro
     * trial, and is sent a verification link.
     *
     * Registering through a working invitation link with the invited address proves the person
     * holds that mailbox (the link came to it): the identity is verified at once and signed in.
     */
    async register(input: {
      email: string;
      password: string;
      invitationToken?: string | undefined;
    }): Promise<{ session: SessionGrant | undefined }> {
      const email = checkEmail(input.email);
      const passwordHash = await hashPassword(checkPassword(input.password));
      const proven =
        input.invitationToken !== undefined &&
        (await acceptance.invitationProvesAddress(input.invitationToken, email));
      return db.transaction().execute(async (tx) => {
        const at = clock.now().toISOString();
        const identity: IdentityRecord = {
          id: ids.uuid(),
          email,
          passwordHash,
          emailVerifiedAt: proven ? at : undefined,
          proTrialEndsAt: later(IDENTITY_RULES.proTrialMs).toISOString(),
          createdAt: at,
          updatedAt: at,
        };
        if (!(await insertIdentity(tx, identity))) {
          const existing = (await findIdentityByEmail(tx, email))!;
          await jobs.enqueue(tx, SEND_ALREADY_REGISTERED_JOB, { identityId: existing.id });
          return { session: undefined };
        }
        if (proven) return { session: await startSession(tx, identity) };
        await jobs.enqueue(tx, SEND_VERIFICATION_JOB, { identityId: identity.id });
        return { session: undefined };
      });
    },

    /** Spends a verification link; the address counts as the identity's from now on. */
    async verifyEmail(token: string): Promise<IdentityRecord> {
      return db.transaction().execute(async (tx) => {
        const at = clock.now().toISOString();
        const identityId = await useIdentityToken(tx, hashOpaqueToken(token), 'verify-email', at);
        if (!identityId)
          throw notFound('This confirmation link has expired or was already used. Sign in to get a new one.');
        await updateIdentity(tx, identityId, { emailVerifiedAt: at, updatedAt: at });
        return (await findIdentityById(tx, identityId))!;
      });
    },

    /**
     * Signs in with a password. Refused while the address or the client has too many recent
     * failures (even with the right password, so guessing cannot continue past the limit); an
     * unverified identity is refused only once the password is right, and sent a new link.
     */
    async signIn(
      email: string,
      password: string,
      client: { sourceIp: string | undefined },
    ): Promise<SessionGrant> {
      const keys = throttle.keys(email, client.sourceIp);
      await throttle.check(keys);
      const identity = await findIdentityByEmail(db, email);
      const matches = identity
        ? await verifyPassword(identity.passwordHash, password)
        : await verifyDecoy(password);
      if (!identity || !matches) {
        await throttle.fail(keys);
        throw new DomainError('Unauthorized', WRONG_CREDENTIALS);
      }
      await throttle.succeed(keys);
      if (!identity.emailVerifiedAt) {
        await jobs.enqueue(db, SEND_VERIFICATION_JOB, { identityId: identity.id });
        throw new DomainError(
          'PreconditionFailed',
          `Confirm your email address first: we have sent a new link to ${identity.email}.`,
        );
      }
      // Hashes made with older parameters are upgraded while the password is at hand.
      const rehashed = needsRehash(identity.passwordHash) ? await hashPassword(password) : undefined;
      return db.transaction().execute(async (tx) => {
        if (rehashed)
          await updateIdentity(tx, identity.id, {
            passwordHash: rehashed,
            updatedAt: clock.now().toISOString(),
          });
        return startSession(tx, identity);
      });
    },

    /** Always answers the same; sends a reset link only when the address has an identity. */
    async requestPasswordReset(email: string): Promise<void> {
      const identity = await findIdentityByEmail(db, checkEmail(email));
      if (identity) await jobs.enqueue(db, SEND_PASSWORD_RESET_JOB, { identityId: identity.id });
    },

    /** Whether a reset link still works (the form is shown only for one that does). */
    async isPasswordResetTokenUsable(token: string): Promise<boolean> {
      return isIdentityTokenUsable(db, hashOpaqueToken(token), 'reset-password', clock.now().toISOString());
    },

    /**
     * Sets a new password through a reset link. Every session of the identity ends (whoever knew
     * the old password is signed out), the address counts as verified (the link came to it), and
     * the address's failed attempts are forgotten.
     */
    async resetPassword(token: string, password: string): Promise<IdentityRecord> {
      const passwordHash = await hashPassword(checkPassword(password));
      return db.transaction().execute(async (tx) => {
        const at = clock.now().toISOString();
        const identityId = await useIdentityToken(tx, hashOpaqueToken(token), 'reset-password', at);
        if (!identityId)
          throw notFound('This reset link has expired or was already used. Ask for a new one.');
        const identity = (await findIdentityById(tx, identityId))!;
        await updateIdentity(tx, identityId, {
          passwordHash,
          emailVerifiedAt: identity.emailVerifiedAt ?? at,
          updatedAt: at,
        });
        await revokeIdentitySessions(tx, identityId, at);
        await throttle.forget(tx, identity.email);
        return (await findIdentityById(tx, identityId))!;
      });
    },

    /** The identity signed in with this cookie value, while the session lasts. */
    async sessionIdentity(token: string): Promise<IdentityRecord | undefined> {
      return findLiveSessionIdentity(db, hashOpaqueToken(token), clock.now().toISOString());
    },

    async signOut(token: string): Promise<void> {
      await revokeBrowserSession(db, hashOpaqueToken(token), clock.now().toISOString());
    },

    /** Ends every browser session of the identity (LogoutUser, suspension, removal). */
    async revokeSessions(tx: Db, identityId: string): Promise<number> {
      return revokeIdentitySessions(tx, identityId, clock.now().toISOString());
    },
  };
}
