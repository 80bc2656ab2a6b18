import type { SecretBox } from '../../lib/secret-box.js';

/**
 * The keyed hash (HMAC-SHA256 under a key derived from the master key) under which a value the
 * provider hands out is stored and looked up: tokens, codes, session and interaction ids, grant
 * ids. A copy of the database then holds nothing a browser or an app could present, and without
 * the master key not even a guess can be checked against it. Tokens carry 256 random bits, so
 * no slow hash is needed (unlike passwords).
 */
export type StoredId = (value: string) => string;

export function storedIdOf(secrets: Pick<SecretBox, 'mac'>): StoredId {
  return (value) => secrets.mac('oidc stored id', value).toString('base64url');
}
