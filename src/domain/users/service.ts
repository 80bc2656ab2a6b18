import { lockAccountById, type AccountRecord, type License } from '../../store/accounts.js';
import {
  findRegisteredMembershipsByEmail,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers as listUserRows,
  updateUser as updateUserRow,
  type UserChanges,
  type UserRecord,
  type UserType,
} from '../../store/users.js';
import { findAccountById } from '../../store/accounts.js';
import { insertInvite, type InviteRecord } from '../../store/invites.js';
import { newPersonalPin } from '../../lib/ids.js';
import { keysetPage, type Page } from '../paging.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors.js';
import { checkLicenseForAccount } from '../accounts/rules.js';
import { checkDisplayName, checkEmail, newMember } from './rules.js';
import { freeNumberOfUser } from '../phone-numbers/assignment.js';

export type { UserRecord as User, InviteRecord as Invite };

export interface UserUpdate {
  license?: License | undefined;
  userType?: UserType | undefined;
  alexa?: { enabled?: boolean | undefined; roomArn?: string | undefined } | undefined;
}

/** One user's failure inside a batch; the rest of the batch still applies. */
export interface UserFailure {
  userId: string;
  kind: DomainError['kind'];
  message: string;
}

export interface Telephony {
  inbound: boolean;
  outbound: boolean;
  sms: boolean;
}

export type UsersService = ReturnType<typeof createUsersService>;

const DIRECTORY_TYPES = new Set(['EnterpriseDirectory', 'EnterpriseOIDC']);

