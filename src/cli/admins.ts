import { randomBytes } from 'node:crypto';
import type { NewTotp } from '../domain/admins/management.js';
import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { parseCommand, UsageError } from './usage.js';

/** `belfry admins create|list|delete|reset`: the console's administrators. */
export async function admins(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'create') return create(rest);
  if (action === 'list') return list(rest);
  if (action === 'delete') return remove(rest);
  if (action === 'reset') return reset(rest);
  throw new UsageError(
    action === undefined
      ? 'admins needs create, list, delete or reset'
      : `unknown command "admins ${action}"`,
  );
}

/** The password from standard input (its first line), so it is in no shell history or process list. */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password === '') throw new UsageError('--password-stdin read no password');
  return password;
}

/** 24 characters from 18 random bytes: far past the 10-character minimum, typeable. */
const generatePassword = () => randomBytes(18).toString('base64url');

function printTotp(totp: NewTotp | undefined): void {
  if (!totp) return;
  print(`  TOTP secret:       ${totp.secret}`);
  print(`  authenticator URI: ${totp.uri}`);
}

async function create(args: string[]): Promise<void> {
  const { values } = parseCommand(
    args,
    {
      email: { type: 'string' },
      policy: { type: 'string', default: 'FullAccess' },
      'account-id': { type: 'string' },
      totp: { type: 'boolean', default: false },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    { names: [] },
  );
  if (values.email === undefined) throw new UsageError('admins create needs --email <address>');
  const given = values['password-stdin'] ? await readPasswordFromStdin() : undefined;
  const password = given ?? generatePassword();
  await withServices({ masterKey: true }, async (services, actor) => {
    const { admin, totp } = await services.consoleAdmins.createAdmin(actor, {
      email: values.email!,
      password,
      policy: values.policy,
      accountId: values['account-id'],
      totp: values.totp,
    });
    if (values.json) {
      printJson({
        email: admin.email,
        policy: admin.policy,
        accountId: admin.accountId ?? null,
        ...(given === undefined && { password }),
        ...(totp && { totpSecret: totp.secret, totpUri: totp.uri }),
      });
      return;
    }
    print(`Created console administrator ${admin.email} (${admin.policy}, ${scope(admin.accountId)}).`);
    if (given === undefined) print(`  password:          ${password}`);
    printTotp(totp);
    if (given === undefined || totp) print('Shown only this once.');
  });
}

async function list(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { json: { type: 'boolean', default: false } }, { names: [] });
  await withServices({ masterKey: false }, async (services) => {
    const all = await services.consoleAdmins.listAdmins();
    if (values.json) {
      printJson(
        all.map((a) => ({ ...a, accountId: a.accountId ?? null, lastSignedInAt: a.lastSignedInAt ?? null })),
      );
      return;
    }
    printTable(
      ['EMAIL', 'POLICY', 'ACCOUNT', 'TOTP', 'CREATED', 'LAST SIGN-IN'],
      all.map((a) => [
        a.email,
        a.policy,
        scope(a.accountId),
        a.totp ? 'on' : 'off',
        a.createdAt,
        a.lastSignedInAt ?? 'never',
      ]),
      'No console administrators.',
    );
  });
}

async function remove(args: string[]): Promise<void> {
  const { positionals } = parseCommand(args, {}, { names: ['<address>'] });
  await withServices({ masterKey: false }, async (services, actor) => {
    await services.consoleAdmins.deleteAdmin(actor, positionals[0]!);
    print(`Deleted console administrator ${positionals[0]}; their sessions have ended.`);
  });
}

async function reset(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      'password-stdin': { type: 'boolean', default: false },
      'new-password': { type: 'boolean', default: false },
      totp: { type: 'boolean', default: false },
      'no-totp': { type: 'boolean', default: false },
    },
    { names: ['<address>'] },
  );
  if (values.totp && values['no-totp']) throw new UsageError('choose --totp or --no-totp, not both');
  if (values['password-stdin'] && values['new-password'])
    throw new UsageError('choose --password-stdin or --new-password, not both');
  const given = values['password-stdin'] ? await readPasswordFromStdin() : undefined;
  const generated = values['new-password'] ? generatePassword() : undefined;
  const totp = values.totp ? 'new' : values['no-totp'] ? 'off' : undefined;
  if (given === undefined && generated === undefined && totp === undefined)
    throw new UsageError('admins reset needs --password-stdin, --new-password, --totp or --no-totp');
  await withServices({ masterKey: true }, async (services, actor) => {
    const result = await services.consoleAdmins.resetAdmin(actor, positionals[0]!, {
      password: given ?? generated,
      totp,
    });
    print(`Reset console administrator ${positionals[0]}; ${result.sessionsEnded} session(s) ended.`);
    if (generated) print(`  password:          ${generated}`);
    if (totp === 'off') print('  TOTP is off.');
    printTotp(result.totp);
  });
}

function scope(accountId: string | undefined): string {
  return accountId === undefined ? 'all accounts' : `account ${accountId}`;
}
