import { withServices } from './context.js';
import { print, printJson } from './output.js';
import { parseCommand, UsageError } from './usage.js';

/** `belfry clients webhook set|show|delete <client-id>`: where an app receives entitlement changes. */
export async function webhook(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'set') return set(rest);
  if (action === 'show') return show(rest);
  if (action === 'delete') return remove(rest);
  throw new UsageError(
    action === undefined
      ? 'clients webhook needs set, show or delete'
      : `unknown command "clients webhook ${action}"`,
  );
}

/** The signing secret is printed here and nowhere else; setting again replaces it. */
async function set(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { url: { type: 'string' }, json: { type: 'boolean', default: false } },
    { names: ['<client-id>'] },
  );
  if (values.url === undefined) throw new UsageError('clients webhook set needs --url <https-url>');
  await withServices({ masterKey: true }, async (services, actor) => {
    const hook = await services.appWebhooks.setAppWebhook(actor, positionals[0]!, values.url!);
    if (values.json) return printJson(hook);
    print(`Entitlement changes for app client ${hook.clientId} go to ${hook.url}`);
    print(`  signing secret: ${hook.signingSecret}`);
    print('The secret is shown only this once.');
  });
}

async function show(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { json: { type: 'boolean', default: false } },
    { names: ['<client-id>'] },
  );
  await withServices({ masterKey: false }, async (services, actor) => {
    const hook = await services.appWebhooks.getAppWebhook(actor, positionals[0]!);
    if (values.json) return printJson(hook);
    print(`${hook.clientId}  ${hook.url}  (set ${hook.updatedAt})`);
  });
}

async function remove(args: string[]): Promise<void> {
  const { positionals } = parseCommand(args, {}, { names: ['<client-id>'] });
  await withServices({ masterKey: false }, async (services, actor) => {
    await services.appWebhooks.deleteAppWebhook(actor, positionals[0]!);
    print(`App client ${positionals[0]} no longer receives entitlement changes.`);
  });
}