export function createUsersService(deps: DomainDeps) {
  const { db, ids, clock } = deps;
  const now = () => clock.now().toISOString();

  async function activeAccount(tx: Db, accountId: string): Promise<AccountRecord> {
    const account = await lockAccountById(tx, accountId, deps.dialect);
    if (!account) throw notFound(`Account ${accountId} not found`);
    if (account.status !== 'Active') throw conflict(`Account ${accountId} is deleted`);
    return account;
  }

  async function existingUser(tx: Db, accountId: string, userId: string): Promise<UserRecord> {
    const user = await findUserById(tx, accountId, userId);
    if (!user) throw notFound(`User ${userId} not found in account ${accountId}`);
    return user;
  }

  /** Applies one user's tier/type change; the caller has locked the account. */
  async function applyUpdate(
    tx: Db,
    account: AccountRecord,
    userId: string,
    update: UserUpdate,
  ): Promise<UserRecord> {
    const user = await existingUser(tx, account.id, userId);
    const changes: UserChanges = { updatedAt: now() };
    if (update.license !== undefined && update.license !== user.license) {
      if (DIRECTORY_TYPES.has(account.type))
        throw forbidden(
          `Account ${account.id} takes permission tiers from its directory groups; change the user's groups instead`,
        );
      changes.license = checkLicenseForAccount(update.license, account.supportedLicenses);
    }
    if (update.userType !== undefined) changes.userType = update.userType;
    if (update.alexa?.enabled !== undefined) changes.alexaEnabled = update.alexa.enabled;
    if (update.alexa?.roomArn !== undefined) changes.alexaRoomArn = update.alexa.roomArn;
    await updateUserRow(tx, account.id, userId, changes);
    return (await findUserById(tx, account.id, userId))!;
  }

  /**
   * Runs `each` for every distinct id in its own savepoint-free unit: a failure is reported for
   * that user and the others still apply. Every user gets an audit item.
   */
  async function batch(
    actor: Actor,
    operation: string,
    accountId: string,
    userIds: string[],
    permission: 'users',
    check: (account: AccountRecord) => void,
    each: (tx: Db, account: AccountRecord, userId: string) => Promise<Record<string, unknown> | undefined>,
  ): Promise<UserFailure[]> {
    // The request as a whole (permission, account) is checked in its own audited change.
    await auditedChange(
      deps,
      actor,
      { operation, accountId, targetType: 'Account', targetId: accountId },
      async (tx, log) => {
        authorize(actor, permission, accountId);
        check(await activeAccount(tx, accountId));
        log.onlyItems();
      },
    );
    const failures: UserFailure[] = [];
    for (const userId of [...new Set(userIds)]) {
      try {
        await auditedChange(
          deps,
          actor,
          { operation, accountId, targetType: 'User', targetId: userId, userId },
          async (tx, log) => {
            const account = await activeAccount(tx, accountId);
            const details = await each(tx, account, userId);
            if (details) log.describe(details);
          },
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        failures.push({ userId, kind: error.kind, message: error.message });
      }
    }
    return failures;
  }

  return {
    /** Adds a registered user directly (shared devices, or people the admin vouches for). */
    async createUser(
      actor: Actor,
      accountId: string,
      input: { username?: string | undefined; email?: string | undefined; userType?: UserType | undefined },
    ): Promise<UserRecord> {
      return auditedChange(
        deps,
        actor,
        { operation: 'CreateUser', accountId, targetType: 'User' },
        async (tx, log) => {
          authorize(actor, 'users', accountId);
          const account = await activeAccount(tx, accountId);
          if (DIRECTORY_TYPES.has(account.type))
            throw forbidden(`Account ${accountId} gets its users from its directory`);
          const userType = input.userType ?? 'PrivateUser';
          const email = input.email === undefined ? undefined : checkEmail(input.email);
          if (email === undefined && userType === 'PrivateUser')
            throw invalid('A PrivateUser needs an Email; only SharedDevice users may have none');
          if (email !== undefined) {
            if (await findUserByEmail(tx, accountId, email))
              throw conflict(`A user with email ${email} already exists in account ${accountId}`);
            const elsewhere = await findRegisteredMembershipsByEmail(tx, email);
            if (elsewhere.length > 0)
              throw conflict(`${email} is already a registered member of another account`);
          }
          const user = newMember(
            {
              id: ids.uuid(),
              accountId,
              email,
              displayName: input.username === undefined ? email : checkDisplayName(input.username),
              license: account.defaultLicense,
              userType,
              joined: 'registered',
            },
            now(),
          );
          await insertUser(tx, user);
          log.target({ accountId, targetId: user.id, userId: user.id });
          log.describe({ userId: user.id, email, userType });
          return user;
        },
      );
    },

    /**
     * Invites addresses to a Team account. Each new address becomes an unregistered, pending
     * member (not billable until accepted); a pending address is invited again without a second
     * user; an address that already belongs is reported as accepted and left alone.
     */
    async inviteUsers(
      actor: Actor,
      accountId: string,
      emails: string[],
      userType: UserType | undefined,
    ): Promise<InviteRecord[]> {
      return auditedChange(
        deps,
        actor,
        { operation: 'InviteUsers', accountId, targetType: 'Account', targetId: accountId },
        async (tx, log) => {
          authorize(actor, 'users', accountId);
          const account = await activeAccount(tx, accountId);
          if (account.type !== 'Team')
            throw invalid(
              `InviteUsers is for Team accounts; ${account.type} account ${accountId} adds people through its claimed domains`,
            );
          const unique = new Map<string, string>();
          for (const raw of emails) {
            const email = checkEmail(raw);
            if (!unique.has(email.toLowerCase())) unique.set(email.toLowerCase(), email);
          }
          const at = now();
          const invites: InviteRecord[] = [];
          for (const email of unique.values()) {
            const existing = await findUserByEmail(tx, accountId, email);
            if (existing && existing.registrationStatus !== 'Unregistered') {
              invites.push({
                id: ids.uuid(),
                accountId,
                userId: existing.id,
                email,
                status: 'Accepted',
                emailStatus: 'NotSent',
                createdAt: at,
                updatedAt: at,
              });
              continue;
            }
            let userId = existing?.id;
            if (!existing) {
              userId = ids.uuid();
              await insertUser(
                tx,
                newMember(
                  {
                    id: userId,
                    accountId,
                    email,
                    displayName: undefined,
                    license: account.defaultLicense,
                    userType: userType ?? 'PrivateUser',
                    joined: 'invited',
                  },
                  at,
                ),
              );
            } else {
              await updateUserRow(tx, accountId, existing.id, {
                invitationStatus: 'Pending',
                invitedOn: at,
                updatedAt: at,
              });
            }
            const invite: InviteRecord = {
              id: ids.uuid(),
              accountId,
              userId: userId!,
              email,
              status: 'Pending',
              emailStatus: 'NotSent',
              createdAt: at,
              updatedAt: at,
            };
            await insertInvite(tx, invite);
            invites.push(invite);
            log.item({
              targetType: 'User',
              targetId: userId,
              userId,
              details: { email, inviteId: invite.id },
            });
          }
          log.describe({ invited: invites.filter((i) => i.status === 'Pending').length });
          return invites;
        },
      );
    },

    async listUsers(
      actor: Actor,
      accountId: string,
      query: {
        email?: string | undefined;
        userType?: UserType | undefined;
        maxResults: number;
        nextToken?: string | undefined;
      },
    ): Promise<Page<UserRecord>> {
      authorize(actor, 'read', accountId);
      if (!(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
      return keysetPage(
        { scope: ['users', accountId, query.email?.toLowerCase() ?? null, query.userType ?? null], ...query },
        (afterId, limit) =>
          listUserRows(db, { accountId, email: query.email, userType: query.userType, afterId, limit }),
      );
    },

    async getUser(actor: Actor, accountId: string, userId: string): Promise<UserRecord> {
      authorize(actor, 'read', accountId);
      // A member implies its account (foreign key), so the account is read only to word a miss.
      const user = await findUserById(db, accountId, userId);
      if (user) return user;
      if (!(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
      throw notFound(`User ${userId} not found in account ${accountId}`);
    },

    async updateUser(
      actor: Actor,
      accountId: string,
      userId: string,
      update: UserUpdate,
    ): Promise<UserRecord> {
      return auditedChange(
        deps,
        actor,
        {
          operation: 'UpdateUser',
          accountId,
          targetType: 'User',
          targetId: userId,
          userId,
          details: { ...update },
        },
        async (tx) => {
          authorize(actor, 'users', accountId);
          return applyUpdate(tx, await activeAccount(tx, accountId), userId, update);
        },
      );
    },

    async batchUpdateUsers(
      actor: Actor,
      accountId: string,
      items: Array<UserUpdate & { userId: string }>,
    ): Promise<UserFailure[]> {
      const byUser = new Map(items.map((i) => [i.userId, i]));
      if (byUser.size !== items.length)
        throw invalid('Each UserId may appear only once in UpdateUserRequestItems');
      return batch(
        actor,
        'BatchUpdateUser',
        accountId,
        [...byUser.keys()],
        'users',
        () => undefined,
        async (tx, account, userId) => {
          const { userId: _, ...update } = byUser.get(userId)!;
          await applyUpdate(tx, account, userId, update);
          return { ...update };
        },
      );
    },

    /**
     * Team accounts remove the user (they stay a free user elsewhere and come back only by a new
     * invitation); EnterpriseLWA accounts suspend them, which blocks sign-in. Either way the
     * user's sessions end now. Directory accounts suspend through the directory.
     */
    async suspendUsers(actor: Actor, accountId: string, userIds: string[]): Promise<UserFailure[]> {
      return batch(
        actor,
        'BatchSuspendUser',
        accountId,
        userIds,
        'users',
        () => undefined,
        async (tx, account, userId) => {
          const user = await existingUser(tx, accountId, userId);
          const at = now();
          if (account.type !== 'Team' && account.type !== 'EnterpriseLWA')
            throw forbidden(
              `Users of ${account.type} account ${accountId} are suspended through the directory`,
            );
          if (user.registrationStatus === 'Suspended') return { effect: 'already suspended' };
          // Neither a removed nor a suspended user keeps a phone number.
          const freedNumber = await freeNumberOfUser(tx, user, at);
          if (account.type === 'Team') {
            await updateUserRow(tx, accountId, userId, {
              removedAt: at,
              sessionsRevokedAt: at,
              updatedAt: at,
            });
            return { effect: 'removed', ...(freedNumber && { freedNumber }) };
          }
          await updateUserRow(tx, accountId, userId, {
            registrationStatus: 'Suspended',
            sessionsRevokedAt: at,
            updatedAt: at,
          });
          return { effect: 'suspended', ...(freedNumber && { freedNumber }) };
        },
      );
    },

    /** EnterpriseLWA only; users who are not suspended are left as they are. */
    async unsuspendUsers(actor: Actor, accountId: string, userIds: string[]): Promise<UserFailure[]> {
      return batch(
        actor,
        'BatchUnsuspendUser',
        accountId,
        userIds,
        'users',
        (account) => {
          if (account.type !== 'EnterpriseLWA')
            throw invalid(
              `BatchUnsuspendUser is for EnterpriseLWA accounts; account ${accountId} is ${account.type}`,
            );
        },
        async (tx, _account, userId) => {
          const user = await existingUser(tx, accountId, userId);
          if (user.registrationStatus !== 'Suspended') return { effect: 'not suspended' };
          await updateUserRow(tx, accountId, userId, { registrationStatus: 'Registered', updatedAt: now() });
          return { effect: 'unsuspended' };
        },
      );
    },

    async resetPersonalPin(actor: Actor, accountId: string, userId: string): Promise<UserRecord> {
      return auditedChange(
        deps,
        actor,
        { operation: 'ResetPersonalPIN', accountId, targetType: 'User', targetId: userId, userId },
        async (tx) => {
          authorize(actor, 'users', accountId);
          await activeAccount(tx, accountId);
          await existingUser(tx, accountId, userId);
          await updateUserRow(tx, accountId, userId, { personalPin: newPersonalPin(), updatedAt: now() });
          return (await findUserById(tx, accountId, userId))!;
        },
      );
    },

    /** Ends every session and token the user holds without suspending them. */
    async logoutUser(actor: Actor, accountId: string, userId: string): Promise<void> {
      await auditedChange(
        deps,
        actor,
        { operation: 'LogoutUser', accountId, targetType: 'User', targetId: userId, userId },
        async (tx) => {
          authorize(actor, 'users', accountId);
          await activeAccount(tx, accountId);
          await existingUser(tx, accountId, userId);
          const at = now();
          await updateUserRow(tx, accountId, userId, { sessionsRevokedAt: at, updatedAt: at });
        },
      );
    },

    async getUserSettings(actor: Actor, accountId: string, userId: string): Promise<Telephony> {
      return (await this.getUser(actor, accountId, userId)).telephony;
    },

    async updateUserSettings(
      actor: Actor,
      accountId: string,
      userId: string,
      telephony: Telephony,
    ): Promise<void> {
      await auditedChange(
        deps,
        actor,
        {
          operation: 'UpdateUserSettings',
          accountId,
          targetType: 'User',
          targetId: userId,
          userId,
          details: { telephony },
        },
        async (tx) => {
          authorize(actor, 'users', accountId);
          await activeAccount(tx, accountId);
          const user = await existingUser(tx, accountId, userId);
          // Calling and SMS go with a number: without one there is nothing to call or text from.
          if (
            (telephony.inbound || telephony.outbound || telephony.sms) &&
            user.primaryProvisionedNumber === undefined
          )
            throw invalid(`User ${userId} has no phone number: assign one before turning on calling or SMS`);
          await updateUserRow(tx, accountId, userId, { telephony, updatedAt: now() });
        },
      );
    },
  };
}
