import { readFileSync, statSync } from 'node:fs';
import type { GroupTier } from '../domain/directory/contract.js';
import { withServices } from './context.js';
import { waitForRun } from './directory-runs.js';
import {
  printConnection,
  printExplanation,
  printPreview,
  printReport,
  printRuns,
  printTest,
  runLine,
} from './directory-print.js';
import { print, printJson } from './output.js';
import { CliError, parseCommand, UsageError } from './usage.js';

const ACTIONS = [
  'connect',
  'show',
  'test',
  'disconnect',
  'groups',
  'sync',
  'runs',
  'run',
  'approve',
  'reject',
  'explain',
];

const json = { json: { type: 'boolean', default: false } } as const;

/** `belfry directory …`: an account's Active Directory (README "Active Directory"). */
export async function directory(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  switch (action) {
    case 'connect':
      return connect(rest);
    case 'show':
    case 'test':
    case 'disconnect':
      return onAccount(action, rest);
    case 'groups':
      return groups(rest);
    case 'sync':
      return sync(rest);
    case 'runs':
      return runs(rest);
    case 'run':
    case 'approve':
    case 'reject':
      return onRun(action, rest);
    case 'explain':
      return explain(rest);
  }
  throw new UsageError(
    action === undefined ? `directory needs ${ACTIONS.join(', ')}` : `unknown command "directory ${action}"`,
  );
}

/**
 * The bind password from its file: one trailing newline (as `echo` or an editor leaves it) is
 * not part of it; an empty file is refused; a file others may read is warned about.
 */
export function readPasswordFile(file: string, what = 'bind password'): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the ${what} file ${file}: ${(error as Error).message}`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new CliError(`the ${what} file ${file} is empty`);
  if ((statSync(file).mode & 0o077) !== 0)
    process.stderr.write(
      `belfry: warning: ${file} can be read by other users than its owner (chmod 600 ${file})\n`,
    );
  return password;
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the CA file ${file}: ${(error as Error).message}`);
  }
}

async function connect(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      ...json,
      type: { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-file': { type: 'string' },
      'groups-claim': { type: 'string' },
      url: { type: 'string', multiple: true },
      'bind-dn': { type: 'string' },
      'bind-password-file': { type: 'string' },
      'base-dn': { type: 'string' },
      'user-filter': { type: 'string' },
      'ca-file': { type: 'string' },
      'start-tls': { type: 'boolean', default: false },
    },
    { names: ['<account-id>'] },
  );
  if (values.type === 'oidc') return connectOidc(positionals[0]!, values);
  if (values.type !== 'ad')
    throw new UsageError('directory connect needs --type ad (Active Directory) or --type oidc (Okta, Entra)');
  const missing = (['url', 'bind-dn', 'bind-password-file', 'base-dn'] as const).filter(
    (name) => values[name] === undefined,
  );
  if (missing.length > 0)
    throw new UsageError(`directory connect needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const input = {
    type: 'ad' as const,
    urls: values.url!,
    bindDn: values['bind-dn']!,
    bindPassword: readPasswordFile(values['bind-password-file']!),
    baseDn: values['base-dn']!,
    userFilter: values['user-filter'],
    caPem: values['ca-file'] === undefined ? undefined : readCaFile(values['ca-file']),
    startTls: values['start-tls'],
  };
  await withServices({ masterKey: true }, async (services, actor) => {
    const view = await services.directory.connect(actor, positionals[0]!, input);
    if (values.json) return printJson(view);
    printConnection(view);
    print(`Connected. Next: belfry directory test ${view.accountId}`);
  });
}

/** `connect --type oidc`: the account's OpenID provider; prints the redirect URI to register there. */
async function connectOidc(
  accountId: string,
  values: {
    json: boolean;
    issuer?: string;
    'client-id'?: string;
    'client-secret-file'?: string;
    'groups-claim'?: string;
  },
): Promise<void> {
  const missing = (['issuer', 'client-id', 'client-secret-file'] as const).filter(
    (name) => values[name] === undefined,
  );
  if (missing.length > 0)
    throw new UsageError(`directory connect --type oidc needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const input = {
    type: 'oidc' as const,
    issuer: values.issuer!,
    clientId: values['client-id']!,
    clientSecret: readPasswordFile(values['client-secret-file']!, 'client secret'),
    groupsClaim: values['groups-claim'],
  };
  await withServices({ masterKey: true }, async (services, actor) => {
    const view = await services.directory.connect(actor, accountId, input);
    if (values.json) return printJson(view);
    printConnection(view);
    if (view.type === 'oidc')
      print(`Connected. Register this redirect URI at the identity provider: ${view.redirectUri}`);
  });
}

