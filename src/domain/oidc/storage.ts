import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Db } from '../../store/database.js';
import {
  consumeOidcModel,
  deleteExpiredOidcModels,
  deleteOidcModel,
  deleteOidcModelsOfGrant,
  findOidcModel,
  upsertOidcModel,
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
export function createProviderStorage(deps: StorageDeps): (name: string) => Adapter {
  const now = deps.now ?? Date.now;
  let lastSweep = 0;
  return (name) => (name === 'Client' ? clientAdapter(deps.clients) : modelAdapter(deps, name));

  function modelAdapter({ db, secrets, storedId }: StorageDeps, model: string): Adapter {
    const iso = (ms: number) => new Date(ms).toISOString();
    const hashed = (value: string | undefined) => (value === undefined ? undefined : storedId(value));
    const keepsId = FOUND_BY_UID.has(model);
    const read = async (column: 'id' | 'uid' | 'user_code', value: string) => {
      const found = await findOidcModel(db, model, { column, value: storedId(value) }, iso(now()));
      if (!found) return undefined;
      const payload = JSON.parse(secrets.open(found.payload)) as AdapterPayload;
      if (column === 'id') payload.jti = value;
      // The provider reads `consumed` to refuse a code or refresh token used twice.
      return found.consumedAt
        ? { ...payload, consumed: Math.floor(Date.parse(found.consumedAt) / 1000) }
        : payload;
    };
    return {
      async upsert(id, payload, expiresIn) {
        // Expired rows are swept now and then by whichever server writes, so none needs a job.
        if (now() - lastSweep > HOUR_MS) {
          lastSweep = now();
          await deleteExpiredOidcModels(db, iso(lastSweep));
        }
        const { jti: _id, ...rest } = payload;
        await upsertOidcModel(db, {
          model,
          id: storedId(id),
          payload: secrets.seal(JSON.stringify(keepsId ? payload : rest)),
          grantId: hashed(payload.grantId),
          uid: hashed(payload.uid),
          userCode: hashed(payload.userCode),
          expiresAt: expiresIn ? iso(now() + expiresIn * 1000) : undefined,
        });
      },
      find: (id) => read('id', id),
      findByUid: (uid) => read('uid', uid),
      findByUserCode: (userCode) => read('user_code', userCode),
      consume: (id) => consumeOidcModel(db, model, storedId(id), iso(now())),
      async destroy(id) {
        await deleteOidcModel(db, model, storedId(id));
        if (model === 'Grant') await deleteSignIn(db, storedId(id));
      },
      async revokeByGrantId(grantId) {
        await deleteOidcModelsOfGrant(db, storedId(grantId));
        await deleteSignIn(db, storedId(grantId));
      },
    };
  }
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
