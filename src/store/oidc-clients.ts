import type { Db } from './database.js';
import { selectRows } from './direct-reads.js';
import type { OidcClientsTable } from './schema.js';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** What an app's ID tokens are signed with (domain/oidc/keys.ts makes a key for each). */
export type IdTokenSigningAlg = 'ES256' | 'RS256';

/** An app registered with Belfry's OpenID provider; the secret stays sealed here. */
export interface ClientRecord {
  id: string;
  name: string;
  secretSealed: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  idTokenSigningAlg: IdTokenSigningAlg;
  createdAt: string;
}

function toRecord(row: OidcClientsTable): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    secretSealed: row.secret_sealed,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as TokenEndpointAuthMethod,
    idTokenSigningAlg: row.id_token_signing_alg as IdTokenSigningAlg,
    createdAt: row.created_at,
  };
}

export async function insertClient(db: Db, client: ClientRecord): Promise<void> {
  await db
    .insertInto('oidc_clients')
    .values({
      id: client.id,
      name: client.name,
      secret_sealed: client.secretSealed,
      redirect_uris: JSON.stringify(client.redirectUris),
      post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      id_token_signing_alg: client.idTokenSigningAlg,
      created_at: client.createdAt,
    })
    .execute();
}

/** On every token request and live check (the app authenticating): plain SQL, columns named. */
export async function findClientById(db: Db, id: string): Promise<ClientRecord | undefined> {
  const [row] = await selectRows<OidcClientsTable>(db)`
    select id, name, secret_sealed, redirect_uris, post_logout_redirect_uris,
      token_endpoint_auth_method, id_token_signing_alg, created_at
    from oidc_clients where id = ${id}`;
  return row && toRecord(row);
}

/** Every client in creation order (an installation has a handful: the platform's apps). */
export async function listClients(db: Db): Promise<ClientRecord[]> {
  const rows = await db.selectFrom('oidc_clients').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

/** Returns whether there was such a client. */
export async function deleteClient(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('oidc_clients').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
