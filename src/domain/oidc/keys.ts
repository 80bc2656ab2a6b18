import { generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import { keptWhileUnchanged } from '../../lib/kept-while-unchanged.js';
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
import type { IdTokenSigningAlg } from '../../store/oidc-clients.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { invalid, notFound } from '../errors.js';
import { ID_TOKEN_SIGNING_ALGS } from './clients.js';

export interface KeyDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  secrets: SecretBox;
  /** see OpenDatabase.changeMarker: the key set's version is kept while it holds */
  changeMarker?: (() => string | undefined) | undefined;
}

/**
 * An active key for each algorithm an app client may be registered for (see
 * ID_TOKEN_SIGNING_ALGS): ES256 by default, RS256 for the apps that verify only that.
 */
const KEY_TYPES: Record<IdTokenSigningAlg, () => KeyObject> = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
};

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
 * The keys that sign ID tokens, kept sealed in the database so every server shares them, one
 * active key per algorithm. Rotation adds a new active key for each and keeps the previous ones
 * published, so tokens they signed still verify; retiring a published key removes it from the JWKS once no token it signed is
 * still in use (ID tokens live minutes to hours: see BELFRY_OIDC_ID_TOKEN_TTL_SECONDS).
 */
export function createSigningKeys(deps: KeyDeps) {
  const { db, clock, secrets } = deps;
  // Read on every provider request; a rotation made elsewhere moves the marker.
  const versions = keptWhileUnchanged<string>(deps.changeMarker);

  async function addActiveKey(tx: Db, alg: IdTokenSigningAlg): Promise<string> {
    const at = clock.now().toISOString();
    // Hex, not base64url: an id that began with "-" would read as an option on the command line
    // (`belfry oidc retire-key <kid>`).
    const kid = randomBytes(12).toString('hex');
    const jwk: PrivateJwk = { ...KEY_TYPES[alg]().export({ format: 'jwk' }), kid, alg, use: 'sig' };
    await insertSigningKey(tx, {
      kid,
      alg,
      state: 'active',
      privateJwkSealed: secrets.seal(JSON.stringify(jwk)),
      createdAt: at,
      updatedAt: at,
    });
    return kid;
  }

  return {
    /**
     * Makes the first key of each algorithm (on a fresh installation, or one whose keys predate
     * an algorithm). Two servers starting at once both try; the unique index on the active key
     * of an algorithm lets one win and the other finds its key.
     */
    async ensureActiveKey(): Promise<void> {
      for (const alg of ID_TOKEN_SIGNING_ALGS) {
        const hasActive = async () =>
          (await listSigningKeys(db)).some((k) => k.state === 'active' && k.alg === alg);
        if (await hasActive()) continue;
        try {
          await db.transaction().execute((tx) => addActiveKey(tx, alg));
          versions.changed();
        } catch (error) {
          if (!(await hasActive())) throw error;
        }
      }
    },

    /** A new active key for each algorithm; the ones they replace stay published until retired. */
    async rotateKeys(actor: Actor): Promise<SigningKeySummary[]> {
      const subject = { operation: 'RotateSigningKeys', targetType: 'SigningKey' };
      const kids = await auditedChange(deps, actor, subject, async (tx, log) => {
        authorize(actor, 'operator');
        const keys = await listSigningKeys(tx);
        const kids: string[] = [];
        const previousKids: string[] = [];
        for (const alg of ID_TOKEN_SIGNING_ALGS) {
          const active = keys.find((k) => k.state === 'active' && k.alg === alg);
          if (active) {
            await setSigningKeyState(tx, active.kid, ['active'], 'published', clock.now().toISOString());
            previousKids.push(active.kid);
          }
          kids.push(await addActiveKey(tx, alg));
        }
        log.target({ targetId: kids.join(',') });
        log.describe({ kids, previousKids });
        return kids;
      });
      versions.changed();
      const listed = await this.listKeys();
      return kids.map((kid) => listed.find((k) => k.kid === kid)!);
    },

    /** Takes a published key out of the JWKS. The active key cannot be retired: rotate first. */
    async retireKey(actor: Actor, kid: string): Promise<void> {
      const subject = { operation: 'RetireSigningKey', targetType: 'SigningKey', targetId: kid };
      await auditedChange(deps, actor, subject, async (tx) => {
        authorize(actor, 'operator');
        const key = (await listSigningKeys(tx)).find((k) => k.kid === kid);
        if (!key) throw notFound(`Signing key ${kid} not found`);
        if (key.state === 'active')
          throw invalid(
            `Signing key ${kid} is the active key for ${key.alg}: rotate the keys first, then retire it`,
          );
        await setSigningKeyState(tx, kid, ['published'], 'retired', clock.now().toISOString());
      });
      versions.changed();
    },

    async listKeys(): Promise<SigningKeySummary[]> {
      return (await listSigningKeys(db)).map(({ privateJwkSealed: _sealed, ...summary }) => summary);
    },

    /** Changes whenever a key is added, rotated or retired (see signingKeyVersion). */
    version: () => versions.get('', () => signingKeyVersion(db)),

    /** The private keys the provider publishes (public halves) and signs with: active ones first. */
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
