import type { Entitlement } from '../oidc/entitlements.js';

export type { Entitlement };

/** Every entitlement, as apps name them in tokens, checks and webhooks. */
export const ENTITLEMENTS: readonly Entitlement[] = [
  'meetings:host',
  'meetings:attend',
  'chat',
  'calling:inbound',
  'calling:outbound',
  'sms',
];

export const isEntitlement = (value: string): value is Entitlement =>
  (ENTITLEMENTS as readonly string[]).includes(value);
