import { AsyncLocalStorage } from 'node:async_hooks';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Db } from '../../store/database.js';
import {
  consumeOidcModel,
  deleteExpiredOidcModels,
  deleteOidcModel,
  deleteOidcModelsOfGrant,
  findOidcModel,
  findOidcModelById,
  upsertOidcModel,
  writeOidcModels,
  type OidcModelRow,
  type OidcWrites,
  type StoredOidcModel,
} from '../../store/oidc-models.js';
import { deleteSignIn } from '../../store/oidc-sign-ins.js';
import type { ClientRegistry } from './clients.js';
import type { StoredId } from './stored-ids.js';

export interface StorageDeps {
  db: Db;
  clients: Pick<ClientRegistry, 'openClient'>;
  /** seals the payloads */
  secrets: Pick<SecretBox, 'seal' | 'open'>;
  /** the keyed hash every look-up value is stored under */
  storedId: StoredId;
  /**
   * Milliseconds since the epoch. Expiry follows the provider's own time (the system clock),
   * which is what it stamps `iat`/`exp` with, not the domain's injected clock.
   */
  now?: () => number;
}

const HOUR_MS = 3_600_000;

/**
 * Models whose payload keeps their own id: a session is also found by its uid (when an
 * interaction resumes), and must then come back with the id its cookie carries. That cookie is
 * signed with keys sealed under the master key, so sealing its id costs nothing in protection.
 */
const FOUND_BY_UID = new Set(['Session']);

/**
 * oidc-provider's persistence in Belfry's database: every model in one table (so any number of
 * servers share sessions, codes and tokens), and registered apps read from the client registry,
 * secret opened, so the provider sees a client the moment it is created or deleted.
 *
 * Nothing stored can be presented back: each row is keyed by the keyed hash of its id (the token,
 * code, cookie value), and so are the grant, uid and user-code columns, hashed again before every
 * look-up. The payload is sealed, because the provider copies ids into other models' payloads
 * (an interaction holds its session's cookie value, its return URL its own id, tokens their
 * grant); and a token's or code's own id is left out of it altogether and given back from the
 * value being looked up, so not even the master key recovers a bearer token from a copy.
 */
