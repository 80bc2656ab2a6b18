import type { JobKind } from '../../jobs/kinds.js';
import type { DomainDeps } from '../deps.js';
import type { TxtLookup } from './dns.js';

export const CHECK_DOMAIN_JOB = 'domain.check' satisfies JobKind;

/** When claims are checked; from the configuration (docs/configuration.md). */
export interface DomainSchedule {
  /** how long a claim may stay PendingVerification before it is Failed */
  verificationMs: number;
  /** between two checks of a pending claim */
  pendingCheckMs: number;
  /** between two re-checks of a held domain */
  recheckMs: number;
}

/** What the claimed-domains area needs beyond the common domain deps. */
export interface DomainsDeps extends DomainDeps {
  lookupTxt: TxtLookup;
  domainSchedule: DomainSchedule;
}
