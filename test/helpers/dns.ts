import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/** An authoritative DNS server on loopback whose TXT records a test changes while it runs. */
export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as DNS_SERVERS takes it */
  address: string;
  /** TXT values by lower-case name; a name in none of the maps answers NXDOMAIN */
  txt: Map<string, string[]>;
  /** IPv4 addresses (A records) by lower-case name */
  a: Map<string, string[]>;
  /** IPv6 addresses (AAAA records) by lower-case name */
  aaaa: Map<string, string[]>;
  /** called after each answer is sent, with the question's name and type (16 TXT, 1 A, 28 AAAA) */
  onQuery: ((name: string, type: number) => void) | undefined;
  /** how many queries were answered (to see that a check really asked) */
  queries: number;
  /** while set, every query is answered SERVFAIL, as a broken resolver would */
  servfail: boolean;
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_TXT = 16;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
const NXDOMAIN = 3;
const FORMERR = 1;
const SERVFAIL = 2;

/**
 * Answers UDP queries from the maps: the records of a TXT, A or AAAA question, NOERROR without answers for
 * another type of a known name (Node reports ENODATA), NXDOMAIN for an unknown one (ENOTFOUND),
 * as a real zone would. Answers stay small, so truncation and the TCP retry never come up.
 */
export async function startTestDns(): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const server: TestDnsServer = {
    address: '',
    txt: new Map(),
    a: new Map(),
    aaaa: new Map(),
    onQuery: undefined,
    queries: 0,
    servfail: false,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (query, peer) => {
    server.queries++;
    const response = answer(query, server);
    if (server.servfail) response.writeUInt16BE((response.readUInt16BE(2) & 0xfff0) | SERVFAIL, 2);
    socket.send(response, peer.port, peer.address);
    const question = readQuestion(query);
    if (question) server.onQuery?.(question.name.toLowerCase(), question.type);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  server.address = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
  return server;
}

type Zone = Pick<TestDnsServer, 'txt' | 'a' | 'aaaa'>;

/** The response to one query message (RFC 1035 §4.1), with the question echoed. */
function answer(query: Buffer, zone: Zone): Buffer {
  const question = readQuestion(query);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  const recursionDesired = query.readUInt16BE(2) & 0x0100;
  if (!question) {
    header.writeUInt16BE(0x8400 | recursionDesired | FORMERR, 2);
    return header;
  }
  const name = question.name.toLowerCase();
  const known = [zone.txt, zone.a, zone.aaaa].some((records) => records.has(name));
  const answers = recordsOf(zone, name, question.type);
  header.writeUInt16BE(0x8400 | recursionDesired | (known ? 0 : NXDOMAIN), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question.raw, ...answers]);
}

function recordsOf(zone: Zone, name: string, type: number): Buffer[] {
  if (type === TYPE_TXT) return (zone.txt.get(name) ?? []).map(txtData).map((d) => record(TYPE_TXT, d));
  if (type === TYPE_A)
    return (zone.a.get(name) ?? []).map((ip) => record(TYPE_A, Buffer.from(ip.split('.').map(Number))));
  if (type === TYPE_AAAA) return (zone.aaaa.get(name) ?? []).map((ip) => record(TYPE_AAAA, ipv6Bytes(ip)));
  return [];
}

function readQuestion(query: Buffer): { name: string; type: number; raw: Buffer } | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const length = query[at]!;
    if (length > 63) return undefined; // compression does not occur in a question
    labels.push(query.toString('latin1', at + 1, at + 1 + length));
    at += 1 + length;
  }
  if (at + 5 > query.length) return undefined;
  return { name: labels.join('.'), type: query.readUInt16BE(at + 1), raw: query.subarray(12, at + 5) };
}

/** A TXT record's data: the value split into 255-byte character-strings. */
function txtData(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const strings: Buffer[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    strings.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(strings);
}

/** The 16 bytes of an IPv6 address written with at most one `::`. */
function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

/** One answer pointing at the question's name. */
function record(type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(CLASS_IN, 4);
  fixed.writeUInt32BE(0, 6); // TTL 0: every lookup asks again
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}