/** show, test and disconnect: one account, no options but --json. */
async function onAccount(action: 'show' | 'test' | 'disconnect', args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(args, json, { names: ['<account-id>'] });
  const accountId = positionals[0]!;
  // The test binds with the sealed password (or the IdP's secret): it needs the master key.
  await withServices({ masterKey: action === 'test' }, async (services, actor) => {
    const service = services.directory;
    if (action === 'show') {
      const view = await service.get(actor, accountId);
      return values.json ? printJson(view) : printConnection(view);
    }
    if (action === 'disconnect') {
      const outcome = await service.disconnect(actor, accountId);
      if (values.json) return printJson({ disconnected: accountId, ...outcome });
      print(`Disconnected the directory of ${accountId}; the account is ${outcome.accountType}.`);
      if (outcome.reason) print(outcome.reason);
      return;
    }
    const report = await service.test(actor, accountId);
    if (values.json) printJson(report);
    else printTest(report);
    if (!report.ok)
      throw new CliError(`the directory test of ${accountId} found ${report.problems.length} problem(s)`);
  });
}

async function groups(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      ...json,
      pro: { type: 'string', multiple: true },
      basic: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
    },
    { names: ['<account-id>'] },
  );
  const mapping: GroupTier[] = [
    ...(values.pro ?? []).map((groupName) => ({ groupName, tier: 'Pro' as const })),
    ...(values.basic ?? []).map((groupName) => ({ groupName, tier: 'Basic' as const })),
  ];
  if (mapping.length === 0)
    throw new UsageError('directory groups needs --pro <group> and/or --basic <group>');
  await withServices({ masterKey: false }, async (services, actor) => {
    const result = await services.directory.setGroupTiers(actor, positionals[0]!, mapping, {
      dryRun: values['dry-run'],
    });
    if (values.json) return printJson(result);
    printPreview(result.preview, result.saved, result.runId);
  });
}

async function sync(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      ...json,
      full: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      wait: { type: 'string', default: '300' },
    },
    { names: ['<account-id>'] },
  );
  const waitSeconds = Number(values.wait);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > 3600)
    throw new UsageError('--wait takes whole seconds from 1 to 3600');
  await withServices({ masterKey: true }, async (services, actor, config) => {
    const queued = await services.directory.startSync(actor, positionals[0]!, {
      full: values.full,
      dryRun: values['dry-run'],
    });
    if (!values.json) print(`Queued run ${queued.runId}; waiting for it (at most ${waitSeconds} s)…`);
    const outcome = await waitForRun(services, config, actor, queued.runId, waitSeconds * 1000);
    if (values.json) printJson(outcome.report);
    else {
      if (outcome.ranHere) print('No Belfry worker started it, so this command ran it.');
      printReport(outcome.report);
    }
    const { status, runId } = outcome.report;
    if (status === 'queued' || status === 'running')
      throw new CliError(
        `run ${runId} is still ${status} after ${waitSeconds} s: follow it with "belfry directory run ${runId}"`,
      );
    if (status === 'held')
      throw new CliError(
        `run ${runId} is held: nothing was applied; "belfry directory approve|reject ${runId}"`,
      );
    if (status === 'failed')
      throw new CliError(`run ${runId} failed and applied nothing: ${outcome.report.reason ?? ''}`);
  });
}

async function runs(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { ...json, 'max-results': { type: 'string', default: '50' } },
    { names: ['<account-id>'] },
  );
  const maxResults = Number(values['max-results']);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 200)
    throw new UsageError('--max-results takes a whole number from 1 to 200');
  await withServices({ masterKey: false }, async (services, actor) => {
    const page = await services.directory.listRuns(actor, positionals[0]!, { maxResults });
    if (values.json) return printJson(page);
    printRuns(page.runs);
    if (page.nextToken) print(`(more runs than ${maxResults}: use --max-results)`);
  });
}

async function onRun(action: 'run' | 'approve' | 'reject', args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(args, json, { names: ['<run-id>'] });
  const runId = positionals[0]!;
  // Approving applies the held run: the job that does it binds with the sealed password.
  await withServices({ masterKey: action === 'approve' }, async (services, actor) => {
    const service = services.directory;
    if (action === 'run') {
      const report = await service.getRun(actor, runId);
      return values.json ? printJson(report) : printReport(report);
    }
    const run =
      action === 'approve' ? await service.approveRun(actor, runId) : await service.rejectRun(actor, runId);
    if (values.json) return printJson(run);
    print(`${action === 'approve' ? 'Approved' : 'Rejected'}: ${runLine(run)}`);
  });
}

async function explain(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(args, json, { names: ['<account-id>', '<user-id|email>'] });
  // Explaining may read live group membership: the service account's password is needed.
  await withServices({ masterKey: true }, async (services, actor) => {
    const explanation = await services.directory.explain(actor, positionals[0]!, positionals[1]!);
    return values.json ? printJson(explanation) : printExplanation(explanation);
  });
}
