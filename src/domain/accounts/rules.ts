import { invalid } from '../errors.js';
import type { AccountRecord, License } from '../../store/accounts.js';

export const ACCOUNT_NAME_MAX = 100;
/** Tiers an administrator may give; ProTrial is a personal state that only sign-up starts. */
export const ASSIGNABLE_LICENSES: readonly License[] = ['Basic', 'Plus', 'Pro'];

/** 1–100 code points with at least one non-space, as the model's AccountName. */
export function checkAccountName(name: string): string {
  const length = [...name].length;
  if (length < 1 || length > ACCOUNT_NAME_MAX)
    throw invalid(`Account name must be 1 to ${ACCOUNT_NAME_MAX} characters, not ${length}`);
  if (!/\S/u.test(name)) throw invalid('Account name must contain a non-space character');
  return name;
}

export function checkLicenseForAccount(license: License, supported: readonly License[]): License {
  if (!ASSIGNABLE_LICENSES.includes(license)) throw invalid(`License ${license} cannot be assigned`);
  if (!supported.includes(license))
    throw invalid(`License ${license} is not offered by this account (it offers ${supported.join(', ')})`);
  return license;
}

/**
 * A new account as CreateAccount makes it: always Team (a type changes only through identity
 * set-up), Pro by default, offering Basic and Pro.
 */
export function newAccountRecord(id: string, name: string, at: string): AccountRecord {
  return {
    id,
    name,
    type: 'Team',
    status: 'Active',
    defaultLicense: 'Pro',
    supportedLicenses: ['Basic', 'Pro'],
    disableRemoteControl: undefined,
    enableDialOut: undefined,
    createdAt: at,
    updatedAt: at,
    deletedAt: undefined,
    purgeAfter: undefined,
  };
}
