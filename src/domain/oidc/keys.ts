import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Db } from '../../store/database.js';
import { ensureInstallationValue } from '../../store/installation.js';
import {
  insertSigningKey,
  listSigningKeys,
  setSigningKeyState,
  signingKeyVersion,
  type SigningKeyState,
} from '../../store/oidc-keys.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { invalid, notFound } from '../errors.js';

export interface KeyDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  secrets: SecretBox;
}

/** RS256: the algorithm every OpenID relying party must accept (OIDC Core §15.1). */
const ALG = 'RS256';

export interface SigningKeySummary {
  kid: string;
  alg: string;
  state: SigningKeyState;
  createdAt: string;
  updatedAt: string;
}

/** A private JWK as the provider's keystore takes it (`kid`, `alg` and `use` set). */
export type PrivateJwk = JsonWebKey & { kid: string; alg: string; use: 'sig' };

const COOKIE_KEYS = 'oidc_cookie_keys';

/**
 * The keys that sign ID tokens, kept sealed in the database so every server shares them.
 * Rotation adds a new active key and keeps the previous ones published, so tokens they signed
 * still verify; retiring a published key removes it from the JWKS once no token it signed is
 * still in use (ID tokens live minutes to hours: see BELFRY_OIDC_ID_TOKEN_TTL_SECONDS).
 */
export function createSigningKeys(deps: KeyDeps) {
  const { db, clock, secrets } = deps;

  async function addActiveKey(tx: Db): Promise<string> {
    const at = clock.now().toISOString();
    // Hex, not base64url: an id that began with "-" would read as an option on the command line
    // (`belfry oidc retire-key <kid>`).
    const kid = randomBytes(12).toString('hex');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk: PrivateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: ALG, use: 'sig' };
    await insertSigningKey(tx, {
      kid,
      alg: ALG,
      state: 'active',
      privateJwkSealed: secrets.seal(JSON.stringify(jwk)),
      createdAt: at,
      updatedAt: at,
    });
    return kid;
  }

  return {
    /**
     * Makes the first key on a fresh installation. Two servers starting at once both try; the
     * unique index on the active state lets one win and the other finds its key.
     */
    async ensureActiveKey(): Promise<void> {
      if ((await listSigningKeys(db)).some((k) => k.state === 'active')) return;
      try {
        await db.transaction().execute((tx) => addActiveKey(tx));
      } catch (error) {
        if (!(await listSigningKeys(db)).some((k) => k.state === 'active')) throw error;
      }
    },

    /** A new active key; the one it replaces stays published until retired. */
    async rotateKeys(actor: Actor): Promise<SigningKeySummary> {
      const subject = { operation: 'RotateSigningKeys', targetType: 'SigningKey' };
      const kid = await auditedChange(deps, actor, subject, async (tx, log) => {
        authorize(actor, 'operator');
        const active = (await listSigningKeys(tx)).find((k) => k.state === 'active');
        if (active)
          await setSigningKeyState(tx, active.kid, ['active'], 'published', clock.now().toISOString());
        const kid = await addActiveKey(tx);
        log.target({ targetId: kid });
        log.describe({ previousKid: active?.kid });
        return kid;
      });
      return (await this.listKeys()).find((k) => k.kid === kid)!;
    },

    /** Takes a published key out of the JWKS. The active key cannot be retired: rotate first. */
    async retireKey(actor: Actor, kid: string): Promise<void> {
      const subject = { operation: 'RetireSigningKey', targetType: 'SigningKey', targetId: kid };
      await auditedChange(deps, actor, subject, async (tx) => {
        authorize(actor, 'operator');
        const key = (await listSigningKeys(tx)).find((k) => k.kid === kid);
        if (!key) throw notFound(`Signing key ${kid} not found`);
        if (key.state === 'active')
          throw invalid(`Signing key ${kid} is the active key: rotate the keys first, then retire it`);
        await setSigningKeyState(tx, kid, ['published'], 'retired', clock.now().toISOString());
      });
    },

    async listKeys(): Promise<SigningKeySummary[]> {
      return (await listSigningKeys(db)).map(({ privateJwkSealed: _sealed, ...summary }) => summary);
    },

    /** Changes whenever a key is added, rotated or retired (see signingKeyVersion). */
    version: () => signingKeyVersion(db),

    /** The private keys the provider publishes (public halves) and signs with: active first. */
    async publishedKeys(): Promise<PrivateJwk[]> {
      const keys = (await listSigningKeys(db)).filter((k) => k.state !== 'retired');
      keys.sort((a, b) => Number(b.state === 'active') - Number(a.state === 'active'));
      return keys.map((k) => JSON.parse(secrets.open(k.privateJwkSealed)) as PrivateJwk);
    },

    /** The keys that sign the provider's cookies, made once and sealed like the signing keys. */
    async cookieKeys(): Promise<string[]> {
      const fresh = secrets.seal(JSON.stringify([randomBytes(32).toString('base64url')]));
      return JSON.parse(secrets.open(await ensureInstallationValue(db, COOKIE_KEYS, fresh))) as string[];
    },
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
