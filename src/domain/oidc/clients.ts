import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import { keptWhileUnchanged } from '../../lib/kept-while-unchanged.js';
import { cachingOpens, type SecretBox } from '../../lib/secret-box.js';
import type { Db } from '../../store/database.js';
import {
  deleteClient as deleteClientRow,
  findClientById,
  insertClient,
  listClients as listClientRows,
  type ClientRecord,
  type IdTokenSigningAlg,
  type TokenEndpointAuthMethod,
} from '../../store/oidc-clients.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { invalid, notFound } from '../errors.js';
import { checkRedirectUris } from './redirect-uris.js';

export interface ClientDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  secrets: SecretBox;
  /** see OpenDatabase.changeMarker: clients read are kept while it holds */
  changeMarker?: (() => string | undefined) | undefined;
}

/** A registered app as admins see it: never its secret. */
export interface ClientSummary {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  idTokenSigningAlg: IdTokenSigningAlg;
  createdAt: string;
}

/** A client just registered: the secret is in clear here and nowhere else, ever again. */
export interface NewClient extends ClientSummary {
  clientSecret: string;
}

export interface ClientInput {
  name: string;
  redirectUris: readonly string[];
  postLogoutRedirectUris?: readonly string[] | undefined;
  tokenEndpointAuthMethod?: string | undefined;
  /** ES256 unless the app can verify RS256 only */
  idTokenSigningAlg?: string | undefined;
}

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post'];
const NAME_MAX = 100;

/**
 * ES256 by default: its signature costs a small fraction of RS256's, and every current OpenID
 * library verifies it. RS256 (the one algorithm OIDC Core §15.1 obliges every app to accept)
 * stays on offer for apps that verify nothing else.
 */
export const ID_TOKEN_SIGNING_ALGS: readonly IdTokenSigningAlg[] = ['ES256', 'RS256'];
const DEFAULT_ID_TOKEN_SIGNING_ALG: IdTokenSigningAlg = 'ES256';

const summary = (c: ClientRecord): ClientSummary => ({
  clientId: c.id,
  name: c.name,
  redirectUris: c.redirectUris,
  postLogoutRedirectUris: c.postLogoutRedirectUris,
  tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
  idTokenSigningAlg: c.idTokenSigningAlg,
  createdAt: c.createdAt,
});

/**
 * The apps that may sign people in through Belfry. Registering and deleting them reaches beyond
 * any one account (an app serves every account), so both are operator actions, audited in the
 * installation's trail.
 */
export function createClientRegistry(deps: ClientDeps) {
  const { db, ids, clock, secrets } = deps;
  // The provider opens the calling app's secret on every token request.
  const opening = cachingOpens(secrets, 1000);
  // The calling app is read on every token request and live check; a deleted one must stop at once.
  const records = keptWhileUnchanged<ClientRecord | undefined>(deps.changeMarker);
  const findClient = (clientId: string) => records.get(clientId, () => findClientById(db, clientId));
  /** A write of this instance's is seen by its next request, without waiting for a notification. */
  const changing = async <T>(write: Promise<T>): Promise<T> => {
    try {
      return await write;
    } finally {
      records.changed();
    }
  };

  return {
    async createClient(actor: Actor, input: ClientInput): Promise<NewClient> {
      const subject = {
        operation: 'CreateAppClient',
        targetType: 'AppClient',
        details: {
          name: input.name,
          redirectUris: [...input.redirectUris],
          ...(input.idTokenSigningAlg !== undefined && { idTokenSigningAlg: input.idTokenSigningAlg }),
        },
      };
      return changing(
        auditedChange(deps, actor, subject, async (tx, log) => {
          authorize(actor, 'operator');
          const record = newClientRecord(input, ids.uuid(), clock.now().toISOString());
          const clientSecret = randomBytes(32).toString('base64url');
          await insertClient(tx, { ...record, secretSealed: secrets.seal(clientSecret) });
          log.target({ targetId: record.id });
          log.describe({ name: record.name, redirectUris: record.redirectUris });
          return { ...summary({ ...record, secretSealed: '' }), clientSecret };
        }),
      );
    },

    async listClients(actor: Actor): Promise<ClientSummary[]> {
      authorize(actor, 'operator');
      return (await listClientRows(db)).map(summary);
    },

    /** Its tokens stop working at once: the provider no longer finds the client they name. */
    async deleteClient(actor: Actor, clientId: string): Promise<void> {
      const subject = { operation: 'DeleteAppClient', targetType: 'AppClient', targetId: clientId };
      await changing(
        auditedChange(deps, actor, subject, async (tx) => {
          authorize(actor, 'operator');
          if (!(await deleteClientRow(tx, clientId))) throw notFound(`App client ${clientId} not found`);
        }),
      );
    },

    /** The client with its secret in clear, as the provider needs it to check client_secret. */
    async openClient(clientId: string): Promise<(ClientSummary & { clientSecret: string }) | undefined> {
      const record = await findClient(clientId);
      return record && { ...summary(record), clientSecret: opening.open(record.secretSealed) };
    },

    /** authenticateClient (below), with the client kept as the provider keeps it. */
    authenticateClient: (clientId: string, secret: string) =>
      secretMatches(findClient(clientId), opening, secret),
  };
}

export type ClientRegistry = ReturnType<typeof createClientRegistry>;

/**
 * The registered app with this id and secret, or undefined (an unknown id and a wrong secret
 * look the same). For Belfry's own service-to-service endpoints, where an app authenticates
 * as itself rather than through the provider. The comparison takes the same time wherever the
 * secrets differ.
 */
export async function authenticateClient(
  deps: Pick<ClientDeps, 'db' | 'secrets'>,
  clientId: string,
  secret: string,
): Promise<ClientSummary | undefined> {
  return secretMatches(findClientById(deps.db, clientId), deps.secrets, secret);
}

async function secretMatches(
  found: Promise<ClientRecord | undefined>,
  secrets: Pick<SecretBox, 'open'>,
  secret: string,
): Promise<ClientSummary | undefined> {
  const record = await found;
  if (!record) return undefined;
  const [given, expected] = [Buffer.from(secret), Buffer.from(secrets.open(record.secretSealed))];
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return summary(record);
}

function newClientRecord(input: ClientInput, id: string, at: string): Omit<ClientRecord, 'secretSealed'> {
  const name = input.name.trim();
  if (name === '' || [...name].length > NAME_MAX)
    throw invalid(`An app client's name must have 1 to ${NAME_MAX} characters, not all spaces`);
  const method = input.tokenEndpointAuthMethod ?? 'client_secret_basic';
  if (!(AUTH_METHODS as readonly string[]).includes(method))
    throw invalid(`The token endpoint auth method must be one of ${AUTH_METHODS.join(', ')}`);
  const alg = input.idTokenSigningAlg ?? DEFAULT_ID_TOKEN_SIGNING_ALG;
  if (!(ID_TOKEN_SIGNING_ALGS as readonly string[]).includes(alg))
    throw invalid(`The ID token signing algorithm must be one of ${ID_TOKEN_SIGNING_ALGS.join(', ')}`);
  return {
    id,
    name,
    redirectUris: checkRedirectUris(input.redirectUris, 'redirect URI', true),
    postLogoutRedirectUris: checkRedirectUris(
      input.postLogoutRedirectUris ?? [],
      'post-logout redirect URI',
      false,
    ),
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    idTokenSigningAlg: alg as IdTokenSigningAlg,
    createdAt: at,
  };
}
