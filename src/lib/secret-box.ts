import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) of secrets that must stay recoverable, such as SigV4
 * secret keys, which the server needs in clear to compute HMACs. The stored form names its
 * version and the key's fingerprint so a wrong master key is reported as such, not as corruption.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /**
   * A value only this installation can compute from `value`, the same each time: HMAC-SHA256
   * under a key derived from the master key for `purpose` (no two purposes share a key), as
   * 43 base64url characters. For secrets that must be made again rather than stored.
   */
  derive(purpose: string, value: string): string;
  readonly keyFingerprint: string;
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  const keyFingerprint = createHash('sha256').update(masterKey).digest('hex').slice(0, 8);
  const purposeKeys = new Map<string, Buffer>();
  const purposeKey = (purpose: string) => {
    let key = purposeKeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', masterKey, '', `belfry derive ${purpose}`, 32));
      purposeKeys.set(purpose, key);
    }
    return key;
  };
  return {
    keyFingerprint,
    derive: (purpose, value) => createHmac('sha256', purposeKey(purpose)).update(value).digest('base64url'),
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        'v1',
        keyFingerprint,
        iv.toString('base64'),
        tag.toString('base64'),
        body.toString('base64'),
      ].join(':');
    },
    open(sealed) {
      const [version, fingerprint, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || body === undefined)
        throw new Error('unrecognised sealed secret');
      if (fingerprint !== keyFingerprint)
        throw new Error(
          `secret was sealed with master key ${fingerprint}, not the configured ${keyFingerprint}`,
        );
      const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The same box, opening each sealed value once: callers on a hot path (SigV4, the live
 * entitlement check) open the same few secrets on every request, and each opening is an AES-GCM
 * decryption. A changed secret is a new sealed value, so nothing stale is ever returned.
 */
export function cachingOpens(box: SecretBox, maxEntries = 10_000): SecretBox {
  const opened = new Map<string, string>();
  return {
    keyFingerprint: box.keyFingerprint,
    seal: (plain) => box.seal(plain),
    derive: (purpose, value) => box.derive(purpose, value),
    open(sealed) {
      let plain = opened.get(sealed);
      if (plain === undefined) {
        plain = box.open(sealed);
        if (opened.size >= maxEntries) opened.clear();
        opened.set(sealed, plain);
      }
      return plain;
    },
  };
}
