import { BlockList, isIP } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

/** One CIDR range as written (`10.0.0.0/8`, `fd00::/8`), or a single address. */
export interface Cidr {
  address: string;
  prefix: number;
  family: IpFamily;
}

/**
 * Reads `address/prefix` or a bare address (a /32 or /128). Undefined for anything else, so a
 * caller can report the entry it could not read.
 */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family: IpFamily = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return { address, prefix: Number(prefixText), family };
}

/** A set of ranges an address can be tested against; IPv4-mapped IPv6 addresses count as IPv4. */
export class IpRanges {
  private readonly list = new BlockList();

  constructor(ranges: readonly Cidr[]) {
    for (const range of ranges) this.list.addSubnet(range.address, range.prefix, range.family);
  }

  has(address: string): boolean {
    const plain = unwrapIpv4(address);
    const version = isIP(plain);
    return version !== 0 && this.list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`, RFC 4291) or NAT64 well-known-prefix
 * (`64:ff9b::a.b.c.d`, RFC 6052) IPv6 address, in any spelling (`::ffff:7f00:1` too), since a
 * connection to either reaches that IPv4 address; any other address unchanged.
 */
export function unwrapIpv4(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  const mapped = groups.slice(0, 6).join(':') === '0:0:0:0:0:ffff';
  const nat64 = groups.slice(0, 6).join(':') === '64:ff9b:0:0:0:0';
  if (!mapped && !nat64) return address;
  const [high = 0, low = 0] = groups.slice(6).map((g) => parseInt(g, 16));
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * The network a client's address stands for when Belfry counts what one client does: an IPv4
 * address itself, an IPv6 address's /64. One subscriber is commonly given a whole /64 (RFC 6177),
 * so counting single IPv6 addresses would let anyone pick a fresh one per try.
 */
export function clientNetwork(address: string): string {
  const plain = unwrapIpv4(address);
  if (isIP(plain) !== 6) return plain;
  return `${expandIpv6(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address as lower-case hex without leading zeros. */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1]!.split('.').map(Number);
    text =
      text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}

/**
 * The special-purpose ranges (RFC 6890 and the IANA registries) that an outbound request from a
 * server must not reach on a stranger's say-so: this host, the local networks, and the cloud's
 * metadata service. Named so that a refusal can say which one it was.
 */
const SPECIAL_RANGES: ReadonlyArray<[string, string]> = [
  ['169.254.169.254/32', 'cloud metadata'],
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['127.0.0.0/8', 'loopback'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'shared (carrier-grade NAT)'],
  ['169.254.0.0/16', 'link-local'],
  ['192.0.0.0/24', 'reserved (IETF protocol assignments)'],
  ['198.18.0.0/15', 'reserved (benchmarking)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (incl. broadcast)'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'reserved (IPv4-compatible)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['fc00::/7', 'unique-local'],
  ['ff00::/8', 'multicast'],
];

const specialRanges = SPECIAL_RANGES.map(([cidr, kind]) => ({
  ranges: new IpRanges([parseCidr(cidr)!]),
  kind,
}));

/**
 * What kind of special-purpose address this is ("loopback", "private (RFC 1918)", …), or
 * undefined for an ordinary public one. IPv4 inside IPv6 is judged as the IPv4 address it reaches.
 */
export function specialPurpose(address: string): string | undefined {
  return specialRanges.find(({ ranges }) => ranges.has(address))?.kind;
}

const loopback = new IpRanges([parseCidr('127.0.0.0/8')!, parseCidr('::1/128')!]);

/** This host's own addresses (127.0.0.0/8, ::1), also written as IPv4-mapped IPv6. */
export const isLoopback = (address: string) => loopback.has(address);
