import type { DomainDeps } from '../deps.js';
import type { Carrier } from './carrier.js';

export interface PhoneDeps extends DomainDeps {
  carrier: Carrier;
}

export const PROCESS_ORDER_JOB = 'process-phone-number-order';
export const RELEASE_NUMBER_JOB = 'release-phone-number';
export const APPLY_CALLING_NAME_JOB = 'apply-calling-name';
