/** Moved to src/domain/sign-in (one decision for every way in); kept so older imports still work. */
export {
  decideSignIn,
  type BelfryClaims,
  type GateDecision,
  type Refusal,
  type SignInFacts,
} from '../sign-in/index.js';
