import { timingSafeEqual } from 'node:crypto';
import {
  acceptTotpStep,
  countConsoleAdmins,
  findConsoleAdminByEmail,
  findConsoleAdminById,
  findLiveConsoleSession,
  insertConsoleSession,
  insertSetupToken,
  isSetupTokenUsable,
  markConsoleSignIn,
  revokeConsoleSession,
  touchConsoleSession,
  useSetupToken,
  type ConsoleAdminRecord,
} from '../../store/console-admins.js';
import type { Db } from '../../store/database.js';
import { normalizeEmail } from '../../store/users.js';
import { auditedChange, recordRefusal } from '../audit/trail.js';
import { DomainError, preconditionFailed } from '../errors.js';
import { anonymousActor, type Client } from '../identities/actor.js';
import { verifyDecoy, verifyPassword } from '../identities/passwords.js';
import { hashOpaqueToken, newOpaqueToken } from '../identities/secrets.js';
import { createThrottle } from '../identities/throttle.js';
import type { AdminDeps } from './deps.js';
import { summarize, type AdminManagement, type AdminSummary } from './management.js';
import { adminActor, throttleSubject, TOUCH_EVERY_MS, WRONG_ADMIN_CREDENTIALS } from './rules.js';
import { matchTotp } from './totp.js';

/** A signed-in console: the cookie's value (stored hashed), its CSRF token, and who it is. */
export interface ConsoleSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  admin: AdminSummary;
}

export interface SignInResult extends ConsoleSession {
  /** the sign-in device cookie to set (domain/identities/devices.ts) */
  device: string;
}

/** A live session, as each console request finds it. */
export interface LiveSession {
  admin: ConsoleAdminRecord;
  csrfToken: string;
}

export interface ConsoleClient extends Client {
  device?: string | undefined;
}

const SETUP_LINK_USED =
  'This link to create the first administrator has been used, has expired, or is not whole. Restart Belfry to print a new one, or run "belfry admins create".';

/**
 * Console sign-in: passwords under the one sign-in throttle every password goes through, an
 * optional TOTP code, sessions with idle and absolute expiry, and the first administrator's link.
 */
