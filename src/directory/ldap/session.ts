import { FilterParser, type Entry, type Filter } from 'ldapts';
import {
  LdapFailure,
  type DirectoryGroupEntry,
  type DirectoryServerInfo,
  type DirectorySession,
  type LdapSettings,
} from '../types.js';
import type { Connected } from './connection.js';
import {
  binaryAttributes,
  groupAttributes,
  guidOf,
  textValues,
  toGroup,
  toUser,
  userAttributes,
} from './entries.js';
import { searchFailure } from './errors.js';
import { allOf, escapeFilterValue, filterSyntaxError, parenthesized } from './filter.js';
import { readAllValues } from './ranges.js';

export const defaultUserFilter = '(&(objectCategory=person)(objectClass=user))';
const groupFilter = '(objectClass=group)';
/** LDAP_MATCHING_RULE_IN_CHAIN: membership through any chain of nested groups. */
const inChain = '1.2.840.113556.1.4.1941';

function parseFilter(filter: string, what: string): Filter {
  const syntax = filterSyntaxError(filter);
  if (syntax)
    throw new LdapFailure('invalid_filter', `${what}: the filter ${filter} is not valid LDAP: ${syntax}`);
  try {
    return FilterParser.parseString(filter);
  } catch (error) {
    throw new LdapFailure(
      'invalid_filter',
      `${what}: the filter ${filter} is not valid LDAP (${(error as Error).message})`,
    );
  }
}

function changedSinceFilter(changedSince: string | undefined): string[] {
  if (changedSince === undefined) return [];
  if (!/^\d+$/.test(changedSince))
    throw new LdapFailure('protocol', `changedSince must be a decimal USN, not ${changedSince}`);
  return [`(uSNChanged>=${changedSince})`];
}

/**
 * A bound connection to one DC. The rootDSE (with `highestCommittedUSN`) is read before any
 * search, so changes made during the searches are seen again by the next incremental run
 * rather than lost. The connection is never silently re-opened: USNs belong to one DC, and a
 * re-opened ldapts connection would be unauthenticated.
 */
export async function openSession(
  connected: Connected,
  settings: LdapSettings,
  pageSize: number,
): Promise<DirectorySession> {
  const { client, url } = connected;
  const userFilter = parenthesized(settings.userFilter ?? defaultUserFilter);

  function ensureOpen(): void {
    if (!client.isConnected || !client.isBound) {
      throw new LdapFailure('unreachable', `the connection to ${url} was lost; open a new session`);
    }
  }

  async function search(base: string, filter: string, attributes: string[], what: string): Promise<Entry[]> {
    ensureOpen();
    const parsed = parseFilter(filter, what);
    const entries: Entry[] = [];
    let pages = 0;
    try {
      const options = {
        scope: 'sub' as const,
        filter: parsed,
        attributes,
        explicitBufferAttributes: binaryAttributes,
      };
      // Continuation references (referrals) in each page are ignored: never chased.
      for await (const page of client.searchPaginated(base, { ...options, paged: { pageSize } })) {
        pages++;
        entries.push(...page.searchEntries);
      }
    } catch (error) {
      throw searchFailure(error, `${what} under ${base}`, pages);
    }
    return entries;
  }

  async function readEntry(dn: string, attributes: string[], what: string): Promise<Entry | undefined> {
    ensureOpen();
    try {
      const result = await client.search(dn, {
        scope: 'base',
        attributes,
        explicitBufferAttributes: binaryAttributes,
      });
      return result.searchEntries[0];
    } catch (error) {
      throw searchFailure(error, what, 0);
    }
  }

  async function withMembers(entry: Entry): Promise<DirectoryGroupEntry> {
    const readRange = async (request: string) => {
      const next = await readEntry(entry.dn, [request], `reading ${request} of ${entry.dn}`).catch(
        (error: unknown) => {
          throw new LdapFailure(
            'truncated',
            `the members of ${entry.dn} could not be read to the end: ${(error as Error).message}`,
          );
        },
      );
      return next ? textValues(next) : {};
    };
    return toGroup(entry, await readAllValues('member', entry.dn, textValues(entry), readRange));
  }

  async function groupsMatching(filter: string, what: string): Promise<DirectoryGroupEntry[]> {
    const groups: DirectoryGroupEntry[] = [];
    for (const entry of await search(settings.baseDn, filter, groupAttributes, what))
      groups.push(await withMembers(entry));
    return groups;
  }

  const server = await readServerInfo(readEntry, url);

  return {
    server,
    async users(options = {}) {
      const filter = allOf(userFilter, ...changedSinceFilter(options.changedSince));
      return (await search(settings.baseDn, filter, userAttributes, 'searching users')).map(toUser);
    },
    groups(options = {}) {
      return groupsMatching(
        allOf(groupFilter, ...changedSinceFilter(options.changedSince)),
        'searching groups',
      );
    },
    async findUser(login) {
      const value = escapeFilterValue(login.trim());
      if (value === '') return undefined;
      const byLogin = `(|(mail=${value})(userPrincipalName=${value})(sAMAccountName=${value}))`;
      const found = await search(
        settings.baseDn,
        allOf(userFilter, byLogin),
        userAttributes,
        `finding ${login}`,
      );
      if (found.length > 1) {
        const dns = found.slice(0, 3).map((e) => e.dn);
        throw new LdapFailure(
          'protocol',
          `${found.length} directory users match "${login}" by mail, userPrincipalName or sAMAccountName ` +
            `(${dns.join('; ')}${found.length > 3 ? '; …' : ''}): the login must name one person`,
        );
      }
      return found[0] ? toUser(found[0]) : undefined;
    },
    groupsOfUser(userDn) {
      const filter = allOf(groupFilter, `(member:${inChain}:=${escapeFilterValue(userDn)})`);
      return groupsMatching(filter, `finding the groups of ${userDn}`);
    },
    async close() {
      await client.unbind().catch(() => undefined);
    },
  };
}

type ReadEntry = (dn: string, attributes: string[], what: string) => Promise<Entry | undefined>;

/** The rootDSE and the DC's NTDS Settings object: who answered, and its USN high-water mark. */
async function readServerInfo(readEntry: ReadEntry, url: string): Promise<DirectoryServerInfo> {
  const rootDse = await readEntry(
    '',
    ['highestCommittedUSN', 'dnsHostName', 'dsServiceName'],
    'reading the rootDSE',
  );
  const first = (name: string) => {
    const value = ([] as unknown[]).concat(rootDse?.[name] ?? [])[0];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const usn = first('highestCommittedUSN');
  const dsServiceName = first('dsServiceName');
  if (!usn || !/^\d+$/.test(usn) || !dsServiceName) {
    throw new LdapFailure(
      'protocol',
      `${url} is not an Active Directory DC: its rootDSE has no highestCommittedUSN or dsServiceName`,
    );
  }
  const ntds = await readEntry(dsServiceName, ['invocationId'], `reading ${dsServiceName}`);
  if (!ntds) throw new LdapFailure('protocol', `${url}: ${dsServiceName} could not be read`);
  return {
    url,
    dnsHostName: first('dnsHostName'),
    invocationId: guidOf(ntds, 'invocationId'),
    highestCommittedUsn: usn,
  };
}
