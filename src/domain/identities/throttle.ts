import type { Db } from '../../store/database.js';
import {
  clearSigninFailures,
  clearSigninFailuresUnder,
  countInSigninRun,
  extendSigninRun,
  findSigninRun,
  releaseSigninAttempt,
  reserveSigninAttempt,
} from '../../store/identities.js';
import { clientNetwork } from '../../lib/ip-ranges.js';
import { normalizeEmail } from '../../store/users.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { SignInRefused } from '../sign-in/refusal.js';
import { IDENTITY_RULES, type IdentityDeps } from './deps.js';
import { createDeviceProofs } from './devices.js';

type CounterDeps = Pick<DomainDeps, 'db' | 'clock'>;

/** Counts one more under the key in a fixed window of `windowMs` (a new window starts at 1). */
function countInWindow(deps: CounterDeps, key: string, windowMs: number) {
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - windowMs).toISOString();
  return reserveSigninAttempt(deps.db, key, windowStart, now.toISOString());
}

/** A refused attempt, and when the next one will be heard (for the page and `Retry-After`). */
export class SignInThrottled extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(
    message: string,
    readonly retryAt: Date,
    now: Date,
  ) {
    super('Throttled', message);
    this.retryAfterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  }
}

/** One try of someone's credentials, whatever checks them (a Belfry password, later a directory bind). */
export interface CredentialAttempt {
  /** who the credentials claim to be, normalised: an email address (later, a directory account) */
  subject: string;
  sourceIp: string | undefined;
  /** the device cookie the browser sent, if any */
  device: string | undefined;
}

/** What a successful check gives: the checker's value and the device cookie to set. */
export interface CheckedCredentials<T> {
  value: T;
  device: string;
}

/** "in 12 minutes (at 2026-12-03 14:05 UTC)": a duration and a real time, both. */
export function whenToRetry(now: Date, at: Date): string {
  const seconds = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const span =
    seconds < 90
      ? count(seconds, 'second')
      : seconds < 90 * 60
        ? count(Math.ceil(seconds / 60), 'minute')
        : count(Math.round(seconds / 3600), 'hour');
  const iso = at.toISOString();
  return `in ${span} (at ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC)`;
}

/**
 * The one throttle of every password check (Belfry's pages, the apps' sign-in page, and any
 * later credential such as a directory bind): the caller hands it the attempt and the check.
 * Budgets, none of which a stranger can spend for the owner:
 *
 * - per subject and client address (5 per 15 minutes): guesses from one place stop there, and
 *   the owner signing in from anywhere else is not held by it;
 * - per subject and device (5 per 15 minutes), instead of the one above, for a browser whose
 *   signed device cookie shows it signed in to this subject before: a neighbour behind the same
 *   address cannot lock it out, and it is not held by the client address's limit either;
 * - per client address over all subjects (20 per 15 minutes): stops spraying one password over
 *   many people, for browsers that are not known devices of the subject;
 * - per subject over all clients, failures in a row: a guesser spread over many addresses is
 *   slowed by growing waits (after 10, 30 s doubling up to an hour; after 100, a day), never by a
 *   lock, and known devices are not slowed.
 *
 * Every attempt is counted (reserved) before the check, each count in one atomic statement, so a
 * burst of parallel guesses cannot all pass a limit; an attempt refused unchecked, or whose
 * credentials were right, gives its reservations back, so the counts stay counts of failures.
 */
