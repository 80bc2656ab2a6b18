import type {
  ConnectionView,
  DirectoryTestReport,
  OidcConnectionView,
  OidcTestReport,
  Explanation,
  RunReport,
  RunSummary,
  TierPreview,
} from '../domain/directory/contract.js';
import { print, printTable } from './output.js';

/** How `belfry directory …` shows the directory domain's views to a person (`--json` shows them as they are). */

export function printConnection(view: ConnectionView): void {
  if (view.type === 'oidc') return printIdpConnection(view);
  print(`Active Directory of account ${view.accountId}`);
  print(`  URLs:         ${view.urls.join(', ')}${view.startTls ? ' (StartTLS)' : ''}`);
  print(`  bind DN:      ${view.bindDn}`);
  print(`  base DN:      ${view.baseDn}`);
  print(`  user filter:  ${view.userFilter}`);
  print(`  CA:           ${view.caSubject ?? "the system's CAs"}`);
  print(`  connected:    ${view.connectedAt} (updated ${view.updatedAt})`);
  print(`  groups:       ${view.groups.map(groupText).join(', ') || 'none mapped: nobody can sign in'}`);
  if (view.nextIncrementalAt) print(`  next incremental run: ${view.nextIncrementalAt}`);
  if (view.nextFullAt) print(`  next full run:        ${view.nextFullAt}`);
  if (view.lastRun) print(`  last run:     ${runLine(view.lastRun)}`);
  if (view.heldRunId)
    print(`  HELD:         run ${view.heldRunId} waits: belfry directory approve|reject ${view.heldRunId}`);
}

/** Never the client secret: the view has none. */
function printIdpConnection(view: OidcConnectionView): void {
  print(`Identity provider (OpenID Connect) of account ${view.accountId}`);
  print(`  issuer:       ${view.issuer}`);
  print(`  client id:    ${view.clientId}`);
  print(`  groups claim: ${view.groupsClaim ?? 'none (provisioned groups decide)'}`);
  print(`  redirect URI: ${view.redirectUri}`);
  print(`  connected:    ${view.connectedAt} (updated ${view.updatedAt})`);
  print(`  groups:       ${view.groups.map(groupText).join(', ') || 'none mapped: nobody can sign in'}`);
  print(`  SCIM tokens:  ${view.liveScimTokens} live`);
}

const groupText = (g: { groupName: string; tier: string | undefined }) =>
  `${g.groupName} → ${g.tier ?? 'DefaultLicense'}`;

function printIdpTest(report: OidcTestReport): void {
  print(report.ok ? 'Identity provider test passed.' : 'Identity provider test found problems:');
  for (const problem of report.problems) print(`  - ${problem}`);
  if (report.discovered)
    print(
      `${report.issuer} answers as an OpenID provider (scopes: ${report.scopesSupported?.join(' ') ?? 'not listed'}).`,
    );
  print(`Redirect URI to register there: ${report.redirectUri}`);
  printTable(
    ['GROUP', 'TIER'],
    report.groups.map((g) => [g.groupName, g.tier ?? 'DefaultLicense']),
    'No groups mapped.',
  );
}

export function printTest(report: DirectoryTestReport | OidcTestReport): void {
  if (report.type === 'oidc') return printIdpTest(report);
  print(report.ok ? 'Directory test passed.' : 'Directory test found problems:');
  for (const problem of report.problems) print(`  - ${problem}`);
  if (report.reached)
    print(`Reached ${report.reached}${report.bound ? ' and bound as the service account' : ''}.`);
  for (const u of report.unreachable) print(`Could not reach ${u.url}: ${u.reason}`);
  if (report.usersFound !== undefined) print(`The user filter finds ${report.usersFound} user(s).`);
  printTable(
    ['GROUP', 'TIER', 'FOUND', 'MEMBERS'],
    report.groups.map((g) => [
      g.groupName,
      g.tier ?? 'DefaultLicense',
      g.found ? 'yes' : 'NO',
      g.members === undefined ? '-' : String(g.members),
    ]),
    'No groups mapped.',
  );
}

export function printPreview(preview: TierPreview, saved: boolean, runId: string | undefined): void {
  print(saved ? 'Mapping saved. It changes:' : 'The mapping would change (nothing saved):');
  print(`  ${preview.tierChanges} user(s) change tier`);
  print(`  ${preview.loseSignIn} user(s) lose sign-in`);
  print(`  ${preview.gainSignIn} user(s) gain sign-in`);
  if (preview.examples.length > 0)
    printTable(
      ['USER ID', 'EMAIL', 'FROM', 'TO'],
      preview.examples.map((e) => [
        e.userId ?? '-',
        e.email ?? '-',
        e.from ?? 'no sign-in',
        e.to ?? 'no sign-in',
      ]),
      '',
    );
  if (runId) print(`Sync run ${runId} queued to apply it (belfry directory run ${runId}).`);
}

/** One line: id, status, kind, and the counts that matter. */
export function runLine(run: RunSummary): string {
  const c = run.counts;
  const why = run.reason ? `: ${run.reason}` : '';
  return (
    `${run.runId} ${run.status}${run.dryRun ? ' (dry run)' : ''}${why} — ${run.kind}, ` +
    `${c.created} created, ${c.tierChanged} tier changed, ${c.suspended} suspended, ` +
    `${c.restored} restored, ${c.updated} updated, ${c.skipped} skipped, ${c.unchanged} unchanged`
  );
}

export function printRuns(runs: RunSummary[]): void {
  printTable(
    [
      'RUN ID',
      'CREATED',
      'KIND',
      'TRIGGER',
      'STATUS',
      'CREATED#',
      'TIER#',
      'SUSPENDED#',
      'RESTORED#',
      'SKIPPED#',
    ],
    runs.map((r) => [
      r.runId,
      r.createdAt,
      r.kind,
      r.trigger,
      `${r.status}${r.dryRun ? ' (dry)' : ''}`,
      String(r.counts.created),
      String(r.counts.tierChanged),
      String(r.counts.suspended),
      String(r.counts.restored),
      String(r.counts.skipped),
    ]),
    'No runs yet.',
  );
}

export function printReport(report: RunReport): void {
  print(`Run ${runLine(report)}`);
  print(
    `  trigger ${report.trigger}; queued ${report.createdAt}` +
      (report.finishedAt ? `; finished ${report.finishedAt}` : ''),
  );
  if (report.kindReason) print(`  ${report.kindReason}`);
  if (report.decidedBy) print(`  decided by ${report.decidedBy} at ${report.decidedAt ?? '?'}`);
  printTable(
    ['ACTION', 'USER', 'FROM', 'TO', 'REASON'],
    report.items.map((i) => [i.action, i.email ?? i.userId ?? i.guid, i.from ?? '-', i.to ?? '-', i.reason]),
    'No items.',
  );
}

export function printExplanation(e: Explanation): void {
  const who = e.email ?? e.userId ?? 'the user';
  print(`${who}: ${e.canSignIn ? `may sign in as ${e.tier ?? 'no tier'}` : 'cannot sign in'}`);
  for (const chain of e.chains) print(`  ${[...chain.path, chain.tier].join(' → ')}`);
  if (!e.inDirectory) print('  not found in the directory');
  if (e.disabled) print('  disabled in Active Directory (userAccountControl bit 2)');
  print(`  mapping: ${e.mapping.map(groupText).join(', ') || 'no groups mapped'}`);
  if (e.lastChange)
    print(
      `  last changed by run ${e.lastChange.runId} (${e.lastChange.action}, ${e.lastChange.at}): ${e.lastChange.reason}`,
    );
  print(e.summary);
}
