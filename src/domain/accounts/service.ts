import type { JobKind } from '../../jobs/kinds.js';
import { isEnterpriseAccount } from './account-types.js';
import { announceAccountChange } from '../entitlements/announce.js';
import {
  findAccountById,
  insertAccount,
  insertDelegateGroups,
  deleteDelegateGroups,
  listAccounts as listAccountRows,
  listDelegateGroups,
  listDelegateGroupsOf,
  lockAccountById,
  updateAccount as updateAccountRow,
  type AccountRecord,
  type License,
} from '../../store/accounts.js';
import { countMembers, normalizeEmail } from '../../store/users.js';
import { listDomainsOfAccount } from '../../store/domains.js';
import { DAY_MS } from '../../lib/clock.js';
import { keysetPage, type Page } from '../paging.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { conflict, invalid, notFound, preconditionFailed } from '../errors.js';
import { freeNumbersOfAccount } from '../phone-numbers/assignment.js';
import { checkAccountName, checkLicenseForAccount, newAccountRecord } from './rules.js';

export interface Account extends AccountRecord {
  signinDelegateGroups: string[];
}

export type { Page };

export const PURGE_ACCOUNT_JOB = 'purge-account' satisfies JobKind;
export const DELEGATE_GROUPS_MAX = 100;

export type AccountsService = ReturnType<typeof createAccountsService>;

