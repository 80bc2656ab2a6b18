import type { JobKind } from '../../jobs/kinds.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Mailer } from '../../mail/mailer.js';
import type { DomainDeps } from '../deps.js';

/** What the identities area needs beyond the common domain deps. */
export interface IdentityDeps extends DomainDeps {
  mailer: Mailer;
  /** signs the device cookie (see devices.ts) */
  secrets: Pick<SecretBox, 'mac'>;
  /** where people reach Belfry's pages, e.g. `https://belfry.example.com` (links in emails) */
  publicUrl: string;
}

export const SEND_VERIFICATION_JOB = 'identity.send-verification' satisfies JobKind;
export const SEND_PASSWORD_RESET_JOB = 'identity.send-password-reset' satisfies JobKind;
export const SEND_ALREADY_REGISTERED_JOB = 'identity.send-already-registered' satisfies JobKind;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Lifetimes and limits; fixed for now (configuration can come when someone needs to change them). */
export const IDENTITY_RULES = {
  /** the personal Pro trial that starts at registration */
  proTrialMs: 30 * DAY_MS,
  /** a verification link outlives a weekend away from the inbox */
  verificationTokenMs: 3 * DAY_MS,
  /** a reset link is a password substitute: short-lived */
  resetTokenMs: HOUR_MS,
  sessionMs: 14 * DAY_MS,
  /** failed sign-ins (see throttle.ts); the README's "Sign-in limits" states these */
  throttle: {
    windowMs: 15 * MINUTE_MS,
    /** failures per address from one client address: stops guessing from one place */
    perClient: 5,
    /** failures per address from one device that signed in to it before: its own budget */
    perDevice: 5,
    /** failures per client address over all addresses: stops spraying one password over many */
    perIp: 20,
    /** failures in a row per address from anywhere (NIST SP 800-63B §5.2.2: at most 100) */
    run: {
      /** free of any delay */
      free: 10,
      /** the wait after the `free`-th failure, doubled after each further one… */
      firstDelayMs: 30_000,
      /** …up to this */
      maxDelayMs: HOUR_MS,
      /** at this length, the wait lasts until the run is forgotten */
      ceiling: 100,
      /** a run with no failure for this long is forgotten */
      forgetMs: DAY_MS,
    },
  },
  /** how long a browser is remembered as a device that signed in to an address */
  deviceMs: 400 * DAY_MS,
  /** emails that anyone may trigger (password reset, "you already have an identity") */
  mail: {
    windowMs: HOUR_MS,
    /** per address: nobody can flood a mailbox through Belfry */
    perEmail: 5,
    /** per client address: nobody can mail many people through Belfry, or register them in bulk */
    perIp: 30,
  },
} as const;
