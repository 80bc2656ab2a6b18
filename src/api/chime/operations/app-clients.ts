import type { ClientSummary, NewClient } from '../../../domain/oidc/clients.js';
import type { ChimeOperation } from '../context.js';
import type { AppClient } from '../extensions.js';

function toAppClient(client: ClientSummary | NewClient): AppClient {
  return {
    ClientId: client.clientId,
    ...('clientSecret' in client && { ClientSecret: client.clientSecret }),
    Name: client.name,
    RedirectUris: client.redirectUris,
    PostLogoutRedirectUris: client.postLogoutRedirectUris,
    TokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    IdTokenSigningAlg: client.idTokenSigningAlg,
    CreatedTimestamp: client.createdAt,
  };
}

/** The secret is in this answer only: Belfry keeps it sealed and never shows it again. */
export const CreateAppClient: ChimeOperation<'CreateAppClient'> = async (input, { services, actor }) => {
  const client = await services.oidc.clients.createClient(actor, {
    name: input.Name,
    redirectUris: input.RedirectUris,
    postLogoutRedirectUris: input.PostLogoutRedirectUris,
    tokenEndpointAuthMethod: input.TokenEndpointAuthMethod,
    idTokenSigningAlg: input.IdTokenSigningAlg,
  });
  return { AppClient: toAppClient(client) };
};

export const ListAppClients: ChimeOperation<'ListAppClients'> = async (_input, { services, actor }) => {
  return { AppClients: (await services.oidc.clients.listClients(actor)).map(toAppClient) };
};

export const DeleteAppClient: ChimeOperation<'DeleteAppClient'> = async (input, { services, actor }) => {
  await services.oidc.clients.deleteClient(actor, input.ClientId);
  return {};
};