export function createThrottle(deps: CounterDeps & { secrets: IdentityDeps['secrets'] }) {
  const rules = IDENTITY_RULES.throttle;
  const devices = createDeviceProofs(deps.secrets);
  const scope = (subject: string) => `subject:${subject} `;

  /** Reserves one attempt under the key; past `limit` gives it back and refuses with `message`. */
  async function reserveWithin(key: string, limit: number, message: string): Promise<void> {
    const { count, windowStartedAt } = await countInWindow(deps, key, rules.windowMs);
    if (count <= limit) return;
    const now = deps.clock.now();
    await releaseSigninAttempt(deps.db, key);
    const retryAt = new Date(new Date(windowStartedAt).getTime() + rules.windowMs);
    throw new SignInThrottled(`${message} Try again ${whenToRetry(now, retryAt)}.`, retryAt, now);
  }

  /** The wait before the next try of a run of `failures`, or 0. */
  function runDelay(failures: number): number {
    const { free, firstDelayMs, maxDelayMs, ceiling, forgetMs } = rules.run;
    if (failures < free) return 0;
    if (failures >= ceiling) return forgetMs;
    return Math.min(firstDelayMs * 2 ** (failures - free), maxDelayMs);
  }

  /**
   * Counts one more failure in the subject's run (a run quiet for `forgetMs` starts afresh). A
   * known device is counted and never held. An unknown browser is refused while the run's wait
   * lasts, and counted by compare-and-set (a few tries), so parallel attempts cannot all slip in
   * at the moment a wait ends.
   */
  async function extendRun(key: string, known: boolean): Promise<void> {
    const forgetBefore = () => new Date(deps.clock.now().getTime() - rules.run.forgetMs).toISOString();
    if (known) {
      await countInSigninRun(deps.db, key, forgetBefore(), deps.clock.now().toISOString());
      return;
    }
    for (let tries = 0; tries < 5; tries++) {
      const now = deps.clock.now();
      const run = await findSigninRun(deps.db, key);
      const alive = run !== undefined && run.lastAt > forgetBefore();
      const failures = alive ? run.failures : 0;
      const retryAt = new Date(alive ? new Date(run.lastAt).getTime() + runDelay(failures) : 0);
      if (retryAt > now)
        throw new SignInThrottled(
          `Too many failed sign-ins for this address, from several places. Belfry slows them down: try again ${whenToRetry(now, retryAt)}, or reset your password. A browser that has signed in to this address before is not held back.`,
          retryAt,
          now,
        );
      if (await extendSigninRun(deps.db, key, run?.failures, failures + 1, now.toISOString())) return;
    }
    const now = deps.clock.now();
    const retryAt = new Date(now.getTime() + 1000);
    throw new SignInThrottled(
      'Too many sign-ins for this address at once. Try again in a second.',
      retryAt,
      now,
    );
  }

  /** The keys this attempt is counted under, reserved in turn; any refusal gives back the others. */
  async function reserve(attempt: CredentialAttempt, deviceId: string | undefined): Promise<string[]> {
    const base = scope(attempt.subject);
    const network = attempt.sourceIp === undefined ? undefined : clientNetwork(attempt.sourceIp);
    const client = network ?? 'unknown';
    const reserved: string[] = [];
    const step = async (key: string, limit: number, message: string) => {
      await reserveWithin(key, limit, message);
      reserved.push(key);
    };
    try {
      if (deviceId) {
        await step(
          `${base}device:${deviceId}`,
          rules.perDevice,
          'Too many failed sign-ins for this address on this device.',
        );
      } else {
        await step(
          `${base}ip:${client}`,
          rules.perClient,
          'Too many failed sign-ins for this address from your network.',
        );
        if (network) await step(`ip:${network}`, rules.perIp, 'Too many failed sign-ins from your network.');
      }
      await extendRun(`${base}run`, deviceId !== undefined);
      return reserved;
    } catch (error) {
      for (const key of reserved) await releaseSigninAttempt(deps.db, key);
      throw error;
    }
  }

  return {
    /**
     * Runs `check` under the budgets: it answers the credentials' value when they are right and
     * undefined when they are wrong (a failure, counted), or throws a SignInRefused that
     * `countsAsFailure` (counted too; any other error is not). Refuses unchecked with SignInThrottled
     * past a limit. On success the subject's run and this device's count start afresh, and the
     * device cookie to set is returned with the value.
     */
    async check<T>(
      attempt: CredentialAttempt,
      check: () => Promise<T | undefined>,
    ): Promise<CheckedCredentials<T> | undefined> {
      const deviceId = devices.recognise(attempt.device, attempt.subject);
      const reserved = await reserve(attempt, deviceId);
      const run = `${scope(attempt.subject)}run`;
      let value: T | undefined;
      try {
        value = await check();
      } catch (error) {
        // A refusal of the credentials themselves (a directory's "wrong password") stays counted;
        // anything else (a directory unreachable, say) is not a failure: nothing was learnt.
        if (error instanceof SignInRefused && error.countsAsFailure) throw error;
        for (const key of [...reserved, run]) await releaseSigninAttempt(deps.db, key);
        throw error;
      }
      if (value === undefined) return undefined;
      await clearSigninFailures(deps.db, run);
      for (const key of reserved)
        if (key.includes(' device:')) await clearSigninFailures(deps.db, key);
        else await releaseSigninAttempt(deps.db, key);
      return { value, device: devices.remember(attempt.device, attempt.subject) };
    },

    /** Forgets the subject's failures, from everywhere (a password reset proved who holds the mailbox). */
    async forget(tx: Db, subject: string): Promise<void> {
      await clearSigninFailuresUnder(tx, scope(subject));
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
  const spend = async (key: string) => (await countInWindow(deps, key, windowMs)).count;

  return {
    /** Counts one request from the client; false past its limit. */
    async clientMayAsk(ip: string | undefined): Promise<boolean> {
      return ip === undefined || (await spend(`mail-ip:${clientNetwork(ip)}`)) <= perIp;
    },

    /** Counts one mail to the address; false past its limit. */
    async addressMayReceive(email: string): Promise<boolean> {
      return (await spend(`mail:${normalizeEmail(email)}`)) <= perEmail;
    },
  };
}
