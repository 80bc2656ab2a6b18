import { createHash, randomBytes } from 'node:crypto';

/**
 * A bearer secret for a link or a cookie: 32 random bytes, base64url (URL- and cookie-safe).
 * Only its hash is stored, so a leaked table does not let anyone sign in or spend a link.
 */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256, hex: enough for high-entropy tokens (no salt or slow hash needed, unlike passwords). */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
