import {
  findIdentityByEmail,
  findIdentityById,
  findLiveSession,
  findUsableIdentityToken,
  insertBrowserSession,
  insertIdentity,
  isIdentityTokenUsable,
  revokeBrowserSession,
  retireIdentityTokens,
  revokeIdentitySessions,
  updateIdentity,
  useIdentityToken,
  type IdentityRecord,
} from '../../store/identities.js';
import type { Db } from '../../store/database.js';
import { deleteSignInsOfIdentity } from '../../store/oidc-sign-ins.js';
import { normalizeEmail } from '../../store/users.js';
import { auditedChange, recordRefusal } from '../audit/trail.js';
import { DomainError, notFound } from '../errors.js';
import { checkEmail } from '../users/rules.js';
import {
  IDENTITY_RULES,
  SEND_ALREADY_REGISTERED_JOB,
  SEND_PASSWORD_RESET_JOB,
  SEND_VERIFICATION_JOB,
  type IdentityDeps,
} from './deps.js';
import { anonymousActor, identityActor, unknownClient, type Client } from './actor.js';
import { checkPassword, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { createCredentialCheck, type DirectorySignIn } from './credentials.js';
import type { DirectorySignInOutcome } from '../directory/contract.js';
import {
  decideFor,
  SignInRefused,
  WRONG_CREDENTIALS,
  wrongCredentials,
  type Refusal,
} from '../sign-in/index.js';
import { hashOpaqueToken, newOpaqueToken } from './secrets.js';
import { createInvitationAcceptance } from './invitations.js';
import { createMailBudget, createThrottle } from './throttle.js';
import { domainJoinPending, joinByDomain } from '../domains/auto-join.js';

export type { IdentityRecord as Identity };

/** A signed-in browser: the cookie's raw value (shown once, stored hashed) and when it ends. */
export interface SessionGrant {
  token: string;
  expiresAt: Date;
  identity: IdentityRecord;
}

/** Who tries a password: where from, and the device cookie their browser sent (see devices.ts). */
export interface SignInClient {
  sourceIp: string | undefined;
  requestId?: string;
  device?: string | undefined;
}

/** A password sign-in's session, and the device cookie to set (for as long as `deviceMs`). */
export interface SignInGrant extends SessionGrant {
  device: string;
}

export { WRONG_CREDENTIALS };

/** Shown on Belfry's pages to a suspended member, or one of a deleted account, with the right password. */
export const ACCESS_SUSPENDED = 'Your account access is suspended; contact your administrator';

/**
 * The password pages' own wording of some refusals (an app hears the decision's `reason`): the
 * sign-in form says how to confirm an address, and says less about an account than an app does.
 */
function pageMessage(refusal: Refusal, email: string): string | undefined {
  if (refusal.code === 'unverified')
    return `Confirm your email address first: open the link we sent to ${email} when you registered, or use "Forgot your password?" to get a new one.`;
  if (refusal.code === 'suspended' || refusal.code === 'account_deleted') return ACCESS_SUSPENDED;
  return undefined;
}

export type IdentitiesService = ReturnType<typeof createIdentities>;

/** People's own sign-in: registration, email verification, password sign-in and reset, sessions. */
export function createIdentities(deps: IdentityDeps & { directorySignIn?: DirectorySignIn | undefined }) {
  const { db, ids, clock, jobs } = deps;
  const throttle = createThrottle(deps);
  const credentials = createCredentialCheck(deps);
  const mailBudget = createMailBudget(deps);
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

  /** The gate for a person whose credentials held; a member of a domain's account joins it. */
  async function admit(identity: IdentityRecord, who: Client): Promise<void> {
    const decision = await decideFor(db, identity, clock.now());
    if (!decision.allowed) {
      const message = pageMessage(decision.refusal, identity.email);
      throw new SignInRefused(decision.refusal, { ...(message !== undefined && { message }) });
    }
    // Before the session starts: leaving a Team account for the domain's signs that one out.
    await joinByDomain(deps, identity, identityActor(identity.id, who));
  }

  /** Refused sign-ins go in the installation's trail (see `signIn`). */
  async function fileRefusal(error: unknown, email: string, client: SignInClient): Promise<void> {
    const actor = anonymousActor({ ...unknownClient(), ...client });
    const subject = { operation: 'SignIn', targetType: 'Identity', details: { email: email.trim() } };
    if (error instanceof DomainError && error.kind !== 'Throttled')
      await recordRefusal(deps, actor, subject, error);
  }

  async function passwordSignIn(email: string, password: string, client: SignInClient): Promise<SignInGrant> {
    const attempt = { subject: normalizeEmail(email), sourceIp: client.sourceIp, device: client.device };
    const who = { ...unknownClient(), ...client };
    const checked = await throttle.check(attempt, () => credentials.holder(email, password, who));
    if (!checked) throw wrongCredentials();
    const { identity, via } = checked.value;
    await admit(identity, who);
    // Hashes made with older parameters are upgraded while the password is at hand.
    const rehashed =
      via === 'password' && needsRehash(identity.passwordHash) ? await hashPassword(password) : undefined;
    return db.transaction().execute(async (tx) => {
      if (rehashed)
        await updateIdentity(tx, identity.id, {
          passwordHash: rehashed,
          updatedAt: clock.now().toISOString(),
        });
      return { ...(await startSession(tx, identity)), device: checked.device };
    });
  }

  /** Counts a mail-sending request against the client and the address; refuses past either limit. */
  async function spendMailBudget(email: string, client: Client): Promise<void> {
    const minutes = Math.round(IDENTITY_RULES.mail.windowMs / 60_000);
    if (!(await mailBudget.clientMayAsk(client.sourceIp)))
      throw new DomainError('Throttled', `Too many requests from your network. Wait ${minutes} minutes.`);
    // Counted whether or not the address has an identity, so the refusal reveals nothing.
    if (!(await mailBudget.addressMayReceive(email)))
      throw new DomainError(
        'Throttled',
        `Too many emails have been sent to this address. Wait ${minutes} minutes, then try again.`,
      );
  }

  /** The person behind a browser session and when they entered their password to open it. */
  async function browserSession(
    token: string,
  ): Promise<{ identity: IdentityRecord; signedInAt: Date } | undefined> {
    const session = await findLiveSession(db, hashOpaqueToken(token), clock.now().toISOString());
    if (!session || !(await decideFor(db, session.identity, clock.now())).allowed) return undefined;
    return { identity: session.identity, signedInAt: new Date(session.signedInAt) };
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
     *
     * Only a new identity is audited: a second registration of an address changes nothing.
     */
    async register(
      input: {
        email: string;
        password: string;
        invitationToken?: string | undefined;
      },
      client: Client = unknownClient(),
    ): Promise<{ session: SessionGrant | undefined }> {
      const email = checkEmail(input.email);
      const password = checkPassword(input.password);
      // Counted before the password is hashed: argon2's cost is not free for anyone to spend.
      await spendMailBudget(email, client);
      const passwordHash = await hashPassword(password);
      const proven =
        input.invitationToken !== undefined &&
        (await acceptance.invitationProvesAddress(input.invitationToken, email));
      const id = ids.uuid();
      const subject = {
        operation: 'RegisterIdentity',
        targetType: 'Identity',
        targetId: id,
        details: { email, verifiedByInvitation: proven },
      };
      return auditedChange(deps, identityActor(id, client), subject, async (tx, log) => {
        const at = clock.now().toISOString();
        const identity: IdentityRecord = {
          id,
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
          log.onlyItems(); // and no items: nothing was registered
          return { session: undefined };
        }
        if (proven) return { session: await startSession(tx, identity) };
        await jobs.enqueue(tx, SEND_VERIFICATION_JOB, { identityId: identity.id });
        return { session: undefined };
      });
    },

    /**
     * Spends a verification link; the address counts as the identity's from now on. Needs the
     * password chosen at registration as well as the link: the link proves the mailbox, the
     * password proves this is the registration being confirmed. Otherwise anyone could register
     * someone else's address with their own password and wait for the owner to click "confirm",
     * taking over the identity. The owner of such an address cannot confirm it (they do not know
     * that password); "Forgot your password?" lets them set their own, which also confirms the
     * address and ends every session. A wrong password spends nothing.
     */
    async verifyEmail(
      token: string,
      password: string,
      client: Client = unknownClient(),
    ): Promise<IdentityRecord> {
      const hash = hashOpaqueToken(token);
      const expired = () =>
        notFound(
          'This confirmation link has expired or was already used. Use "Forgot your password?" to get a new one.',
        );
      const owner = await findUsableIdentityToken(db, hash, 'verify-email', clock.now().toISOString());
      const identity = owner === undefined ? undefined : await findIdentityById(db, owner);
      if (!identity) throw expired();
      const actor = identityActor(identity.id, client);
      const subject = {
        operation: 'ConfirmIdentityEmail',
        targetType: 'Identity',
        targetId: identity.id,
        details: { email: identity.email },
      };
      if (!(await verifyPassword(identity.passwordHash, password))) {
        const wrong = new DomainError(
          'Unauthorized',
          'This is not the password chosen when this address was registered. Did not register, or forgot it? Use "Forgot your password?" to choose a new one.',
        );
        // Someone holding the link without the password: worth a line in the trail.
        await recordRefusal(deps, actor, subject, wrong);
        throw wrong;
      }
      const confirmed = await auditedChange(deps, actor, subject, async (tx) => {
        const at = clock.now().toISOString();
        if ((await useIdentityToken(tx, hash, 'verify-email', at)) !== identity.id) throw expired();
        await updateIdentity(tx, identity.id, { emailVerifiedAt: at, updatedAt: at });
        return (await findIdentityById(tx, identity.id))!;
      });
      // A confirmed address on a verified domain joins its account now (DESIGN §3).
      await joinByDomain(deps, confirmed, actor);
      return confirmed;
    },

    /**
     * Signs in with a password, under the sign-in throttle (throttle.ts): refused unchecked while
     * this client or device has too many recent failures for the address, or while the address's
     * run of failures from everywhere makes an unknown browser wait (even with the right
     * password, so guessing cannot continue past the limit). Once the password is right: an
     * unverified identity is refused (no new link is mailed: see `verifyEmail`), and so is a
     * suspended member or one of a deleted account (DESIGN §3). The grant carries the device
     * cookie that lets this browser keep its own budget for the address next time.
     */
    async signIn(email: string, password: string, client: SignInClient): Promise<SignInGrant> {
      try {
        return await passwordSignIn(email, password, client);
      } catch (error) {
        // Refused sign-ins go in the installation's trail: the address tried, from where, and
        // why. The throttle bounds how many per address and client or device; attempts it turns
        // away unchecked are not filed, or a flood of them would fill the trail (the request log
        // has them). Successful ones are the sessions themselves.
        await fileRefusal(error, email, client);
        throw error;
      }
    },

    /**
     * The session of a person their organisation's IdP signed in (the directory domain checked
     * the ID token and brought their membership up to date): their identity, vouched for by the
     * IdP, passes the same gate as a password sign-in.
     */
    async signInThroughIdp(
      outcome: Extract<DirectorySignInOutcome, { kind: 'signed_in' }>,
      client: SignInClient,
    ): Promise<SessionGrant> {
      const who = { ...unknownClient(), ...client };
      try {
        const identity = await credentials.vouched(outcome, who);
        await admit(identity, who);
        return await db.transaction().execute((tx) => startSession(tx, identity));
      } catch (error) {
        await fileRefusal(error, outcome.email, client);
        throw error;
      }
    },

    /** Always answers the same; sends a reset link only when the address has an identity. */
    async requestPasswordReset(email: string, client: Client = unknownClient()): Promise<void> {
      const address = checkEmail(email);
      await spendMailBudget(address, client);
      const identity = await findIdentityByEmail(db, address);
      if (identity) await jobs.enqueue(db, SEND_PASSWORD_RESET_JOB, { identityId: identity.id });
    },

    /** Whether a reset link still works (the form is shown only for one that does). */
    async isPasswordResetTokenUsable(token: string): Promise<boolean> {
      return isIdentityTokenUsable(db, hashOpaqueToken(token), 'reset-password', clock.now().toISOString());
    },

    /**
     * Sets a new password through a reset link. Every session of the identity ends, its browser
     * sessions and its apps' sign-ins alike (whoever knew the old password is signed out, and an
     * app's refresh token is refused), the address counts as verified (the link came to it), and
     * the address's failed attempts are forgotten.
     */
    async resetPassword(
      token: string,
      password: string,
      client: Client = unknownClient(),
    ): Promise<IdentityRecord> {
      const newPassword = checkPassword(password);
      const hash = hashOpaqueToken(token);
      const dead = () => notFound('This reset link has expired or was already used. Ask for a new one.');
      // The link's owner is looked up first so the audit event can name them (and so a dead link
      // costs no argon2 hash); the link is spent (and its owner checked again) inside the change.
      const owner = await findUsableIdentityToken(db, hash, 'reset-password', clock.now().toISOString());
      if (owner === undefined) throw dead();
      const passwordHash = await hashPassword(newPassword);
      const subject = { operation: 'ResetIdentityPassword', targetType: 'Identity', targetId: owner };
      return auditedChange(deps, identityActor(owner, client), subject, async (tx, log) => {
        const at = clock.now().toISOString();
        if ((await useIdentityToken(tx, hash, 'reset-password', at)) !== owner) throw dead();
        await retireIdentityTokens(tx, owner, 'reset-password');
        const identity = (await findIdentityById(tx, owner))!;
        await updateIdentity(tx, owner, {
          passwordHash,
          emailVerifiedAt: identity.emailVerifiedAt ?? at,
          updatedAt: at,
        });
        const sessionsEnded = await revokeIdentitySessions(tx, owner, at);
        const appSignInsEnded = await deleteSignInsOfIdentity(tx, owner);
        await throttle.forget(tx, normalizeEmail(identity.email));
        log.describe({
          email: identity.email,
          sessionsEnded,
          appSignInsEnded,
          ...(!identity.emailVerifiedAt && { emailConfirmed: true }),
        });
        return (await findIdentityById(tx, owner))!;
      });
    },

    /** The identity signed in with this cookie value, while the session lasts and access is not suspended. */
    async sessionIdentity(token: string): Promise<IdentityRecord | undefined> {
      return (await browserSession(token))?.identity;
    },

    browserSession,

    /** Whether the person's next password sign-in would join them to a domain's account. */
    domainJoinPending: (identity: IdentityRecord) => domainJoinPending(deps, identity),

    async signOut(token: string): Promise<void> {
      await revokeBrowserSession(db, hashOpaqueToken(token), clock.now().toISOString());
    },

    /** Ends every browser session of the identity (LogoutUser, suspension, removal). */
    async revokeSessions(tx: Db, identityId: string): Promise<number> {
      return revokeIdentitySessions(tx, identityId, clock.now().toISOString());
    },
  };
}
