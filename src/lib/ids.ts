import { randomBytes, randomInt } from 'node:crypto';

/** Identifier source, injected so tests can make ids predictable when they need to. */
export interface Ids {
  /** A time-ordered UUID (RFC 9562 version 7): keyset pages in id order follow creation order. */
  uuid(): string;
}

export const randomIds: Ids = { uuid: uuidv7 };

let lastMs = 0;
let sequence = 0;

/**
 * Ids made in the same millisecond follow each other too: a 12-bit counter fills rand_a (RFC 9562
 * §6.2, method 1), seeded randomly each millisecond with headroom; on overflow the time moves on.
 */
export function uuidv7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = randomInt(0x800);
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Access key ids look like AWS ones (20 upper-case characters) so tools that check the shape accept them. */
export function newAccessKeyId(): string {
  let id = 'BKIA';
  for (const b of randomBytes(16)) id += KEY_ALPHABET[b & 31];
  return id;
}

/** 40 characters of base64, like an AWS secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/** A personal meeting PIN: ten digits, uniformly random. */
export function newPersonalPin(): string {
  let pin = '';
  for (let i = 0; i < 10; i++) pin += String(randomInt(10));
  return pin;
}
