import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { IpRanges, isLoopback, parseCidr, specialPurpose } from '../../lib/ip-ranges.js';
import { DomainError, invalid } from '../errors.js';

/** An address a webhook's host was resolved to and found allowed: the one to connect to. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Where webhooks may go. Anyone who can set a webhook could otherwise make Belfry POST to its own
 * network (the database, an admin port, the cloud's metadata service), so a destination must be
 * public unless the operator allowed its range.
 */
export interface WebhookDestinations {
  /**
   * Resolves the URL's host and checks every address it has (one bad address is enough to
   * refuse: the connection could go to any of them). Throws InvalidInput naming the address and
   * its kind, or Unavailable when the resolver does not answer.
   */
  check(url: URL): Promise<CheckedAddress[]>;
}

export interface DestinationOptions {
  /** BELFRY_WEBHOOK_ALLOW_PRIVATE: special-purpose ranges the operator lets webhooks reach */
  allowPrivate: readonly string[];
  /** DNS_SERVERS (`IP[:port]`); the system's resolver (getaddrinfo) when undefined */
  dnsServers: readonly string[] | undefined;
}

type Resolve = (host: string) => Promise<CheckedAddress[]>;

export function createWebhookDestinations(options: DestinationOptions): WebhookDestinations {
  const allowed = new IpRanges(options.allowPrivate.map((cidr) => parseCidr(cidr)!));
  const resolve = options.dnsServers ? resolverOf(options.dnsServers) : systemLookup;
  return {
    async check(url) {
      const host = hostOf(url);
      const addresses = await addressesOf(host, resolve);
      for (const { address } of addresses) {
        const kind = specialPurpose(address);
        if (kind !== undefined && !allowed.has(address))
          throw invalid(
            `Url's host ${host === address ? '' : `${host} resolves to `}${address}, a ${kind} address: ` +
              'webhooks go only to public addresses unless BELFRY_WEBHOOK_ALLOW_PRIVATE allows the range',
          );
      }
      return addresses;
    },
  };
}

/** The URL's host as a name or a bare IP address (the WHATWG parser already turned `0x7f.1` into one). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** RFC 6761: localhost names are this host, whatever a resolver would say about them. */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** Whether the URL names this host: a loopback address or a localhost name (no lookup needed). */
export function isLoopbackUrl(url: URL): boolean {
  const host = hostOf(url);
  return isLocalhostName(host) || isLoopback(host);
}

async function addressesOf(host: string, resolve: Resolve): Promise<CheckedAddress[]> {
  const version = isIP(host);
  if (version !== 0) return [{ address: host, family: version as 4 | 6 }];
  if (isLocalhostName(host))
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  return resolve(host);
}

const NO_ADDRESS = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);

/** A resolver of its own on the configured servers (never the process-wide `dns.setServers`). */
function resolverOf(servers: readonly string[]): Resolve {
  const resolver = new dns.Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([...servers]);
  return async (host) => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ];
    if (addresses.length > 0) return addresses;
    const codes = [v4, v6].map((r) => (r.status === 'rejected' ? errorCode(r.reason) : 'ENODATA'));
    throw resolutionError(host, codes.find((code) => !NO_ADDRESS.has(code)) ?? codes[0]!);
  };
}

const systemLookup: Resolve = async (host) => {
  try {
    const found = await dns.lookup(host, { all: true, verbatim: true });
    return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
  } catch (error) {
    throw resolutionError(host, errorCode(error));
  }
};

const errorCode = (error: unknown) => (error as { code?: string }).code ?? 'EUNKNOWN';

function resolutionError(host: string, code: string): DomainError {
  return NO_ADDRESS.has(code)
    ? invalid(`Url's host ${host} has no address (${code})`)
    : new DomainError('Unavailable', `Url's host ${host} could not be resolved (${code}); try again`);
}
