import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { parseCommand, UsageError } from './usage.js';
import { webhook } from './webhooks.js';

/** `belfry clients create|list|delete|webhook`: the apps that sign people in through Belfry. */
export async function clients(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'create') return create(rest);
  if (action === 'list') return list(rest);
  if (action === 'delete') return remove(rest);
  if (action === 'webhook') return webhook(rest);
  throw new UsageError(
    action === undefined
      ? 'clients needs create, list, delete or webhook'
      : `unknown command "clients ${action}"`,
  );
}

/** The secret is printed here and nowhere else: it cannot be read back later. */
async function create(args: string[]): Promise<void> {
  const { values } = parseCommand(
    args,
    {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'auth-method': { type: 'string' },
      'id-token-alg': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    { names: [] },
  );
  if (values.name === undefined) throw new UsageError('clients create needs --name <name>');
  if (!values['redirect-uri']?.length) throw new UsageError('clients create needs --redirect-uri <url>');
  await withServices({ masterKey: true }, async (services, actor, config) => {
    const client = await services.oidc.clients.createClient(actor, {
      name: values.name!,
      redirectUris: values['redirect-uri']!,
      postLogoutRedirectUris: values['post-logout-redirect-uri'],
      tokenEndpointAuthMethod: values['auth-method'],
      idTokenSigningAlg: values['id-token-alg'],
    });
    const { issuer, issuerConfigured } = config.oidc;
    if (values.json) return printJson({ ...client, ...(issuerConfigured && { issuer }) });
    print(`Registered app client "${client.name}":`);
    print(`  client id:     ${client.clientId}`);
    print(`  client secret: ${client.clientSecret}`);
    if (issuerConfigured) {
      print(`  issuer:        ${issuer}`);
      print(`  discovery:     ${issuer}/.well-known/openid-configuration`);
    } else {
      // Without BELFRY_PUBLIC_URL the issuer is the server's own address, which this shell may not know.
      print(
        "The issuer is the server's BELFRY_PUBLIC_URL followed by /oidc (BELFRY_PUBLIC_URL is not set here).",
      );
    }
    print('The secret is shown only this once.');
  });
}

async function list(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { json: { type: 'boolean', default: false } }, { names: [] });
  await withServices({ masterKey: false }, async (services, actor) => {
    const all = await services.oidc.clients.listClients(actor);
    if (values.json) return printJson(all);
    printTable(
      ['CLIENT ID', 'NAME', 'REDIRECT URIS', 'ID TOKEN ALG', 'CREATED'],
      all.map((c) => [c.clientId, c.name, c.redirectUris.join(' '), c.idTokenSigningAlg, c.createdAt]),
      'No app clients.',
    );
  });
}

async function remove(args: string[]): Promise<void> {
  const { positionals } = parseCommand(args, {}, { names: ['<client-id>'] });
  const clientId = positionals[0]!;
  await withServices({ masterKey: false }, async (services, actor) => {
    await services.oidc.clients.deleteClient(actor, clientId);
    print(`Deleted app client ${clientId}; its tokens no longer work.`);
  });
}
