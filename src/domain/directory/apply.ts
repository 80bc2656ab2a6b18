import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { insertDirectoryUsers, setDirectoryId, updateDirectoryUserAddress } from '../../store/directories.js';
import { findUserById, updateUser, type UserRecord } from '../../store/users.js';
import type { AuditLog } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { announceEntitlementChange } from '../entitlements/announce.js';
import { freeNumberOfUser } from '../phone-numbers/assignment.js';
import { signOutEverywhere } from '../users/sessions.js';
import { newMember } from '../users/rules.js';
import type { PlannedItem } from './planner.js';

/**
 * Applies planned items in the caller's transaction, each an item of the run's audit event.
 * Returns the items as applied (a create learns its user id). Items whose user is gone since the
 * plan (a held run approved later) are left out.
 */
export async function applyItems(
  tx: Db,
  deps: DomainDeps,
  account: AccountRecord,
  members: Map<string, UserRecord>,
  items: PlannedItem[],
  log: AuditLog,
): Promise<PlannedItem[]> {
  const at = deps.clock.now().toISOString();
  const applied: PlannedItem[] = [];
  const creates: { user: UserRecord; directoryId: string }[] = [];
  for (const item of items) {
    if (item.action === 'skip') {
      applied.push(item);
      continue;
    }
    if (item.action === 'create') {
      if (members.has(item.guid)) continue;
      const user = newMember(
        {
          id: deps.ids.uuid(),
          accountId: account.id,
          email: item.email,
          displayName: item.displayName,
          license: item.license!,
          userType: 'PrivateUser',
          joined: 'invited',
        },
        at,
      );
      // Directory users are not invited: Unregistered until they first sign in.
      const created: UserRecord = {
        ...user,
        invitationStatus: undefined,
        invitedOn: undefined,
        ...(item.suspended && { registrationStatus: 'Suspended' as const }),
      };
      creates.push({ user: created, directoryId: item.guid });
      members.set(item.guid, created);
      applied.push({ ...item, userId: user.id });
      continue;
    }
    if (item.link) {
      const unlinked =
        item.userId === undefined ? undefined : await findUserById(tx, account.id, item.userId);
      if (!unlinked || members.has(item.guid)) continue;
      await setDirectoryId(tx, account.id, unlinked.id, item.guid);
      members.set(item.guid, unlinked);
      applied.push(item);
      continue;
    }
    const user = members.get(item.guid);
    if (!user) continue;
    await applyChange(tx, deps, user, item, at);
    applied.push(item);
  }
  await insertDirectoryUsers(tx, creates);
  for (const item of applied)
    if (item.action !== 'skip')
      log.item({
        targetType: 'User',
        targetId: item.userId,
        userId: item.userId,
        details: { action: item.action, guid: item.guid, from: item.from, to: item.to, reason: item.reason },
      });
  return applied;
}

async function applyChange(tx: Db, deps: DomainDeps, user: UserRecord, item: PlannedItem, at: string) {
  switch (item.action) {
    case 'tier':
      await updateUser(tx, user.accountId, user.id, { license: item.license!, updatedAt: at });
      return announceEntitlementChange(tx, deps, { ...user, license: item.license! }, 'tier');
    case 'suspend':
      // as BatchSuspendUser does: no phone number, signed out at once, announced
      await freeNumberOfUser(tx, user, at);
      await signOutEverywhere(tx, user, at);
      await updateUser(tx, user.accountId, user.id, { registrationStatus: 'Suspended', updatedAt: at });
      return announceEntitlementChange(tx, deps, user, 'suspended');
    case 'restore':
      await updateUser(tx, user.accountId, user.id, {
        registrationStatus: user.registeredOn ? 'Registered' : 'Unregistered',
        updatedAt: at,
      });
      return announceEntitlementChange(tx, deps, user, 'unsuspended');
    case 'update':
      if (item.email !== undefined && item.email !== user.email)
        await updateDirectoryUserAddress(tx, user.accountId, user.id, item.email, at);
      if (item.displayName !== undefined)
        await updateUser(tx, user.accountId, user.id, { displayName: item.displayName, updatedAt: at });
      return;
    default:
      return;
  }
}
