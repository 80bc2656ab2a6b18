import { X509Certificate } from 'node:crypto';
import type { LdapSettings } from '../../directory/types.js';
import type { ConnectionRecord } from '../../store/directories.js';
import { invalid } from '../errors.js';
import type { ConnectDirectoryInput } from './contract.js';
import type { DirectoryDeps } from './deps.js';

/** The filter used when the admin gives none: people, not computers or contacts. */
export const DEFAULT_USER_FILTER = '(&(objectCategory=person)(objectClass=user))';

/**
 * Checks what `directory connect` gives, every problem at once: URLs ldap:// or ldaps:// only,
 * DNs non-empty, a filter with balanced parentheses, a CA that parses. Returns the CA's subject.
 */
export function checkConnectInput(input: ConnectDirectoryInput): { caSubject: string | undefined } {
  const problems: string[] = [];
  if (input.type !== 'ad') problems.push(`directory type "${String(input.type)}" is not supported (only ad)`);
  if (input.urls.length === 0) problems.push('at least one directory URL is needed');
  for (const url of input.urls)
    if (!isLdapUrl(url)) problems.push(`"${url}" is not an ldap:// or ldaps:// URL`);
  if (input.bindDn.trim() === '') problems.push('the bind DN is empty');
  if (input.bindPassword === '') problems.push('the bind password is empty');
  if (input.baseDn.trim() === '') problems.push('the base DN is empty');
  if (input.userFilter !== undefined && !balancedFilter(input.userFilter))
    problems.push(`the user filter "${input.userFilter}" is not a parenthesised LDAP filter`);
  let caSubject: string | undefined;
  if (input.caPem !== undefined)
    try {
      caSubject = new X509Certificate(input.caPem).subject.replace(/\n/g, ', ');
    } catch {
      problems.push('the CA certificate is not a PEM certificate');
    }
  if (problems.length > 0) throw invalid(`Cannot connect the directory: ${problems.join('; ')}`);
  return { caSubject };
}

function isLdapUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'ldap:' || parsed.protocol === 'ldaps:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** Starts and ends with parentheses, which never close more than they opened. */
export function balancedFilter(filter: string): boolean {
  const f = filter.trim();
  if (!f.startsWith('(') || !f.endsWith(')')) return false;
  let depth = 0;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '\\') i++;
    else if (f[i] === '(') depth++;
    else if (f[i] === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** What the LDAP client needs, the password unsealed only here, for the call at hand. */
export function ldapSettings(deps: Pick<DirectoryDeps, 'secrets'>, c: ConnectionRecord): LdapSettings {
  return {
    urls: c.urls,
    bindDn: c.bindDn,
    bindPassword: deps.secrets.open(c.bindPasswordSealed),
    baseDn: c.baseDn,
    userFilter: c.userFilter,
    caPem: c.caPem,
    startTls: c.startTls,
  };
}
