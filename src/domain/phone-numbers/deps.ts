import type { JobKind } from '../../jobs/kinds.js';
import type { DomainDeps } from '../deps.js';
import type { Carrier } from './carrier.js';

export interface PhoneDeps extends DomainDeps {
  carrier: Carrier;
}

export const PROCESS_ORDER_JOB = 'process-phone-number-order' satisfies JobKind;
export const RELEASE_NUMBER_JOB = 'release-phone-number' satisfies JobKind;
export const APPLY_CALLING_NAME_JOB = 'apply-calling-name' satisfies JobKind;
