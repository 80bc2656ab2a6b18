import type { UserBindOutcome } from '../types.js';

type Refusal = Extract<UserBindOutcome, { ok: false }>['reason'];

/**
 * AD (and Samba) explain a refused bind (result 49) with a Windows error after `data` in the
 * diagnostic message: `80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error,
 * data 533, v1db1`. The code is what tells a wrong password from a disabled or locked account.
 */
const subCodes: Record<string, { reason: Refusal; meaning: string }> = {
  '52e': { reason: 'wrong_password', meaning: 'the password is wrong' },
  '525': { reason: 'no_such_user', meaning: 'no such user' },
  '530': { reason: 'logon_restricted', meaning: 'not permitted to log on at this time' },
  '531': { reason: 'logon_restricted', meaning: 'not permitted to log on from this workstation' },
  '532': { reason: 'password_expired', meaning: 'the password has expired' },
  '533': { reason: 'disabled', meaning: 'the account is disabled' },
  '701': { reason: 'account_expired', meaning: 'the account has expired' },
  '773': { reason: 'must_change_password', meaning: 'the password must be changed' },
  '775': { reason: 'locked_out', meaning: 'the account is locked out' },
};

/** The sub-code (lower-case hex) in a bind error's diagnostic message, when there is one. */
export function adSubCode(diagnostic: string): string | undefined {
  return /\bdata ([0-9a-f]{3,8})\b/i.exec(diagnostic)?.[1]?.toLowerCase();
}

/** What a person's refused bind means; a refusal without a known sub-code is a wrong password. */
export function refusalReason(diagnostic: string): Refusal {
  const code = adSubCode(diagnostic);
  return (code && subCodes[code]?.reason) || 'wrong_password';
}

/** "AD sub-code 533: the account is disabled", for an administrator reading a failure. */
export function describeSubCode(diagnostic: string): string | undefined {
  const code = adSubCode(diagnostic);
  if (!code) return undefined;
  const known = subCodes[code];
  return known ? `AD sub-code ${code}: ${known.meaning}` : `AD sub-code ${code}`;
}
