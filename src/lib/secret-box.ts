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
   * An HMAC-SHA256 of `data` under a key derived from the master key for `purpose` alone, for
   * values Belfry hands out and must recognise or make again later without storing them (a signed
   * cookie, an invitation link resent after a crash, the keyed hash a token is stored under). No
   * two purposes share a key.
   */
  mac(purpose: string, data: string): Buffer;
  readonly keyFingerprint: string;
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  const keyFingerprint = createHash('sha256').update(masterKey).digest('hex').slice(0, 8);
  const macKeys = new Map<string, Buffer>();
  return {
    keyFingerprint,
    mac(purpose, data) {
      let key = macKeys.get(purpose);
      if (!key) {
        key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `belfry mac: ${purpose}`, 32));
        macKeys.set(purpose, key);
      }
      return createHmac('sha256', key).update(data).digest();
    },
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
    mac: (purpose, data) => box.mac(purpose, data),
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
