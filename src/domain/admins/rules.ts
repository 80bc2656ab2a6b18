import type { Actor } from '../access/actor.js';
import type { Client } from '../identities/actor.js';
import type { ConsoleAdminRecord } from '../../store/console-admins.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** How long console sessions and first-administrator links last (BELFRY_CONSOLE_* settings). */
export interface ConsoleSessionRules {
  /** a session unused this long ends: a console left open on a shared desk */
  idleMs: number;
  /** a session ends this long after sign-in, however busy */
  absoluteMs: number;
  /** how long the first-administrator link printed at start works */
  setupLinkMs: number;
}

export const DEFAULT_CONSOLE_RULES: ConsoleSessionRules = {
  idleMs: 30 * MINUTE_MS,
  absoluteMs: 12 * HOUR_MS,
  setupLinkMs: 24 * HOUR_MS,
};

/** A session's last use is written at most this often, so reading a page stays a read. */
export const TOUCH_EVERY_MS = MINUTE_MS;

/**
 * A console administrator acting, as every rule check and the audit trail see them: their
 * principal's policy and account scope, named `console/<email>`.
 */
export function adminActor(admin: ConsoleAdminRecord, client: Client): Actor {
  return {
    principalId: admin.principalId,
    label: `console/${admin.email}`,
    policy: admin.policy,
    accountScope: admin.accountId,
    requestId: client.requestId,
    sourceIp: client.sourceIp,
  };
}

/** The sign-in throttle's subject for an administrator: apart from an end user of the same address. */
export const throttleSubject = (normalizedEmail: string) => `console:${normalizedEmail}`;

/** One message for every wrong part, so a guesser learns nothing about which was wrong. */
export const WRONG_ADMIN_CREDENTIALS =
  'The email, password or authenticator code is wrong. Check them and try again; an administrator can reset them with "belfry admins reset".';
