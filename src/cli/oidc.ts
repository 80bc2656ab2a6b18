import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { parseCommand, UsageError } from './usage.js';

/** `belfry oidc keys|rotate-keys|retire-key`: the keys that sign ID tokens. */
export async function oidc(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'keys') return keys(rest);
  if (action === 'rotate-keys') return rotate(rest);
  if (action === 'retire-key') return retire(rest);
  throw new UsageError(
    action === undefined ? 'oidc needs keys, rotate-keys or retire-key' : `unknown command "oidc ${action}"`,
  );
}

async function keys(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { json: { type: 'boolean', default: false } }, { names: [] });
  await withServices({ masterKey: false }, async (services) => {
    const all = await services.oidc.keys.listKeys();
    if (values.json) return printJson(all);
    printTable(
      ['KEY ID', 'ALG', 'STATE', 'CREATED', 'CHANGED'],
      all.map((k) => [k.kid, k.alg, k.state, k.createdAt, k.updatedAt]),
      'No signing keys yet (the server makes the first one when it starts).',
    );
  });
}

/** Servers sign with the new keys from their next request on; the old ones stay published. */
async function rotate(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { json: { type: 'boolean', default: false } }, { names: [] });
  await withServices({ masterKey: true }, async (services, actor) => {
    const keys = await services.oidc.keys.rotateKeys(actor);
    if (values.json) return printJson(keys);
    for (const key of keys)
      print(`New active signing key ${key.kid} (${key.alg}); servers sign with it from their next request.`);
    print('The previous keys stay published so tokens they signed still verify. Retire each with');
    print('"belfry oidc retire-key <key-id>" once the ID-token lifetime has passed.');
  });
}

async function retire(args: string[]): Promise<void> {
  const { positionals } = parseCommand(args, {}, { names: ['<key-id>'] });
  const kid = positionals[0]!;
  await withServices({ masterKey: false }, async (services, actor) => {
    await services.oidc.keys.retireKey(actor, kid);
    print(`Retired signing key ${kid}; it is no longer published.`);
  });
}
