import type { License } from '../../store/accounts.js';

/** What an app may let the person do; carried in tokens as the `entitlements` claim. */
export type Entitlement =
  'meetings:host' | 'meetings:attend' | 'chat' | 'calling:inbound' | 'calling:outbound' | 'sms';

/** The member's telephony as the phone-number area keeps it: a number and its three switches. */
export interface Telephony {
  phoneNumber: string | undefined;
  inbound: boolean;
  outbound: boolean;
  sms: boolean;
}

/**
 * The entitlements of a tier (DESIGN §3, §6). Everyone who may sign in attends meetings and
 * chats; hosting needs Pro (or a running Pro trial: `ProTrial`, also a free user's personal
 * trial). `Plus` is Basic with extras Chime never tied to hosting, so it does not host either.
 * Calling and SMS need an assigned number *and* the admin's switch for each (assigning a number
 * turns them off until the admin turns them on).
 */
export function entitlementsOf(tier: License | undefined, telephony: Telephony | undefined): Entitlement[] {
  const out: Entitlement[] = [];
  if (tier === 'Pro' || tier === 'ProTrial') out.push('meetings:host');
  out.push('meetings:attend', 'chat');
  if (telephony?.phoneNumber !== undefined) {
    if (telephony.inbound) out.push('calling:inbound');
    if (telephony.outbound) out.push('calling:outbound');
    if (telephony.sms) out.push('sms');
  }
  return out;
}
