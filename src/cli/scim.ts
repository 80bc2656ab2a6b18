import type { ScimTokenView } from '../domain/scim/tokens.js';
import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { parseCommand, UsageError } from './usage.js';

const json = { json: { type: 'boolean', default: false } } as const;

/** `belfry scim tokens …`: the tokens an identity provider provisions an account with (README "Okta"). */
export async function scim(args: string[]): Promise<void> {
  const [group, action, ...rest] = args;
  if (group !== 'tokens') throw new UsageError('scim needs tokens create, list or revoke');
  switch (action) {
    case 'create':
      return create(rest);
    case 'list':
      return list(rest);
    case 'revoke':
      return revoke(rest);
  }
  throw new UsageError(
    action === undefined
      ? 'scim tokens needs create, list or revoke'
      : `unknown command "scim tokens ${action}"`,
  );
}

/** The token alone on the last line, so `| tail -1` gives it to a script. */
async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { ...json, name: { type: 'string' } },
    { names: ['<account-id>'] },
  );
  await withServices({ masterKey: false }, async (services, actor, config) => {
    const { token, secret } = await services.scim.tokens.createToken(actor, positionals[0]!, values.name);
    if (values.json) return printJson({ ...token, token: secret });
    print(`id: ${token.tokenId}`);
    print(`name: ${token.name}`);
    print(`SCIM base URL: ${config.publicUrl}/scim/v2`);
    print('The token is shown this once; Belfry keeps only its SHA-256:');
    print(secret);
  });
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(args, json, { names: ['<account-id>'] });
  await withServices({ masterKey: false }, async (services, actor) => {
    const tokens = await services.scim.tokens.listTokens(actor, positionals[0]!);
    if (values.json) return printJson(tokens);
    printTable(
      ['ID', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'],
      tokens.map((t: ScimTokenView) => [
        t.tokenId,
        t.name,
        t.createdAt,
        t.lastUsedAt ?? 'never',
        t.revokedAt ?? '-',
      ]),
      'No SCIM tokens.',
    );
  });
}

async function revoke(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(args, json, { names: ['<account-id>', '<token-id>'] });
  await withServices({ masterKey: false }, async (services, actor) => {
    const token = await services.scim.tokens.revokeToken(actor, positionals[0]!, positionals[1]!);
    if (values.json) return printJson(token);
    print(`Revoked SCIM token ${token.tokenId} (${token.name}); the account keeps its type and users.`);
  });
}
