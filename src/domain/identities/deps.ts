import type { Mailer } from '../../mail/mailer.js';
import type { DomainDeps } from '../deps.js';

/** What the identities area needs beyond the common domain deps. */
export interface IdentityDeps extends DomainDeps {
  mailer: Mailer;
  /** where people reach Belfry's pages, e.g. `https://belfry.example.com` (links in emails) */
  publicUrl: string;
}

export const SEND_VERIFICATION_JOB = 'identity.send-verification';
export const SEND_PASSWORD_RESET_JOB = 'identity.send-password-reset';
export const SEND_ALREADY_REGISTERED_JOB = 'identity.send-already-registered';

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
  throttle: {
    windowMs: 15 * MINUTE_MS,
    /** failures per address: stops guessing one person's password */
    perEmail: 5,
    /** failures per client address: stops spraying one password over many people */
    perIp: 20,
  },
  /** emails that anyone may trigger (password reset, "you already have an identity") */
  mail: {
    windowMs: HOUR_MS,
    /** per address: nobody can flood a mailbox through Belfry */
    perEmail: 5,
    /** per client address: nobody can mail many people through Belfry, or register them in bulk */
    perIp: 30,
  },
} as const;
