import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import type { PrivateJwk } from '../../domain/oidc/keys.js';

/** The digest and signature encoding each algorithm's JWS signature uses (RFC 7518 §3). */
const SIGNATURES: Record<string, { digest: string; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { digest: 'sha256' },
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
};

/**
 * A signing key the provider signs with through node:crypto, synchronously. Left to itself, the
 * provider signs through WebCrypto (jose), which hands every signature to the thread pool and
 * back: for an ES256 ID token that round trip costs several times the signature itself, and it
 * is most of a token refresh's CPU after the database. The key is the same JWK, kid and alg as
 * the provider would have loaded; only the public half is ever exported (the JWKS).
 */
export class SyncSigningKey extends ExternalSigningKey {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #signature: { digest: string; dsaEncoding?: 'ieee-p1363' };
  readonly #kid: string;
  readonly #alg: string;

  constructor(jwk: PrivateJwk) {
    super();
    const signature = SIGNATURES[jwk.alg];
    if (!signature) throw new Error(`signing key ${jwk.kid} has an unsupported algorithm ${jwk.alg}`);
    this.#signature = signature;
    this.#privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    this.#publicKey = createPublicKey(this.#privateKey);
    this.#kid = jwk.kid;
    this.#alg = jwk.alg;
  }

  override get kid(): string {
    return this.#kid;
  }

  override get alg(): string {
    return this.#alg;
  }

  override keyObject(): KeyObject {
    return this.#publicKey;
  }

  override sign(data: Uint8Array): Uint8Array {
    const { digest, dsaEncoding } = this.#signature;
    return sign(digest, data, dsaEncoding ? { key: this.#privateKey, dsaEncoding } : this.#privateKey);
  }
}
