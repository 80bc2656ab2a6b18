import type { DomainRecord } from '../domain/domains/service.js';
import type { ReleaseEffect } from '../domain/domains/release.js';
import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { CliError, parseCommand, UsageError } from './usage.js';

const ACTIONS = ['claim', 'list', 'show', 'verify', 'preview-release', 'release'];

/** `belfry domains …`: an account's claimed email domains (README "Claimed domains"). */
export async function domains(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'list') return list(rest);
  if (action === 'preview-release' || action === 'release') return release(rest, action === 'release');
  if (action === 'claim' || action === 'show' || action === 'verify') return single(action, rest);
  throw new UsageError(
    action === undefined ? `domains needs ${ACTIONS.join(', ')}` : `unknown command "domains ${action}"`,
  );
}

async function single(action: 'claim' | 'show' | 'verify', args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      json: { type: 'boolean', default: false },
      ...(action === 'verify' && {
        'operator-override': { type: 'boolean', default: false },
        reason: { type: 'string' },
      }),
    },
    { names: ['<account-id>', '<domain>'] },
  );
  const [accountId, name] = positionals as [string, string];
  const override = values['operator-override'] === true;
  if (values.reason !== undefined && !override)
    throw new UsageError('--reason goes with --operator-override');
  // The domain refuses an empty reason, with the same words as over the API.
  const options = override ? { operatorOverride: { reason: String(values.reason ?? '') } } : {};
  await withServices({ masterKey: false }, async (services, actor) => {
    const domain =
      action === 'claim'
        ? await services.domains.claimDomain(actor, accountId, name)
        : action === 'verify'
          ? await services.domains.verifyDomain(actor, accountId, name, options)
          : await services.domains.getDomain(actor, accountId, name);
    if (values.json) return printJson(domain);
    describe(domain);
    if (domain.status === 'PendingVerification')
      print(`Publish this TXT record, then run "belfry domains verify ${accountId} ${domain.domainName}":`);
    if (domain.status !== 'Verified') print(`  ${domain.txtRecordName}  TXT  "${domain.txtRecordValue}"`);
  });
}

function describe(domain: DomainRecord): void {
  print(`${domain.domainName}: ${domain.status}`);
  if (domain.status === 'PendingVerification')
    print(`  verification deadline: ${domain.verificationDeadline}`);
  if (domain.verifiedAt) print(`  verified:              ${domain.verifiedAt}`);
  if (domain.verifiedBy === 'OperatorOverride')
    print(`  verified by:           operator override (${domain.overrideReason})`);
  if (domain.recordMissingSince) print(`  record missing since:  ${domain.recordMissingSince}`);
  if (domain.lastCheckedAt)
    print(`  last check:            ${domain.lastCheckedAt} (${domain.lastCheckResult})`);
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { json: { type: 'boolean', default: false } },
    { names: ['<account-id>'] },
  );
  await withServices({ masterKey: false }, async (services, actor) => {
    const all = await services.domains.listDomains(actor, positionals[0]!);
    if (values.json) return printJson(all);
    printTable(
      ['DOMAIN', 'STATUS', 'VERIFIED BY', 'TXT RECORD', 'LAST CHECK'],
      all.map((d) => [
        d.domainName,
        d.status,
        d.verifiedBy ?? '-',
        d.txtRecordName,
        d.lastCheckResult ?? '-',
      ]),
      'No claimed domains.',
    );
  });
}

/** Without --yes, `release` shows what it would do and fails (exit 1): the release cannot be undone. */
async function release(args: string[], apply: boolean): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    { json: { type: 'boolean', default: false }, yes: { type: 'boolean', default: false } },
    { names: ['<account-id>', '<domain>'] },
  );
  const [accountId, name] = positionals as [string, string];
  await withServices({ masterKey: false }, async (services, actor) => {
    const confirmed = apply && values.yes;
    const result = confirmed
      ? await services.domains.releaseDomain(actor, accountId, name)
      : await services.domains.previewRelease(actor, accountId, name);
    if (values.json) printJson(result);
    else printEffects(result.effects, confirmed);
    if (apply && !confirmed)
      throw new CliError(`nothing released: run again with --yes to release ${result.domain.domainName}`);
    if (confirmed && !values.json) print(`Released ${result.domain.domainName}.`);
  });
}

function printEffects(effects: ReleaseEffect[], done: boolean): void {
  print(done ? 'Changed by the release:' : 'Releasing would change:');
  printTable(
    ['USER ID', 'EMAIL', 'STATUS', 'OUTCOME'],
    effects.map((e) => [e.userId, e.email, e.registrationStatus, e.outcome]),
    'No users.',
  );
}
