/** Moved to src/domain/sign-in/facts.ts; kept so older imports still work. */
export { loadSignInFacts, loadSignInFactsOf } from '../sign-in/facts.js';
