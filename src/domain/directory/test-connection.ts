import { LdapFailure } from '../../directory/types.js';
import type { ConnectionRecord, GroupTierRecord } from '../../store/directories.js';
import { ldapSettings } from './connection.js';
import type { DirectoryTestReport } from './contract.js';
import type { DirectoryDeps } from './deps.js';
import { createTierResolver } from './tiers.js';

/**
 * `directory test`: binds, counts the users the filter finds, checks every mapped group exists
 * and counts its direct members. Never throws for a directory problem: each is a sentence.
 */
export async function testConnection(
  deps: DirectoryDeps,
  connection: ConnectionRecord,
  mapping: GroupTierRecord[],
): Promise<DirectoryTestReport> {
  const report: DirectoryTestReport = {
    type: 'ad',
    ok: false,
    reached: undefined,
    unreachable: [],
    bound: false,
    usersFound: undefined,
    groups: mapping.map((m) => ({ groupName: m.groupName, tier: m.tier, found: false, members: undefined })),
    problems: [],
  };
  try {
    const session = await deps.directoryClient.open(ldapSettings(deps, connection));
    try {
      report.reached = session.server.url;
      report.bound = true;
      report.unreachable = connection.urls
        .slice(0, Math.max(0, connection.urls.indexOf(session.server.url)))
        .map((url) => ({ url, reason: 'did not answer (a later URL did)' }));
      report.usersFound = (await session.users()).length;
      const resolver = createTierResolver(await session.groups(), mapping, 'Pro');
      for (const group of report.groups) {
        const found = resolver.findGroup(group.groupName);
        group.found = found !== undefined;
        group.members = found?.members.length;
        if (!found)
          report.problems.push(`Mapped group ${group.groupName} was not found under ${connection.baseDn}.`);
      }
      if (report.usersFound === 0) report.problems.push('The user filter finds no users under the base DN.');
      if (mapping.length === 0) report.problems.push('No group is mapped to a tier yet: nobody can sign in.');
    } finally {
      await session.close().catch(() => undefined);
    }
  } catch (error) {
    if (!(error instanceof LdapFailure)) throw error;
    report.problems.push(failureSentence(error));
    if (error.kind === 'unreachable')
      report.unreachable = connection.urls.map((url) => ({ url, reason: error.message }));
  }
  report.ok = report.problems.length === 0;
  return report;
}

/** An LdapFailure in words for an administrator. */
export function failureSentence(error: LdapFailure): string {
  const what: Record<LdapFailure['kind'], string> = {
    unreachable: 'No directory URL answered',
    tls: 'The TLS connection was refused (check the CA certificate and the DC name)',
    bind_refused: 'The service account could not bind (check the bind DN and password)',
    invalid_filter: 'The directory refused the user filter',
    no_such_base: 'The base DN does not exist',
    truncated: 'The directory cut an answer short',
    protocol: 'The directory answered with an error',
  };
  return `${what[error.kind]}: ${error.message}.`;
}
