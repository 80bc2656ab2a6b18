import type { Account } from '../domain/accounts/service.js';
import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { parseCommand, UsageError } from './usage.js';

/** `belfry accounts disabled|restore`: the operator's side of account deletion (DESIGN §2). */
export async function accounts(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'disabled') return disabled(rest);
  if (action === 'restore') return restore(rest);
  throw new UsageError(
    action === undefined ? 'accounts needs disabled or restore' : `unknown command "accounts ${action}"`,
  );
}

async function disabled(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { json: { type: 'boolean', default: false } }, { names: [] });
  await withServices({ masterKey: false }, async (services, actor) => {
    const all: Account[] = [];
    let nextToken: string | undefined;
    do {
      const page = await services.accounts.listDeletedAccounts(actor, { maxResults: 100, nextToken });
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    if (values.json) {
      printJson(
        all.map((a) => ({
          accountId: a.id,
          name: a.name,
          type: a.type,
          deletedAt: a.deletedAt,
          purgeAfter: a.purgeAfter,
        })),
      );
      return;
    }
    printTable(
      ['ACCOUNT ID', 'NAME', 'TYPE', 'DELETED', 'PURGED AFTER'],
      all.map((a) => [a.id, a.name, a.type, a.deletedAt ?? '', a.purgeAfter ?? '']),
      'No deleted accounts.',
    );
  });
}

async function restore(args: string[]): Promise<void> {
  const { positionals } = parseCommand(args, {}, { names: ['<account-id>'] });
  await withServices({ masterKey: false }, async (services, actor) => {
    const account = await services.accounts.restoreAccount(actor, positionals[0]!);
    print(`Restored account ${account.id} ("${account.name}"); it is active again.`);
  });
}