export function createAccountsService(deps: DomainDeps) {
  const { db, ids, clock } = deps;
  const now = () => clock.now().toISOString();

  async function withGroups(tx: Db, account: AccountRecord): Promise<Account> {
    return { ...account, signinDelegateGroups: await listDelegateGroups(tx, account.id) };
  }

  /** The account, which must exist and not be deleted, locked for the rest of the transaction. */
  async function activeAccount(tx: Db, accountId: string): Promise<AccountRecord> {
    const account = await lockAccountById(tx, accountId, deps.dialect);
    if (!account) throw notFound(`Account ${accountId} not found`);
    if (account.status !== 'Active')
      throw conflict(
        `Account ${accountId} is deleted; an operator can restore it until ${account.purgeAfter}`,
      );
    return account;
  }

  return {
    /** Accounts made through the API are always Team accounts (Enterprise comes from domains). */
    async createAccount(actor: Actor, name: string): Promise<Account> {
      return auditedChange(
        deps,
        actor,
        { operation: 'CreateAccount', targetType: 'Account' },
        async (tx, log) => {
          authorize(actor, 'operator');
          const at = now();
          const account = newAccountRecord(ids.uuid(), checkAccountName(name), at);
          await insertAccount(tx, account);
          log.target({ accountId: account.id, targetId: account.id });
          log.describe({ accountId: account.id, name: account.name });
          return { ...account, signinDelegateGroups: [] };
        },
      );
    },

    /** Deleted accounts are still found (status Suspended) until they are purged. */
    async getAccount(actor: Actor, accountId: string): Promise<Account> {
      authorize(actor, 'read', accountId);
      const account = await findAccountById(db, accountId);
      if (!account) throw notFound(`Account ${accountId} not found`);
      return withGroups(db, account);
    },

    async listAccounts(
      actor: Actor,
      query: {
        name?: string | undefined;
        userEmail?: string | undefined;
        maxResults: number;
        nextToken?: string | undefined;
      },
    ): Promise<Page<Account>> {
      authorize(actor, 'read', actor.accountScope);
      return pageOfAccounts(db, actor, { ...query, status: 'Active' });
    },

    /** The disabled-accounts list: deleted accounts still restorable. */
    async listDeletedAccounts(
      actor: Actor,
      query: { maxResults: number; nextToken?: string | undefined },
    ): Promise<Page<Account>> {
      authorize(actor, 'operator');
      return pageOfAccounts(db, actor, { ...query, status: 'Suspended' });
    },

    async updateAccount(
      actor: Actor,
      accountId: string,
      changes: { name?: string | undefined; defaultLicense?: License | undefined },
    ): Promise<Account> {
      return auditedChange(
        deps,
        actor,
        { operation: 'UpdateAccount', accountId, targetType: 'Account', targetId: accountId },
        async (tx, log) => {
          authorize(actor, 'accounts', accountId);
          const account = await activeAccount(tx, accountId);
          const name = changes.name === undefined ? undefined : checkAccountName(changes.name);
          const defaultLicense =
            changes.defaultLicense === undefined
              ? undefined
              : checkLicenseForAccount(changes.defaultLicense, account.supportedLicenses);
          await updateAccountRow(tx, accountId, { name, defaultLicense, updatedAt: now() });
          log.describe({
            ...(name !== undefined && { name: { from: account.name, to: name } }),
            ...(defaultLicense !== undefined && {
              defaultLicense: { from: account.defaultLicense, to: defaultLicense },
            }),
          });
          return withGroups(tx, (await findAccountById(tx, accountId))!);
        },
      );
    },

    /**
     * Team accounts must have no members left; Enterprise accounts must first release their
     * claimed domains. The account is then disabled (status Suspended), restorable for the
     * retention period, and purged by a job enqueued with the deletion. Phone numbers its users
     * still hold go back to the operator's inventory as Unassigned, in the same transaction.
     */
    async deleteAccount(actor: Actor, accountId: string): Promise<void> {
      await auditedChange(
        deps,
        actor,
        { operation: 'DeleteAccount', accountId, targetType: 'Account', targetId: accountId },
        async (tx, log) => {
          authorize(actor, 'accounts', accountId);
          const account = await lockAccountById(tx, accountId, deps.dialect);
          if (!account) throw notFound(`Account ${accountId} not found`);
          if (account.status !== 'Active') throw conflict(`Account ${accountId} is already deleted`);
          // Enterprise accounts release their domains first (which signs their people out);
          // their suspended members then stay with the deleted account, refused at sign-in.
          const domains = await listDomainsOfAccount(tx, accountId);
          if (isEnterpriseAccount(account.type) && domains.length > 0)
            throw preconditionFailed(
              `Account ${accountId} is an ${account.type} account: release its claimed domains (${domains.map((d) => d.domainName).join(', ')}) before deleting it`,
            );
          const members = isEnterpriseAccount(account.type) ? 0 : await countMembers(tx, accountId);
          if (members > 0)
            throw preconditionFailed(
              `Account ${accountId} still has ${members} member${members === 1 ? '' : 's'}: remove them with BatchSuspendUser first`,
            );
          const deletedAt = clock.now();
          const purgeAfter = new Date(deletedAt.getTime() + deps.settings.accountRetentionDays * DAY_MS);
          await updateAccountRow(tx, accountId, {
            status: 'Suspended',
            deletedAt: deletedAt.toISOString(),
            purgeAfter: purgeAfter.toISOString(),
            updatedAt: deletedAt.toISOString(),
          });
          // The numbers are the operator's. An EnterpriseLWA account keeps Registered members after
          // its domains are released (shared devices, addresses on other domains); their numbers
          // would otherwise stay Assigned to a deleted account, impossible to unassign or delete.
          // A restore does not give them back: an admin assigns numbers again. Apps learn what
          // this means for the members from the account.deleted event, not one event per member.
          const freed = await freeNumbersOfAccount(tx, accountId, deletedAt.toISOString(), log);
          await deps.jobs.enqueue(tx, PURGE_ACCOUNT_JOB, { accountId }, { accountId, runAt: purgeAfter });
          await announceAccountChange(tx, deps, { id: accountId }, 'account.deleted');
          log.describe({ purgeAfter: purgeAfter.toISOString(), freedNumbers: freed.length });
        },
      );
    },

    /**
     * Brings a deleted account back within its retention period (operator only). The phone
     * numbers its deletion freed are not given back (they may have gone to others meanwhile):
     * its users come back without numbers, and an admin assigns them again.
     */
    async restoreAccount(actor: Actor, accountId: string): Promise<Account> {
      return auditedChange(
        deps,
        actor,
        { operation: 'RestoreAccount', accountId, targetType: 'Account', targetId: accountId },
        async (tx) => {
          authorize(actor, 'operator');
          const account = await lockAccountById(tx, accountId, deps.dialect);
          if (!account)
            throw notFound(
              `Account ${accountId} not found (deleted accounts are purged after their retention period)`,
            );
          if (account.status === 'Active') throw conflict(`Account ${accountId} is not deleted`);
          await updateAccountRow(tx, accountId, {
            status: 'Active',
            deletedAt: undefined,
            purgeAfter: undefined,
            updatedAt: now(),
          });
          await announceAccountChange(tx, deps, account, 'account.restored');
          return withGroups(tx, (await findAccountById(tx, accountId))!);
        },
      );
    },

    async getAccountSettings(actor: Actor, accountId: string) {
      const account = await this.getAccount(actor, accountId);
      return { disableRemoteControl: account.disableRemoteControl, enableDialOut: account.enableDialOut };
    },

    /** Only the settings given change. */
    async updateAccountSettings(
      actor: Actor,
      accountId: string,
      settings: { disableRemoteControl?: boolean | undefined; enableDialOut?: boolean | undefined },
    ): Promise<void> {
      await auditedChange(
        deps,
        actor,
        {
          operation: 'UpdateAccountSettings',
          accountId,
          targetType: 'Account',
          targetId: accountId,
          details: settings,
        },
        async (tx) => {
          authorize(actor, 'accounts', accountId);
          await activeAccount(tx, accountId);
          await updateAccountRow(tx, accountId, { ...settings, updatedAt: now() });
        },
      );
    },

    async associateSigninDelegateGroups(
      actor: Actor,
      accountId: string,
      groupNames: string[],
    ): Promise<void> {
      await auditedChange(
        deps,
        actor,
        {
          operation: 'AssociateSigninDelegateGroupsWithAccount',
          accountId,
          targetType: 'Account',
          targetId: accountId,
          details: { groups: groupNames },
        },
        async (tx) => {
          authorize(actor, 'accounts', accountId);
          await activeAccount(tx, accountId);
          const groups = uniqueGroupNames(groupNames);
          const existing = await listDelegateGroups(tx, accountId);
          const total = new Set([...existing, ...groups]).size;
          if (total > DELEGATE_GROUPS_MAX)
            throw invalid(
              `An account can have at most ${DELEGATE_GROUPS_MAX} sign-in delegate groups, not ${total}`,
            );
          await insertDelegateGroups(tx, accountId, groups, now());
        },
      );
    },

    /** Names that are not associated are ignored, so the call can be repeated safely. */
    async disassociateSigninDelegateGroups(
      actor: Actor,
      accountId: string,
      groupNames: string[],
    ): Promise<void> {
      await auditedChange(
        deps,
        actor,
        {
          operation: 'DisassociateSigninDelegateGroupsFromAccount',
          accountId,
          targetType: 'Account',
          targetId: accountId,
          details: { groups: groupNames },
        },
        async (tx) => {
          authorize(actor, 'accounts', accountId);
          await activeAccount(tx, accountId);
          await deleteDelegateGroups(tx, accountId, uniqueGroupNames(groupNames));
        },
      );
    },
  };
}

function uniqueGroupNames(names: string[]): string[] {
  for (const name of names) {
    if (!/\S/u.test(name)) throw invalid('Group names must contain a non-space character');
    if ([...name].length > 256) throw invalid('Group names are at most 256 characters');
  }
  return [...new Set(names)];
}

async function pageOfAccounts(
  db: Db,
  actor: Actor,
  query: {
    status: 'Active' | 'Suspended';
    name?: string | undefined;
    userEmail?: string | undefined;
    maxResults: number;
    nextToken?: string | undefined;
  },
): Promise<Page<Account>> {
  const page = await keysetPage(
    { scope: ['accounts', query.status, query.name ?? null, query.userEmail ?? null], ...query },
    (afterId, limit) =>
      listAccountRows(db, {
        status: query.status,
        namePrefix: query.name,
        memberEmail: query.userEmail === undefined ? undefined : normalizeEmail(query.userEmail),
        onlyId: actor.accountScope,
        afterId,
        limit,
      }),
  );
  const groups = await listDelegateGroupsOf(
    db,
    page.items.map((a) => a.id),
  );
  return {
    items: page.items.map((a) => ({ ...a, signinDelegateGroups: groups.get(a.id) ?? [] })),
    nextToken: page.nextToken,
  };
}
