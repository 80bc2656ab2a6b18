import { promises as dns } from 'node:dns';

/** What one lookup of a challenge record found. */
export type TxtAnswer =
  | { kind: 'found' }
  /** the name answered, but without our value: NXDOMAIN, no TXT, or other TXT records only */
  | { kind: 'absent'; detail: string }
  /** no answer at all (timeout, SERVFAIL, refused): says nothing about the record */
  | { kind: 'unreachable'; detail: string };

export type TxtLookup = (name: string, value: string) => Promise<TxtAnswer>;

const ABSENT_CODES = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);

/**
 * Looks the record up with the given resolvers (`host[:port]`; the system's when empty). A
 * resolver of its own, never the process-wide `dns.setServers`, so tests and other lookups in
 * the process are unaffected. Character-strings of one record are joined, as TXT values longer
 * than 255 bytes are split.
 */
export function createTxtLookup(servers: readonly string[] | undefined): TxtLookup {
  const resolver = new dns.Resolver({ timeout: 2000, tries: 2 });
  if (servers && servers.length > 0) resolver.setServers([...servers]);
  return async (name, value) => {
    try {
      const records = await resolver.resolveTxt(name);
      if (records.some((chunks) => chunks.join('') === value)) return { kind: 'found' };
      return { kind: 'absent', detail: `${records.length} TXT record(s), none with the expected value` };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'EUNKNOWN';
      return ABSENT_CODES.has(code)
        ? { kind: 'absent', detail: code }
        : { kind: 'unreachable', detail: code };
    }
  };
}
