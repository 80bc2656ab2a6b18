import { ResultCodeError } from 'ldapts';
import { LdapFailure } from '../types.js';

/** LDAP result codes this client reads (RFC 4511). */
export const resultCode = {
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  strongAuthRequired: 8,
  referral: 10,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  inappropriateMatching: 18,
  noSuchObject: 32,
  invalidCredentials: 49,
} as const;

/** The LDAP result code of a server's answer, or undefined for a local or transport failure. */
export function ldapCode(error: unknown): number | undefined {
  return error instanceof ResultCodeError ? error.code : undefined;
}

/** The server's diagnostic without ldapts's " Code: 0x31" suffix. */
export function diagnostic(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
}

const tlsCodes: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by the configured CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not signed by the configured CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a CA that is not the configured one',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it presents a self-signed certificate',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not name this host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it does not speak TLS on this port',
};

/** Why TLS failed, in words, when `error` is a TLS failure. */
export function tlsProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const known = tlsCodes[code];
  if (known) return `${known} (${code})`;
  if (/^(ERR_TLS_|ERR_SSL_|CERT_)/.test(code)) return `${diagnostic(error)} (${code})`;
  return undefined;
}

const transportCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EADDRNOTAVAIL',
]);

/** A failure of the connection itself (nothing answered, or the answer was cut off). */
export function isTransportFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && transportCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection timeout|Connection closed|Socket error|Operation timed out|Socket connection not established/.test(
    message,
  );
}

/**
 * A failure of a search after the connection was bound: the answer stopped short
 * (`truncated`: also any error after the first page), the base is missing, or the filter was
 * refused. `what` names the search in the message.
 */
export function searchFailure(error: unknown, what: string, pagesRead: number): LdapFailure {
  if (error instanceof LdapFailure) return error;
  const code = ldapCode(error);
  const detail = diagnostic(error);
  if (isTransportFailure(error))
    return new LdapFailure('truncated', `${what}: the connection dropped mid-answer (${detail})`);
  if (
    code === resultCode.sizeLimitExceeded ||
    code === resultCode.timeLimitExceeded ||
    code === resultCode.adminLimitExceeded
  ) {
    return new LdapFailure(
      'truncated',
      `${what}: the DC stopped the answer (${detail}); nothing is applied from a partial answer`,
    );
  }
  if (pagesRead > 0)
    return new LdapFailure(
      'truncated',
      `${what}: the paged search ended after ${pagesRead} pages (${detail})`,
    );
  if (code === resultCode.noSuchObject)
    return new LdapFailure('no_such_base', `${what}: the base DN does not exist (${detail})`);
  if (code === resultCode.referral) {
    return new LdapFailure(
      'no_such_base',
      `${what}: the DC answered with a referral: the base DN is not in its directory (${detail})`,
    );
  }
  if (code === resultCode.protocolError || code === resultCode.inappropriateMatching) {
    return new LdapFailure('invalid_filter', `${what}: the DC refused the filter (${detail})`);
  }
  if (code === resultCode.unavailableCriticalExtension) {
    return new LdapFailure('protocol', `${what}: the DC does not support paged results (${detail})`);
  }
  return new LdapFailure('protocol', `${what}: ${detail}`);
}
