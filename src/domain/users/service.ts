import { announceEntitlementChange } from '../entitlements/announce.js';
import { findAccountById, type AccountRecord, type License } from '../../store/accounts.js';
import {
  findUserByEmail,
  findUserById,
  insertUser,
  countUsersByStatusAndLicense,
  listUsers as listUserRows,
  updateUser as updateUserRow,
  type RegistrationStatus,
  type UserChanges,
  type UserCount,
  type UserRecord,
  type UserType,
} from '../../store/users.js';
import type { InviteRecord } from '../../store/invites.js';
import { newPersonalPin } from '../../lib/ids.js';
import { keysetPage, type Page } from '../paging.js';
import { isUniqueViolation, type Db } from '../../store/database.js';
import { findMembership } from '../../store/memberships.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { checkLicenseForAccount } from '../accounts/rules.js';
import { directoryRefusal, isDirectoryAccount, mayChangeTierManually } from '../accounts/account-types.js';
import { runUserBatch, type UserFailure } from './batch.js';
import { createInvitations, refuseHeldElsewhere } from './invitations.js';
import { activeAccount, existingUser } from './lookups.js';
import { signOutEverywhere } from './sessions.js';
import { checkDisplayName, checkEmail, newMember } from './rules.js';
import { createSuspension } from './suspension.js';

export type { UserRecord as User, InviteRecord as Invite, UserFailure, UserCount };

/** ListUsers' filters: Chime's email and user type, and Belfry's status and tier (an extension). */
export interface UserQuery {
  email?: string | undefined;
  userType?: UserType | undefined;
  registrationStatus?: RegistrationStatus | undefined;
  license?: License | undefined;
  maxResults: number;
  nextToken?: string | undefined;
}

export interface UserUpdate {
  license?: License | undefined;
  userType?: UserType | undefined;
  alexa?: { enabled?: boolean | undefined; roomArn?: string | undefined } | undefined;
}

export interface Telephony {
  inbound: boolean;
  outbound: boolean;
  sms: boolean;
}

export type UsersService = ReturnType<typeof createUsersService>;

/** The users area; invitations and the suspension batches live in their own files beside this one. */
export function createUsersService(deps: DomainDeps) {
  const { db, ids, clock } = deps;
  const now = () => clock.now().toISOString();

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
      if (!mayChangeTierManually(account.type)) throw forbidden(directoryRefusal(account, 'tier'));
      changes.license = checkLicenseForAccount(update.license, account.supportedLicenses);
    }
    if (update.userType !== undefined) changes.userType = update.userType;
    if (update.alexa?.enabled !== undefined) changes.alexaEnabled = update.alexa.enabled;
    if (update.alexa?.roomArn !== undefined) changes.alexaRoomArn = update.alexa.roomArn;
    await updateUserRow(tx, account.id, userId, changes);
    const updated = (await findUserById(tx, account.id, userId))!;
    if (changes.license !== undefined) await announceEntitlementChange(tx, deps, updated, 'tier');
    return updated;
  }

  return {
    ...createInvitations(deps),
    ...createSuspension(deps),

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
          const account = await activeAccount(deps, tx, accountId);
          if (isDirectoryAccount(account.type))
            throw forbidden(`Account ${accountId} gets its users from its directory`);
          const userType = input.userType ?? 'PrivateUser';
          const email = input.email === undefined ? undefined : checkEmail(input.email);
          if (email === undefined && userType === 'PrivateUser')
            throw invalid('A PrivateUser needs an Email; only SharedDevice users may have none');
          if (email !== undefined) {
            await refuseHeldElsewhere(tx, accountId, email, 'added');
            if (await findUserByEmail(tx, accountId, email))
              throw conflict(`A user with email ${email} already exists in account ${accountId}`);
            if (await findMembership(tx, { email }))
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
          await insertUser(tx, user).catch((error: unknown) => {
            // Lost a race with another account registering the same address (unique index).
            if (isUniqueViolation(error))
              throw conflict(`${email} is already a registered member of another account`);
            throw error;
          });
          // Someone already signed up gains the account's tier and entitlements now.
          await announceEntitlementChange(tx, deps, user, 'joined');
          log.target({ accountId, targetId: user.id, userId: user.id });
          log.describe({ userId: user.id, email, userType });
          return user;
        },
      );
    },

    async listUsers(actor: Actor, accountId: string, query: UserQuery): Promise<Page<UserRecord>> {
      authorize(actor, 'read', accountId);
      const filter = {
        email: query.email,
        userType: query.userType,
        registrationStatus: query.registrationStatus,
        license: query.license,
      };
      // A token belongs to the filters it was issued for: the scope names each of them.
      const scope = ['users', accountId, query.email?.toLowerCase() ?? null, query.userType ?? null];
      if (query.registrationStatus !== undefined || query.license !== undefined)
        scope.push(query.registrationStatus ?? null, query.license ?? null);
      // A member implies its account (foreign key), so the account is read only when no member
      // is (an empty page, or a token refused), as GetUser does: a page costs one read, not two.
      const requireAccount = async () => {
        if (!(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
      };
      const page = await keysetPage({ scope, ...query }, (afterId, limit) =>
        listUserRows(db, { accountId, ...filter, afterId, limit }),
      ).catch(async (error: unknown) => {
        await requireAccount();
        throw error;
      });
      if (page.items.length === 0) await requireAccount();
      return page;
    },

    /** The account's members counted by registration status and tier (the account overview). */
    async countUsers(actor: Actor, accountId: string): Promise<UserCount[]> {
      authorize(actor, 'read', accountId);
      if (!(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
      return countUsersByStatusAndLicense(db, accountId);
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
          return applyUpdate(tx, await activeAccount(deps, tx, accountId), userId, update);
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
      return runUserBatch(
        deps,
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

    async resetPersonalPin(actor: Actor, accountId: string, userId: string): Promise<UserRecord> {
      return auditedChange(
        deps,
        actor,
        { operation: 'ResetPersonalPIN', accountId, targetType: 'User', targetId: userId, userId },
        async (tx) => {
          authorize(actor, 'users', accountId);
          await activeAccount(deps, tx, accountId);
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
          await activeAccount(deps, tx, accountId);
          const user = await existingUser(tx, accountId, userId);
          await signOutEverywhere(tx, user, now());
          await announceEntitlementChange(tx, deps, user, 'signed-out');
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
          await activeAccount(deps, tx, accountId);
          const user = await existingUser(tx, accountId, userId);
          // Calling and SMS go with a number: without one there is nothing to call or text from.
          if (
            (telephony.inbound || telephony.outbound || telephony.sms) &&
            user.primaryProvisionedNumber === undefined
          )
            throw invalid(`User ${userId} has no phone number: assign one before turning on calling or SMS`);
          await updateUserRow(tx, accountId, userId, { telephony, updatedAt: now() });
          await announceEntitlementChange(tx, deps, user, 'telephony');
        },
      );
    },
  };
}
