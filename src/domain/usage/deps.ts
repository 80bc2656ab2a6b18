import type { JobKind } from '../../jobs/kinds.js';
import type { DomainDeps } from '../deps.js';
import { DEFAULT_BILLING_TERMS, type BillingTerms } from './rule.js';

export const CLOSE_USAGE_MONTH_JOB = 'usage.close-month' satisfies JobKind;

/** The operator's billing settings (BELFRY_USAGE_*, docs/configuration.md). */
export interface UsageSettings {
  terms: BillingTerms;
  /** the label amounts carry; amounts are in its hundredths ("cents") */
  currency: string;
  /** days after a month has ended in the account's zone before it closes */
  closeAfterDays: number;
  /** the app clients that may report meetings (the platform's meetings service) */
  reporterClientIds: readonly string[];
}

export interface UsageDeps extends DomainDeps {
  usage: UsageSettings;
}

/** Chime's pricing, for services built without a configuration (benchmarks, unit tests). */
export const DEFAULT_USAGE_SETTINGS: UsageSettings = {
  terms: DEFAULT_BILLING_TERMS,
  currency: 'USD',
  closeAfterDays: 3,
  reporterClientIds: [],
};
