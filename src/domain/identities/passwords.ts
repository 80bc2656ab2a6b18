import argon2 from 'argon2';
import { invalid } from '../errors.js';

export const PASSWORD_MIN = 10;
/** Long enough for any passphrase, short enough that hashing cannot be used to burn CPU. */
export const PASSWORD_MAX = 1024;

/**
 * argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane): about 20 ms here, so a sign-in
 * stays cheap for the server and guessing stays expensive for an attacker with the table.
 */
const PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Length in code points, so an emoji counts once; no composition rules (NIST SP 800-63B). */
export function checkPassword(password: string): string {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw invalid(`Choose a password of at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) throw invalid(`Choose a password of at most ${PASSWORD_MAX} characters`);
  return password;
}

/** A PHC string, `$argon2id$v=19$m=19456,p=1,t=2$salt$hash`, salted by the library. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PARAMS);
}

/** False for a wrong password or a hash that cannot be read (never throws for bad input). */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with weaker parameters than today's (rehashed at sign-in). */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, PARAMS);
  } catch {
    return true;
  }
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time of a real verification when the address is unknown, so the response time does
 * not tell an attacker which addresses have an identity.
 */
export async function verifyDecoy(password: string): Promise<void> {
  decoy ??= hashPassword('decoy password, never matches');
  await verifyPassword(await decoy, password);
}
