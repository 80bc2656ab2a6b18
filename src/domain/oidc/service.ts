import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Db } from '../../store/database.js';
import { createClientRegistry } from './clients.js';
import { createSigningKeys } from './keys.js';
import { createAppSignIns } from './sign-ins.js';
import { createProviderStorage } from './storage.js';
import { storedIdOf } from './stored-ids.js';

export interface OidcDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  secrets: SecretBox;
  /** see OpenDatabase.changeMarker: app clients and the key set's version are kept while it holds */
  changeMarker?: (() => string | undefined) | undefined;
}

/** Belfry as the platform's OpenID provider: registered apps, signing keys, the sign-in gate. */
export function createOidc(deps: OidcDeps) {
  const clients = createClientRegistry(deps);
  const storedId = storedIdOf(deps.secrets);
  return {
    clients,
    keys: createSigningKeys(deps),
    signIns: createAppSignIns({ ...deps, storedId }),
    /** the provider's adapter factory: its models in Belfry's database, clients from the registry */
    storage: createProviderStorage({ db: deps.db, clients, secrets: deps.secrets, storedId }),
  };
}

export type OidcService = ReturnType<typeof createOidc>;
