import type { License } from '../../store/accounts.js';
import type { IdentityRecord } from '../../store/identities.js';
import { isDirectoryAccount } from '../accounts/account-types.js';
import { entitlementsOf, type Entitlement } from '../oidc/entitlements.js';
import type { Membership } from '../../store/memberships.js';
import type { Refusal } from './refusal.js';

/** Everything the sign-in decision reads, loaded at one moment (facts.ts). */
export interface SignInFacts {
  identity: IdentityRecord;
  /** the person's one registered (or suspended) membership, if any */
  membership: Membership | undefined;
  /**
   * For a member of a directory account (AD, OIDC IdP): the tier the directory's groups give, or
   * null when they give none. Undefined when no directory decides (Team, EnterpriseLWA, or no
   * directory connected yet): the member's own license is the tier then.
   */
  directoryTier?: License | null | undefined;
}

/** The claims Belfry puts in ID tokens and userinfo, by scope (see provider.ts). */
export interface BelfryClaims {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  account_id?: string;
  /** the member's Chime `UserId` in that account, so an app can match a token to the admin API */
  user_id?: string;
  account_name?: string;
  account_type?: string;
  tier?: License;
  entitlements: Entitlement[];
  phone_number?: string;
  phone_number_verified?: boolean;
}

export type GateDecision =
  | { allowed: true; claims: BelfryClaims; accountId: string | undefined; userId: string | undefined }
  | { allowed: false; refusal: Refusal };

/**
 * The one sign-in decision (DESIGN §3–§5, §7), asked by every way in: a Belfry password, a
 * directory bind, a browser session reused, a token refreshed or read, the live entitlement
 * check. Refused: an address never confirmed, a suspended member,
 * a member of a deleted account, and a directory member whose groups give no tier. A person
 * without a membership (never invited, or removed from a Team account) signs in as a free user:
 * no account, no tier, attending and chatting, and hosting while their personal trial runs.
 */
export function decideSignIn(facts: SignInFacts, now: Date): GateDecision {
  const { identity, membership } = facts;
  if (!identity.emailVerifiedAt)
    return refuse('unverified', `Confirm your email address ${identity.email} first, then sign in again.`);
  if (!membership) return allow(facts, freeClaims(identity, now));
  const { member, account } = membership;
  if (account.status === 'Suspended')
    return refuse(
      'account_deleted',
      `The Belfry account "${account.name}" was deleted; contact its administrator.`,
    );
  if (member.registrationStatus === 'Suspended')
    return refuse(
      'suspended',
      `Your access to the Belfry account "${account.name}" is suspended; contact your administrator.`,
    );
  let tier = member.license;
  if (isDirectoryAccount(account.type) && facts.directoryTier !== undefined) {
    if (facts.directoryTier === null)
      return refuse(
        'no_tier',
        `Your directory groups give you no permission tier in "${account.name}"; ask your administrator to add you to a Belfry group.`,
      );
    tier = facts.directoryTier;
  }
  const telephony = {
    phoneNumber: member.primaryProvisionedNumber,
    inbound: member.telephony.inbound,
    outbound: member.telephony.outbound,
    sms: member.telephony.sms,
  };
  return allow(facts, {
    ...baseClaims(identity),
    ...(member.displayName !== undefined && { name: member.displayName }),
    account_id: account.id,
    user_id: member.id,
    account_name: account.name,
    account_type: account.type,
    tier,
    entitlements: entitlementsOf(tier, telephony),
    ...(telephony.phoneNumber !== undefined && {
      phone_number: telephony.phoneNumber,
      phone_number_verified: true,
    }),
  });
}

function baseClaims(identity: IdentityRecord): Pick<BelfryClaims, 'sub' | 'email' | 'email_verified'> {
  return { sub: identity.id, email: identity.email, email_verified: identity.emailVerifiedAt !== undefined };
}

/** A free user's tier claim is absent; the personal trial only adds hosting while it runs. */
function freeClaims(identity: IdentityRecord, now: Date): BelfryClaims {
  const trial = identity.proTrialEndsAt !== undefined && identity.proTrialEndsAt > now.toISOString();
  return { ...baseClaims(identity), entitlements: entitlementsOf(trial ? 'ProTrial' : undefined, undefined) };
}

function allow(facts: SignInFacts, claims: BelfryClaims): GateDecision {
  const member = facts.membership?.member;
  return { allowed: true, claims, accountId: member?.accountId, userId: member?.id };
}

function refuse(code: Refusal['code'], reason: string): GateDecision {
  return { allowed: false, refusal: { code, reason } };
}
