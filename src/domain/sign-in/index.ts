/** The one sign-in decision and its refusals, as every way in (and its adapter) uses them. */
export { decideSignIn, type BelfryClaims, type GateDecision, type SignInFacts } from './decision.js';
export { decideFor, loadSignInFacts, loadSignInFactsOf } from './facts.js';
export {
  isAccountRefusal,
  SignInRefused,
  WRONG_CREDENTIALS,
  wrongCredentials,
  type DirectoryRefusalCode,
  type Refusal,
  type RefusalCode,
} from './refusal.js';
