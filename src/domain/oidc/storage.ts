import type { Adapter, AdapterPayload } from 'oidc-provider';
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

export interface StorageDeps {
  db: Db;
  clients: Pick<ClientRegistry, 'openClient'>;
  /**
   * Milliseconds since the epoch. Expiry follows the provider's own time (the system clock),
   * which is what it stamps `iat`/`exp` with, not the domain's injected clock.
   */
  now?: () => number;
}

const HOUR_MS = 3_600_000;

/**
 * oidc-provider's persistence in Belfry's database: every model in one table (so any number of
 * servers share sessions, codes and tokens), and registered apps read from the client registry,
 * secret opened, so the provider sees a client the moment it is created or deleted.
 */
export function createProviderStorage(deps: StorageDeps): (name: string) => Adapter {
  const now = deps.now ?? Date.now;
  let lastSweep = 0;
  return (name) => (name === 'Client' ? clientAdapter(deps.clients) : modelAdapter(deps.db, name));

  function modelAdapter(db: Db, model: string): Adapter {
    const iso = (ms: number) => new Date(ms).toISOString();
    const read = async (column: 'id' | 'uid' | 'user_code', value: string) => {
      const found = await findOidcModel(db, model, { column, value }, iso(now()));
      if (!found) return undefined;
      const payload = JSON.parse(found.payload) as AdapterPayload;
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
        await upsertOidcModel(db, {
          model,
          id,
          payload: JSON.stringify(payload),
          grantId: payload.grantId,
          uid: payload.uid,
          userCode: payload.userCode,
          expiresAt: expiresIn ? iso(now() + expiresIn * 1000) : undefined,
        });
      },
      find: (id) => read('id', id),
      findByUid: (uid) => read('uid', uid),
      findByUserCode: (userCode) => read('user_code', userCode),
      consume: (id) => consumeOidcModel(db, model, id, iso(now())),
      async destroy(id) {
        await deleteOidcModel(db, model, id);
        if (model === 'Grant') await deleteSignIn(db, id);
      },
      async revokeByGrantId(grantId) {
        await deleteOidcModelsOfGrant(db, grantId);
        await deleteSignIn(db, grantId);
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
