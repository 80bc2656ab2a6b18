import { withServices } from './context.js';
import { saveCredentialsProfile } from './credentials-file.js';
import { print, printJson, printTable } from './output.js';
import { parseCommand, UsageError } from './usage.js';

/** `belfry access-keys create|list|delete`. */
export async function accessKeys(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'create') return create(rest);
  if (action === 'list') return list(rest);
  if (action === 'delete') return remove(rest);
  throw new UsageError(
    action === undefined
      ? 'access-keys needs create, list or delete'
      : `unknown command "access-keys ${action}"`,
  );
}

/** The secret is printed here and nowhere else: it cannot be read back later. */
async function create(args: string[]): Promise<void> {
  const { values } = parseCommand(
    args,
    {
      name: { type: 'string' },
      policy: { type: 'string', default: 'FullAccess' },
      'account-id': { type: 'string' },
      'credentials-file': { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    { names: [] },
  );
  if (values.name === undefined) throw new UsageError('access-keys create needs --name <name>');
  if (values.profile !== undefined && values['credentials-file'] === undefined)
    throw new UsageError('--profile needs --credentials-file <path>');
  const profile = values.profile ?? 'belfry';

  await withServices({ masterKey: true }, async (services, actor) => {
    const key = await services.accessKeys.createAccessKey(actor, {
      name: values.name!,
      policy: values.policy,
      accountId: values['account-id'],
    });
    const file =
      values['credentials-file'] && saveCredentialsProfile(values['credentials-file'], profile, key);
    if (values.json) {
      printJson({
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        name: key.principalName,
        policy: key.policy,
        accountId: key.accountId ?? null,
        ...(file && { credentialsFile: file, profile }),
      });
      return;
    }
    print(`Created access key "${key.principalName}" (${key.policy}, ${scope(key.accountId)}):`);
    print(`  access key id:     ${key.accessKeyId}`);
    print(`  secret access key: ${key.secretAccessKey}`);
    print('The secret is shown only this once.');
    if (file) print(`Saved as profile "${profile}" in ${file}.`);
  });
}

async function list(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { json: { type: 'boolean', default: false } }, { names: [] });
  await withServices({ masterKey: false }, async (services) => {
    const keys = await services.accessKeys.listAccessKeys();
    if (values.json) {
      printJson(
        keys.map((k) => ({
          accessKeyId: k.accessKeyId,
          name: k.principalName,
          policy: k.policy,
          accountId: k.accountId ?? null,
          createdAt: k.createdAt,
          lastUsedAt: k.lastUsedAt ?? null,
        })),
      );
      return;
    }
    printTable(
      ['ACCESS KEY ID', 'NAME', 'POLICY', 'ACCOUNT', 'CREATED', 'LAST USED'],
      keys.map((k) => [
        k.accessKeyId,
        k.principalName,
        k.policy,
        scope(k.accountId),
        k.createdAt,
        k.lastUsedAt ?? 'never',
      ]),
      'No access keys.',
    );
  });
}

async function remove(args: string[]): Promise<void> {
  const { positionals } = parseCommand(args, {}, { names: ['<access-key-id>'] });
  const accessKeyId = positionals[0]!;
  await withServices({ masterKey: false }, async (services, actor) => {
    await services.accessKeys.deleteAccessKey(actor, accessKeyId);
    print(`Deleted access key ${accessKeyId}; it no longer signs requests.`);
  });
}

function scope(accountId: string | undefined): string {
  return accountId === undefined ? 'all accounts' : `account ${accountId}`;
}
