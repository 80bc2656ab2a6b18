import { announceEntitlementChange } from '../entitlements/announce.js';
import { lockAccountById } from '../../store/accounts.js';
import { isUniqueViolation, type Db } from '../../store/database.js';
import {
  findPhoneNumberOfUser,
  listPhoneNumbersOfAccount,
  lockPhoneNumber,
  updatePhoneNumber,
} from '../../store/phone-numbers.js';
import { findUserById, updateUser, type UserRecord } from '../../store/users.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange, type AuditLog } from '../audit/trail.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { PhoneDeps } from './deps.js';
import { normalizeE164 } from './e164.js';

const ALL_OFF = { inbound: false, outbound: false, sms: false };

/**
 * Returns the user's number to the unassigned inventory and turns their telephony off. Used
 * when a number is unassigned, and when a user is removed or suspended (they keep no number).
 * Returns the number freed, if any.
 */
export async function freeNumberOfUser(tx: Db, user: UserRecord, at: string): Promise<string | undefined> {
  const number = await findPhoneNumberOfUser(tx, user.id);
  if (number) {
    await updatePhoneNumber(tx, number.e164, {
      status: 'Unassigned',
      accountId: undefined,
      userId: undefined,
      associatedAt: undefined,
      updatedAt: at,
    });
  }
  if (number || user.primaryProvisionedNumber !== undefined)
    await updateUser(tx, user.accountId, user.id, {
      primaryProvisionedNumber: undefined,
      telephony: ALL_OFF,
      updatedAt: at,
    });
  return number?.e164;
}

/**
 * Returns every number associated with the account or its users to the unassigned inventory,
 * each as freeNumberOfUser frees one (association gone, the user's telephony off), and records
 * one audit item per number, naming the user who had it. Deleting an account does this, and its
 * purge does it again, so no number is ever left pointing at an account or user that is gone. A
 * link without a live user, or on a number that is not Assigned (neither should exist), is
 * simply dropped. Returns the numbers freed.
 */
export async function freeNumbersOfAccount(
  tx: Db,
  accountId: string,
  at: string,
  log: AuditLog,
): Promise<string[]> {
  const freed: string[] = [];
  for (const number of await listPhoneNumbersOfAccount(tx, accountId)) {
    const user = number.userId === undefined ? undefined : await findUserById(tx, accountId, number.userId);
    if (user && number.status === 'Assigned') await freeNumberOfUser(tx, user, at);
    else
      await updatePhoneNumber(tx, number.e164, {
        ...(number.status === 'Assigned' && { status: 'Unassigned' as const }),
        accountId: undefined,
        userId: undefined,
        associatedAt: undefined,
        updatedAt: at,
      });
    log.item({
      targetType: 'PhoneNumber',
      targetId: number.e164,
      userId: number.userId,
      details: { status: number.status === 'Assigned' ? 'Unassigned' : number.status },
    });
    freed.push(number.e164);
  }
  return freed;
}

export function createPhoneAssignment(deps: PhoneDeps) {
  const { clock } = deps;

  async function memberOf(tx: Db, accountId: string, userId: string): Promise<UserRecord> {
    const account = await lockAccountById(tx, accountId, deps.dialect);
    if (!account) throw notFound(`Account ${accountId} not found`);
    if (account.status !== 'Active') throw conflict(`Account ${accountId} is deleted`);
    const user = await findUserById(tx, accountId, userId);
    if (!user) throw notFound(`User ${userId} not found in account ${accountId}`);
    return user;
  }

  return {
    /**
     * Gives a registered, unsuspended user an unassigned US local Business Calling number. The
     * number moves with a compare-and-set on its status, and a user can hold one number (a unique
     * index), so of two concurrent assignments exactly one wins and the other gets a Conflict.
     * Calling and SMS start off; the admin turns them on with UpdateUserSettings.
     */
    async associatePhoneNumberWithUser(
      actor: Actor,
      accountId: string,
      userId: string,
      number: string,
    ): Promise<void> {
      const normalized = normalizeE164(number);
      const e164 = normalized?.e164 ?? number;
      await auditedChange(
        deps,
        actor,
        {
          operation: 'AssociatePhoneNumberWithUser',
          accountId,
          targetType: 'User',
          targetId: userId,
          userId,
          details: { e164 },
        },
        async (tx) => {
          authorize(actor, 'users', accountId);
          if (!normalized) throw invalid(`${number} is not a valid E.164 phone number`);
          const user = await memberOf(tx, accountId, userId);
          if (user.registrationStatus !== 'Registered')
            throw invalid(
              `User ${userId} is ${user.registrationStatus}: only registered, unsuspended users get a phone number`,
            );
          // Locked: a concurrent change of its product type cannot slip in between check and write.
          const phone = await lockPhoneNumber(tx, e164, deps.dialect);
          if (!phone) throw notFound(`Phone number ${e164} not found`);
          if (phone.productType !== 'BusinessCalling' || phone.country !== 'US' || phone.type !== 'Local')
            throw invalid(`Phone number ${e164} is not a US local BusinessCalling number`);
          if (phone.userId === userId) return; // already theirs: nothing to do
          if (phone.status !== 'Unassigned')
            throw conflict(
              `Phone number ${e164} is ${phone.status}${phone.userId ? ' to another user' : ''}`,
            );
          const current = await findPhoneNumberOfUser(tx, userId);
          if (current) throw conflict(`User ${userId} already has ${current.e164}: unassign it first`);
          const at = clock.now().toISOString();
          const moved = await updatePhoneNumber(
            tx,
            e164,
            { status: 'Assigned', accountId, userId, associatedAt: at, updatedAt: at },
            ['Unassigned'],
          ).catch((error: unknown) => {
            if (isUniqueViolation(error)) throw conflict(`User ${userId} was just given another number`);
            throw error;
          });
          if (!moved) throw conflict(`Phone number ${e164} was just assigned to another user`);
          await updateUser(tx, accountId, userId, {
            primaryProvisionedNumber: e164,
            telephony: ALL_OFF,
            updatedAt: at,
          });
          await announceEntitlementChange(tx, deps, user, 'phone-number');
        },
      );
    },

    async disassociatePhoneNumberFromUser(actor: Actor, accountId: string, userId: string): Promise<void> {
      await auditedChange(
        deps,
        actor,
        {
          operation: 'DisassociatePhoneNumberFromUser',
          accountId,
          targetType: 'User',
          targetId: userId,
          userId,
        },
        async (tx, log) => {
          authorize(actor, 'users', accountId);
          const user = await memberOf(tx, accountId, userId);
          const freed = await freeNumberOfUser(tx, user, clock.now().toISOString());
          if (!freed) throw notFound(`User ${userId} has no phone number`);
          await announceEntitlementChange(tx, deps, user, 'phone-number');
          log.describe({ e164: freed });
        },
      );
    },
  };
}

export type PhoneAssignment = ReturnType<typeof createPhoneAssignment>;