export function createConsoleSessions(deps: AdminDeps, management: AdminManagement) {
  const { db, clock, rules } = deps;
  const throttle = createThrottle(deps);
  const later = (ms: number) => new Date(clock.now().getTime() + ms);

  /**
   * The CSRF token of a session: an HMAC of its cookie value, so nothing more is stored and a
   * page can learn it only from the API (which another site cannot read).
   */
  const csrfOf = (token: string) => deps.secrets.mac('console csrf', token).toString('base64url');

  async function startSession(tx: Db, admin: ConsoleAdminRecord): Promise<ConsoleSession> {
    const token = newOpaqueToken();
    const at = clock.now().toISOString();
    const expiresAt = later(rules.absoluteMs);
    await insertConsoleSession(tx, {
      idHash: hashOpaqueToken(token),
      adminId: admin.id,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: expiresAt.toISOString(),
    });
    await markConsoleSignIn(tx, admin.id, at);
    return { token, csrfToken: csrfOf(token), expiresAt, admin: summarize(admin) };
  }

  /** The administrator whose password (and code, when TOTP is on) these are, or undefined. */
  async function credentialsHolder(email: string, password: string, code: string | undefined) {
    const admin = await findConsoleAdminByEmail(db, email);
    if (!admin) {
      await verifyDecoy(password);
      return undefined;
    }
    if (!(await verifyPassword(admin.passwordHash, password))) return undefined;
    if (admin.totpSecretSealed === undefined) return admin;
    const step =
      code === undefined
        ? undefined
        : matchTotp(deps.secrets.open(admin.totpSecretSealed), code, clock.now());
    if (step === undefined || !(await acceptTotpStep(db, admin.id, step))) return undefined;
    return admin;
  }

  return {
    csrfOf,

    async signIn(
      input: { email: string; password: string; totpCode?: string | undefined },
      client: ConsoleClient,
    ): Promise<SignInResult> {
      const attempt = {
        subject: throttleSubject(normalizeEmail(input.email)),
        sourceIp: client.sourceIp,
        device: client.device,
      };
      const subject = {
        operation: 'ConsoleSignIn',
        targetType: 'ConsoleAdmin',
        details: { email: input.email.trim() },
      };
      let checked;
      try {
        checked = await throttle.check(attempt, () =>
          credentialsHolder(input.email, input.password, input.totpCode),
        );
        if (!checked) throw new DomainError('Unauthorized', WRONG_ADMIN_CREDENTIALS);
      } catch (error) {
        await recordRefusal(deps, anonymousActor(client), subject, error);
        throw error;
      }
      const admin = checked.value;
      const session = await auditedChange(
        deps,
        adminActor(admin, client),
        { ...subject, targetId: admin.id },
        (tx) => startSession(tx, admin),
      );
      return { ...session, device: checked.device };
    },

    /**
     * The administrator behind a cookie, while the session is neither revoked, idle for longer
     * than `idleMs`, nor older than `absoluteMs`. Use keeps it alive (written once a minute).
     */
    async findSession(token: string): Promise<LiveSession | undefined> {
      const now = clock.now();
      const idHash = hashOpaqueToken(token);
      const idleSince = new Date(now.getTime() - rules.idleMs).toISOString();
      const session = await findLiveConsoleSession(db, idHash, now.toISOString(), idleSince);
      if (!session) return undefined;
      const admin = await findConsoleAdminById(db, session.adminId);
      if (!admin) return undefined;
      if (now.getTime() - new Date(session.lastSeenAt).getTime() >= TOUCH_EVERY_MS)
        await touchConsoleSession(db, idHash, now.toISOString());
      return { admin, csrfToken: csrfOf(token) };
    },

    /** Whether `given` is the session's CSRF token (constant time). */
    csrfMatches(session: LiveSession, given: string | undefined): boolean {
      if (given === undefined) return false;
      const [a, b] = [Buffer.from(given), Buffer.from(session.csrfToken)];
      return a.length === b.length && timingSafeEqual(a, b);
    },

    async signOut(token: string): Promise<void> {
      await revokeConsoleSession(db, hashOpaqueToken(token), clock.now().toISOString());
    },

    /**
     * Mints the one-time link that creates the first administrator, while there is none (each
     * start prints a fresh one; older ones keep working until they expire or one is used).
     * Only the token's hash is stored.
     */
    async issueSetupToken(): Promise<string | undefined> {
      if ((await countConsoleAdmins(db)) > 0) return undefined;
      const token = newOpaqueToken();
      await insertSetupToken(db, {
        tokenHash: hashOpaqueToken(token),
        at: clock.now().toISOString(),
        expiresAt: later(rules.setupLinkMs).toISOString(),
      });
      return token;
    },

    async setupTokenUsable(token: string): Promise<boolean> {
      if ((await countConsoleAdmins(db)) > 0) return false;
      return isSetupTokenUsable(db, hashOpaqueToken(token), clock.now().toISOString());
    },

    /** Spends the link: creates the first administrator (FullAccess, all accounts) and signs them in. */
    async setUpFirstAdmin(
      input: { token: string; email: string; password: string },
      client: Client,
    ): Promise<ConsoleSession> {
      const actor = { ...anonymousActor(client), label: 'console/setup-link' };
      const subject = {
        operation: 'CreateConsoleAdmin',
        targetType: 'ConsoleAdmin',
        details: { email: input.email.trim(), policy: 'FullAccess', firstAdministrator: true },
      };
      return auditedChange(deps, actor, subject, async (tx, log) => {
        if (
          (await countConsoleAdmins(tx)) > 0 ||
          !(await useSetupToken(tx, hashOpaqueToken(input.token), clock.now().toISOString()))
        )
          throw preconditionFailed(SETUP_LINK_USED);
        const { admin } = await management.insertAdmin(tx, {
          email: input.email,
          password: input.password,
          policy: 'FullAccess',
        });
        log.target({ targetId: admin.id });
        return startSession(tx, admin);
      });
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;
