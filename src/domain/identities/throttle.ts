import type { Db } from '../../store/database.js';
import { clearSigninFailures, countSigninFailures, recordSigninFailure } from '../../store/identities.js';
import { normalizeEmail } from '../../store/users.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { IDENTITY_RULES } from './deps.js';

interface ThrottleKeys {
  email: string;
  ip: string | undefined;
}

/**
 * Failed sign-ins per address and per client, each in a fixed window: past the limit, sign-in is
 * refused until the window ends. Per address stops guessing one person's password; per client
 * stops trying one password on many people. A success clears the address's count only, so an
 * attacker cannot reset the client count by signing in to their own identity.
 */
export function createThrottle(deps: Pick<DomainDeps, 'db' | 'clock'>) {
  const { windowMs, perEmail, perIp } = IDENTITY_RULES.throttle;
  const windowStart = () => new Date(deps.clock.now().getTime() - windowMs).toISOString();

  return {
    keys(email: string, ip: string | undefined): ThrottleKeys {
      return { email: `email:${normalizeEmail(email)}`, ip: ip === undefined ? undefined : `ip:${ip}` };
    },

    async check(keys: ThrottleKeys): Promise<void> {
      const since = windowStart();
      const minutes = Math.round(windowMs / 60_000);
      if ((await countSigninFailures(deps.db, keys.email, since)) >= perEmail)
        throw new DomainError(
          'Throttled',
          `Too many failed sign-ins for this address. Wait ${minutes} minutes, or reset your password.`,
        );
      if (keys.ip && (await countSigninFailures(deps.db, keys.ip, since)) >= perIp)
        throw new DomainError(
          'Throttled',
          `Too many failed sign-ins from your network. Wait ${minutes} minutes.`,
        );
    },

    async fail(keys: ThrottleKeys): Promise<void> {
      const since = windowStart();
      const at = deps.clock.now().toISOString();
      await recordSigninFailure(deps.db, keys.email, since, at);
      if (keys.ip) await recordSigninFailure(deps.db, keys.ip, since, at);
    },

    async succeed(keys: ThrottleKeys): Promise<void> {
      await clearSigninFailures(deps.db, keys.email);
    },

    /** Forgets the address's failures (after a password reset proved who holds the mailbox). */
    async forget(tx: Db, email: string): Promise<void> {
      await clearSigninFailures(tx, `email:${normalizeEmail(email)}`);
    },
  };
}
