import {
  findIdentityByEmail,
  findIdentityById,
  insertIdentity,
  updateIdentity,
  type IdentityRecord,
} from '../../store/identities.js';
import { findUserById, updateUser } from '../../store/users.js';
import { auditedChange } from '../audit/trail.js';
import { announceEntitlementChange } from '../entitlements/announce.js';
import type { DirectorySignInOutcome } from '../directory/contract.js';
import { SignInRefused } from '../sign-in/index.js';
import { identityActor, type Client } from './actor.js';
import type { IdentityDeps } from './deps.js';
import { verifyDecoy, verifyPassword } from './passwords.js';

/** AD sign-in (issue 13 item 7): the directory domain's `signIn`, when a directory service exists. */
export type DirectorySignIn = (email: string, password: string) => Promise<DirectorySignInOutcome>;

/** Whose credentials these are, and who vouched for them. */
export interface CredentialHolder {
  identity: IdentityRecord;
  /** the directory checked them: no Belfry password to rehash */
  via: 'password' | 'directory';
}

/**
 * Stored as the password hash of an identity the directory vouched for. Not a PHC string, so
 * argon2 cannot read it and `verifyPassword` answers false for every password: the Belfry
 * password path can never match it.
 */
export const DIRECTORY_ONLY_PASSWORD = '!directory-sign-in';

/**
 * Checks credentials for the sign-in throttle's `check` (throttle.ts), so a directory bind goes
 * through the same budgets as a Belfry password. The directory answers first: an address that is
 * not a directory account's falls through to the Belfry password. A wrong credential is counted
 * (SignInRefused with `countsAsFailure`, or undefined for a wrong Belfry password); a directory
 * that could not answer throws a refusal the throttle does not count.
 */
export function createCredentialCheck(
  deps: IdentityDeps & { directorySignIn?: DirectorySignIn | undefined },
) {
  const { db, ids, clock, directorySignIn } = deps;

  /** The identity whose Belfry password this is, or undefined (a wrong address costs the same hash). */
  async function passwordHolder(email: string, password: string): Promise<IdentityRecord | undefined> {
    const identity = await findIdentityByEmail(db, email);
    const matches = identity
      ? await verifyPassword(identity.passwordHash, password)
      : await verifyDecoy(password);
    return identity && matches ? identity : undefined;
  }

  /**
   * The identity of an address the directory vouched for: found, or created verified. An
   * unverified identity of the address (registered by anyone, with any password) is verified
   * and loses that password, so whoever registered it cannot take the person's sign-in over.
   */
  async function vouchedIdentity(email: string, client: Client): Promise<IdentityRecord> {
    const existing = await findIdentityByEmail(db, email);
    if (existing?.emailVerifiedAt) return existing;
    const id = existing?.id ?? ids.uuid();
    const subject = {
      operation: existing ? 'ConfirmIdentityEmail' : 'RegisterIdentity',
      targetType: 'Identity',
      targetId: id,
      details: { email, verifiedByDirectory: true },
    };
    return auditedChange(deps, identityActor(id, client), subject, async (tx) => {
      const at = clock.now().toISOString();
      const vouched = { passwordHash: DIRECTORY_ONLY_PASSWORD, emailVerifiedAt: at, updatedAt: at };
      const fresh = { id, email, ...vouched, proTrialEndsAt: undefined, createdAt: at };
      if (!existing && (await insertIdentity(tx, fresh))) return (await findIdentityById(tx, id))!;
      // Read again inside the change: someone may have registered or confirmed it meanwhile.
      const current = (await findIdentityByEmail(tx, email))!;
      if (!current.emailVerifiedAt) await updateIdentity(tx, current.id, vouched);
      return (await findIdentityById(tx, current.id))!;
    });
  }

  /**
   * A directory user is Unregistered from their first sync until they first sign in (issue 13
   * item 3): that sign-in registers them, on the tier the directory gave (not the account's
   * default, as a domain join would). Nothing to do when the directory already registered them.
   */
  async function registerOnFirstSignIn(
    identityId: string,
    { accountId, userId }: { accountId: string; userId: string },
    client: Client,
  ): Promise<void> {
    const member = await findUserById(db, accountId, userId);
    if (member?.registrationStatus !== 'Unregistered') return;
    const subject = {
      operation: 'RegisterDirectoryUser',
      accountId,
      targetType: 'User',
      targetId: userId,
      details: { email: member.email },
    };
    await auditedChange(deps, identityActor(identityId, client), subject, async (tx) => {
      const at = clock.now().toISOString();
      await updateUser(tx, accountId, userId, {
        registrationStatus: 'Registered',
        registeredOn: at,
        updatedAt: at,
      });
      await announceEntitlementChange(tx, deps, (await findUserById(tx, accountId, userId))!, 'joined');
    });
  }

  /** The identity of a person a directory (AD bind, IdP's ID token) signed in, registered if new. */
  async function vouched(
    outcome: Extract<DirectorySignInOutcome, { kind: 'signed_in' }>,
    client: Client,
  ): Promise<IdentityRecord> {
    const identity = await vouchedIdentity(outcome.email, client);
    await registerOnFirstSignIn(identity.id, outcome, client);
    return identity;
  }

  return {
    vouched,

    async holder(email: string, password: string, client: Client): Promise<CredentialHolder | undefined> {
      const outcome: DirectorySignInOutcome = directorySignIn
        ? await directorySignIn(email, password)
        : { kind: 'not_directory' };
      if (outcome.kind === 'signed_in') return { identity: await vouched(outcome, client), via: 'directory' };
      if (outcome.kind === 'refused') {
        const { code, message, countsAsFailure } = outcome;
        throw new SignInRefused({ code, reason: message }, { countsAsFailure });
      }
      const identity = await passwordHolder(email, password);
      return identity && { identity, via: 'password' };
    },
  };
}
