/** The OpenID provider's domain: what other areas (and the protocol adapter) use. */
export { authenticateClient, type ClientSummary, type NewClient } from './clients.js';
export type { Entitlement } from './entitlements.js';
export type { BelfryClaims, GateDecision, Refusal } from '../sign-in/index.js';
export { createOidc, type OidcService } from './service.js';