export function createProviderStorage(deps: StorageDeps) {
  const now = deps.now ?? Date.now;
  const { db } = deps;
  let lastSweep = 0;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** Writes what a token request held, together (see commitTogether). */
  async function commitHeld(held: TokenRequest): Promise<void> {
    if (held.spend === undefined && held.saves.size === 0) return;
    const writes = { spend: held.spend, saves: [...held.saves.values()] };
    held.spend = undefined;
    held.saves.clear();
    const result = await writeOidcModels(db, writes);
    if (result.written) return;
    // Another request spent the same code or refresh token first: that is a reuse, and a
    // reuse ends the grant, as the provider ends it when it sees a spent token itself.
    held.refused = true;
    if (result.grantKey !== undefined) await revokeGrant(db, result.grantKey);
  }

  return {
    /** the provider's adapter factory */
    adapter: (name: string): Adapter =>
      name === 'Client' ? clientAdapter(deps.clients) : modelAdapter(name),

    /**
     * Runs a token request (`handle`) holding its writes, then writes them in one commit if the
     * request `succeeded()`, and none of them otherwise. A refresh writes three rows (the spent
     * token marked, the new refresh token, the access token); each its own commit, they cost
     * more than the rest of the storage. The spend only counts if no other request made it
     * first, so two refreshes racing with one token cannot both be answered: false means this
     * one lost (its grant is revoked) and must be refused.
     */
    async commitTogether(handle: () => Promise<void>, succeeded: () => boolean): Promise<boolean> {
      const held: TokenRequest = {
        spend: undefined,
        saves: new Map(),
        grants: new Map(),
        ids: new Map(),
        refused: false,
      };
      await tokenRequests.run(held, handle);
      if (succeeded()) await commitHeld(held);
      return !held.refused;
    },
  };

  function modelAdapter(model: string): Adapter {
    const { secrets, storedId } = deps;
    const keepsId = FOUND_BY_UID.has(model);
    /** The stored id, hashed once per token request (the same token and grant come up often). */
    const stored = (value: string): string => {
      const ids = tokenRequests.getStore()?.ids;
      let key = ids?.get(value);
      if (key === undefined) {
        key = storedId(value);
        ids?.set(value, key);
      }
      return key;
    };
    const hashed = (value: string | undefined) => (value === undefined ? undefined : stored(value));
    /** Before anything else reaches the database, a token request's held writes go first. */
    const written = async () => {
      const held = tokenRequests.getStore();
      if (held) await commitHeld(held);
    };
    const opened = (found: StoredOidcModel, jti: string | undefined) => {
      const payload = JSON.parse(secrets.open(found.payload)) as AdapterPayload;
      if (jti !== undefined) payload.jti = jti;
      // The provider reads `consumed` to refuse a code or refresh token used twice.
      return found.consumedAt
        ? { ...payload, consumed: Math.floor(Date.parse(found.consumedAt) / 1000) }
        : payload;
    };
    const findById = async (id: string) => {
      await written();
      const key = stored(id);
      const held = tokenRequests.getStore();
      // A grant read with the token that named it, earlier in this request.
      if (model === 'Grant' && held?.grants.has(key)) {
        const grant = held.grants.get(key);
        return grant && opened(grant, id);
      }
      const found = await findOidcModelById(db, model, key, iso(now()));
      if (found?.grantKey !== undefined) held?.grants.set(found.grantKey, found.grant);
      return found && opened(found, id);
    };
    const findBy = async (column: 'uid' | 'user_code', value: string) => {
      await written();
      const found = await findOidcModel(db, model, { column, value: stored(value) }, iso(now()));
      return found && opened(found, undefined);
    };
    return {
      async upsert(id, payload, expiresIn) {
        // Expired rows are swept now and then by whichever server writes, so none needs a job.
        if (now() - lastSweep > HOUR_MS) {
          lastSweep = now();
          await deleteExpiredOidcModels(db, iso(lastSweep));
        }
        const { jti: _id, ...rest } = payload;
        const row = {
          model,
          id: stored(id),
          payload: secrets.seal(JSON.stringify(keepsId ? payload : rest)),
          grantId: hashed(payload.grantId),
          uid: hashed(payload.uid),
          userCode: hashed(payload.userCode),
          expiresAt: expiresIn ? iso(now() + expiresIn * 1000) : undefined,
        };
        const held = tokenRequests.getStore();
        if (!held) return upsertOidcModel(db, row);
        held.saves.set(`${model} ${row.id}`, row);
        held.grants.delete(row.id);
      },
      find: findById,
      findByUid: (uid) => findBy('uid', uid),
      findByUserCode: (userCode) => findBy('user_code', userCode),
      async consume(id) {
        const held = tokenRequests.getStore();
        if (held?.spend !== undefined) await commitHeld(held);
        const spend = { model, id: stored(id), at: iso(now()) };
        if (held) held.spend = spend;
        else await consumeOidcModel(db, spend.model, spend.id, spend.at);
      },
      async destroy(id) {
        await written();
        await deleteOidcModel(db, model, stored(id));
        if (model === 'Grant') await deleteSignIn(db, stored(id));
      },
      async revokeByGrantId(grantId) {
        await written();
        await revokeGrant(db, stored(grantId));
      },
    };
  }
}

export type ProviderStorage = ReturnType<typeof createProviderStorage>;

/** A token request's writes, held until it ends, and what it read and hashed on the way. */
interface TokenRequest {
  spend: OidcWrites['spend'];
  /** by model and stored id: a model saved twice is written once, as last saved */
  saves: Map<string, OidcModelRow>;
  /** grants read with the token or code that named them, by stored id (undefined: none) */
  grants: Map<string, StoredOidcModel | undefined>;
  /** stored ids by value */
  ids: Map<string, string>;
  /** a held spend found its code or token already spent */
  refused: boolean;
}

const tokenRequests = new AsyncLocalStorage<TokenRequest>();

/** Everything issued under a grant, and its sign-in. */
async function revokeGrant(db: Db, grantKey: string): Promise<void> {
  await deleteOidcModelsOfGrant(db, grantKey);
  await deleteSignIn(db, grantKey);
}

/** Clients are registered through Belfry (CLI, extension operations), never through the provider. */
function clientAdapter(clients: StorageDeps['clients']): Adapter {
  const readOnly = async () => {
    throw new Error('app clients are registered through Belfry, not through the OpenID provider');
  };
  return {
    async find(id) {
      const client = await clients.openClient(id);
      if (!client) return undefined;
      return {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: client.name,
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: client.tokenEndpointAuthMethod,
        id_token_signed_response_alg: client.idTokenSigningAlg,
      };
    },
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    upsert: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: async () => undefined,
  };
}
