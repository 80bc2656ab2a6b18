import type { DirectorySignInOutcome } from '../directory/contract.js';
import { DomainError, type ErrorKind } from '../errors.js';

/** The codes a directory answers a sign-in with (contract.ts). */
export type DirectoryRefusalCode = Extract<DirectorySignInOutcome, { kind: 'refused' }>['code'];

/**
 * Every reason a sign-in is refused, whichever way the person came in. Programs (the pages, the
 * apps' interactions, the token checks) branch on these, never on the sentence.
 */
export type RefusalCode = 'unverified' | 'suspended' | 'account_deleted' | 'no_tier' | DirectoryRefusalCode;

/** Why a sign-in is refused: a stable code for programs, and a sentence for the person. */
export interface Refusal {
  code: RefusalCode;
  reason: string;
}

/** One message for a wrong address and a wrong password: neither says which addresses exist. */
export const WRONG_CREDENTIALS = 'The email or password is wrong';

const KIND: Record<RefusalCode, ErrorKind> = {
  wrong_credentials: 'Unauthorized',
  unverified: 'PreconditionFailed',
  suspended: 'PreconditionFailed',
  account_deleted: 'PreconditionFailed',
  no_tier: 'PreconditionFailed',
  disabled: 'PreconditionFailed',
  account_expired: 'PreconditionFailed',
  password_expired: 'PreconditionFailed',
  must_change_password: 'PreconditionFailed',
  locked_out: 'PreconditionFailed',
  logon_restricted: 'PreconditionFailed',
  directory_unavailable: 'Unavailable',
  use_identity_provider: 'PreconditionFailed',
  not_provisioned: 'PreconditionFailed',
  idp_refused: 'PreconditionFailed',
};

/**
 * The error every way in throws for a refused sign-in. Its message is what the form shows (the
 * password pages keep their own wording for some codes); `refusal.reason` is what an app hears.
 * `countsAsFailure`: the credentials were wrong, so the sign-in throttle counts it (a wrong
 * password does; a directory outage does not).
 */
export class SignInRefused extends DomainError {
  readonly countsAsFailure: boolean;
  constructor(
    readonly refusal: Refusal,
    options: { message?: string; countsAsFailure?: boolean } = {},
  ) {
    super(KIND[refusal.code], options.message ?? refusal.reason);
    this.countsAsFailure = options.countsAsFailure ?? false;
  }
}

/** The wrong address or password, counted by the throttle. */
export const wrongCredentials = () =>
  new SignInRefused({ code: 'wrong_credentials', reason: WRONG_CREDENTIALS }, { countsAsFailure: true });

/**
 * Refusals the person's account decided (suspended, deleted, no tier): nothing typed at a form
 * changes them, so an app's sign-in ends with the reason (`access_denied`) instead of the form.
 */
export function isAccountRefusal(code: RefusalCode): boolean {
  return code === 'suspended' || code === 'account_deleted' || code === 'no_tier';
}
