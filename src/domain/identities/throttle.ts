import type { Db } from '../../store/database.js';
import { clearSigninFailures, releaseSigninAttempt, reserveSigninAttempt } from '../../store/identities.js';
import { normalizeEmail } from '../../store/users.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { IDENTITY_RULES } from './deps.js';

type CounterDeps = Pick<DomainDeps, 'db' | 'clock'>;

/** Counts one more under the key in a fixed window of `windowMs` (a new window starts at 1). */
function countInWindow(deps: CounterDeps, key: string, windowMs: number): Promise<number> {
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - windowMs).toISOString();
  return reserveSigninAttempt(deps.db, key, windowStart, now.toISOString());
}

interface ThrottleKeys {
  email: string;
  ip: string | undefined;
}

/**
 * Failed sign-ins per address and per client, each in a fixed window: past the limit, sign-in is
 * refused until the window ends. Per address stops guessing one person's password; per client
 * stops trying one password on many people. A success clears the address's count only, so an
 * attacker cannot reset the client count by signing in to their own identity.
 *
 * Every attempt is counted (reserved) before its password is checked, in one atomic upsert that
 * returns the new count: checking first and counting after the ~20 ms of argon2 let a burst of
 * parallel guesses all pass the check. An attempt that was refused unchecked, or whose password
 * was right, gives its reservation back, so the counts stay counts of wrong passwords.
 */
export function createThrottle(deps: CounterDeps) {
  const { windowMs, perEmail, perIp } = IDENTITY_RULES.throttle;
  const minutes = Math.round(windowMs / 60_000);
  const reserve = (key: string) => countInWindow(deps, key, windowMs);

  return {
    keys(email: string, ip: string | undefined): ThrottleKeys {
      return { email: `email:${normalizeEmail(email)}`, ip: ip === undefined ? undefined : `ip:${ip}` };
    },

    /** Counts the attempt against the address and the client; refuses it past either limit. */
    async reserve(keys: ThrottleKeys): Promise<void> {
      if ((await reserve(keys.email)) > perEmail) {
        await releaseSigninAttempt(deps.db, keys.email);
        throw new DomainError(
          'Throttled',
          `Too many failed sign-ins for this address. Wait ${minutes} minutes, or reset your password.`,
        );
      }
      if (keys.ip && (await reserve(keys.ip)) > perIp) {
        await releaseSigninAttempt(deps.db, keys.ip);
        await releaseSigninAttempt(deps.db, keys.email);
        throw new DomainError(
          'Throttled',
          `Too many failed sign-ins from your network. Wait ${minutes} minutes.`,
        );
      }
    },

    /** The password was right: the address starts afresh; the client's reservation is given back. */
    async succeed(keys: ThrottleKeys): Promise<void> {
      await clearSigninFailures(deps.db, keys.email);
      if (keys.ip) await releaseSigninAttempt(deps.db, keys.ip);
    },

    /** Forgets the address's failures (after a password reset proved who holds the mailbox). */
    async forget(tx: Db, email: string): Promise<void> {
      await clearSigninFailures(tx, `email:${normalizeEmail(email)}`);
    },
  };
}

/**
 * How many emails anyone may make Belfry send, per address and per client, in a fixed window;
 * past either limit the request is refused. An address is counted whether or not it has an
 * identity, so the refusal reveals nothing. Counted in the same table as sign-in failures,
 * under keys of their own.
 */
export function createMailBudget(deps: CounterDeps) {
  const { windowMs, perEmail, perIp } = IDENTITY_RULES.mail;
  const spend = (key: string) => countInWindow(deps, key, windowMs);

  return {
    /** Counts one request from the client; false past its limit. */
    async clientMayAsk(ip: string | undefined): Promise<boolean> {
      return ip === undefined || (await spend(`mail-ip:${ip}`)) <= perIp;
    },

    /** Counts one mail to the address; false past its limit. */
    async addressMayReceive(email: string): Promise<boolean> {
      return (await spend(`mail:${normalizeEmail(email)}`)) <= perEmail;
    },
  };
}
