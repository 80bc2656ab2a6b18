import { insertPrincipal, type Policy } from '../../store/access-keys.js';
import { findAccountById } from '../../store/accounts.js';
import {
  countConsoleAdmins,
  deleteConsoleAdmin,
  findConsoleAdminByEmail,
  insertConsoleAdmin,
  listConsoleAdmins,
  revokeConsoleSessionsOf,
  updateConsoleAdminCredentials,
  type ConsoleAdminRecord,
} from '../../store/console-admins.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../access/actor.js';
import { authorize, isPolicy } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { conflict, invalid, notFound } from '../errors.js';
import { checkPassword, hashPassword } from '../identities/passwords.js';
import { checkEmail } from '../users/rules.js';
import type { AdminDeps } from './deps.js';
import { newTotpSecret, totpUri } from './totp.js';

/** An administrator as lists show them (never the password hash or the TOTP secret). */
export interface AdminSummary {
  email: string;
  policy: Policy;
  accountId: string | undefined;
  totp: boolean;
  createdAt: string;
  lastSignedInAt: string | undefined;
}

export const summarize = (a: ConsoleAdminRecord): AdminSummary => ({
  email: a.email,
  policy: a.policy,
  accountId: a.accountId,
  totp: a.totpSecretSealed !== undefined,
  createdAt: a.createdAt,
  lastSignedInAt: a.lastSignedInAt,
});

/** A TOTP secret just made: shown once, for the administrator's authenticator app. */
export interface NewTotp {
  secret: string;
  uri: string;
}

export interface NewAdminInput {
  email: string;
  password: string;
  policy: string;
  accountId?: string | undefined;
  totp?: boolean | undefined;
}

/**
 * Managing console administrators, an operator's task (the CLI, or the first-administrator link).
 * Each administrator is an admin principal with a policy, as an access key's holder is, so
 * policies.ts decides what their console may do.
 */
export function createAdminManagement(deps: AdminDeps) {
  const now = () => deps.clock.now().toISOString();

  async function existing(db: Db, email: string): Promise<ConsoleAdminRecord> {
    const admin = await findConsoleAdminByEmail(db, email);
    if (!admin) throw notFound(`No console administrator has the address ${email.trim()}`);
    return admin;
  }

  /** Inserts principal and administrator in `tx`; checks everything first. */
  async function insertAdmin(
    tx: Db,
    input: NewAdminInput,
  ): Promise<{ admin: ConsoleAdminRecord; totp?: NewTotp }> {
    const email = checkEmail(input.email);
    if (!isPolicy(input.policy))
      throw invalid(`Policy must be FullAccess, UserManagement or ReadOnly, not ${input.policy}`);
    const passwordHash = await hashPassword(checkPassword(input.password));
    if (input.accountId !== undefined && !(await findAccountById(tx, input.accountId)))
      throw notFound(`Account ${input.accountId} not found`);
    if (await findConsoleAdminByEmail(tx, email))
      throw conflict(
        `${email} is a console administrator already; use "belfry admins reset" to change their password`,
      );
    const at = now();
    const principalId = deps.ids.uuid();
    const id = deps.ids.uuid();
    await insertPrincipal(tx, {
      id: principalId,
      name: email,
      policy: input.policy,
      accountId: input.accountId,
      createdAt: at,
    });
    const totp = input.totp ? newTotp(email) : undefined;
    await insertConsoleAdmin(tx, {
      id,
      principalId,
      email,
      passwordHash,
      ...(totp && { totpSecretSealed: deps.secrets.seal(totp.secret) }),
      at,
    });
    const admin = (await findConsoleAdminByEmail(tx, email))!;
    return totp ? { admin, totp } : { admin };
  }

  function newTotp(email: string): NewTotp {
    const secret = newTotpSecret();
    return { secret, uri: totpUri(secret, email) };
  }

  return {
    insertAdmin,

    async createAdmin(actor: Actor, input: NewAdminInput) {
      authorize(actor, 'operator');
      const subject = {
        operation: 'CreateConsoleAdmin',
        accountId: input.accountId,
        targetType: 'ConsoleAdmin',
        details: { email: input.email.trim(), policy: input.policy },
      };
      return auditedChange(deps, actor, subject, async (tx, log) => {
        const created = await insertAdmin(tx, input);
        log.target({ targetId: created.admin.id });
        return { admin: summarize(created.admin), totp: created.totp };
      });
    },

    async listAdmins(): Promise<AdminSummary[]> {
      return (await listConsoleAdmins(deps.db)).map(summarize);
    },

    async hasAnyAdmin(): Promise<boolean> {
      return (await countConsoleAdmins(deps.db)) > 0;
    },

    /** Removes the administrator; their sessions end at once. */
    async deleteAdmin(actor: Actor, email: string): Promise<void> {
      authorize(actor, 'operator');
      const subject = {
        operation: 'DeleteConsoleAdmin',
        targetType: 'ConsoleAdmin',
        details: { email: email.trim() },
      };
      await auditedChange(deps, actor, subject, async (tx, log) => {
        const admin = await existing(tx, email);
        log.target({ targetId: admin.id });
        await deleteConsoleAdmin(tx, admin);
      });
    },

    /**
     * Sets a new password and/or a new TOTP secret (or turns TOTP off); every session of the
     * administrator ends, as whoever knew the old password must be out.
     */
    async resetAdmin(
      actor: Actor,
      email: string,
      change: { password?: string | undefined; totp?: 'new' | 'off' | undefined },
    ): Promise<{ totp: NewTotp | undefined; sessionsEnded: number }> {
      authorize(actor, 'operator');
      if (change.password === undefined && change.totp === undefined)
        throw invalid('Give a new password, a new TOTP secret, or both');
      const passwordHash =
        change.password === undefined ? undefined : await hashPassword(checkPassword(change.password));
      const subject = {
        operation: 'ResetConsoleAdmin',
        targetType: 'ConsoleAdmin',
        details: { email: email.trim(), totp: change.totp ?? 'unchanged' },
      };
      return auditedChange(deps, actor, subject, async (tx, log) => {
        const admin = await existing(tx, email);
        log.target({ targetId: admin.id });
        const totp = change.totp === 'new' ? newTotp(admin.email) : undefined;
        await updateConsoleAdminCredentials(tx, admin.id, {
          ...(passwordHash !== undefined && { passwordHash }),
          ...(change.totp === 'off' && { totpSecretSealed: null }),
          ...(totp && { totpSecretSealed: deps.secrets.seal(totp.secret) }),
          at: now(),
        });
        const sessionsEnded = await revokeConsoleSessionsOf(tx, admin.id, now());
        return { totp, sessionsEnded };
      });
    },
  };
}

export type AdminManagement = ReturnType<typeof createAdminManagement>;
