import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { findConnection, findStoredUser, loadRead, type StoredRead } from '../../store/directories.js';
import { findScimUser, listGroupsOfUsers } from '../../store/scim.js';
import { groupEntries, loadScimRead, SCIM_DISABLED_REASON, userEntry } from '../scim/entries.js';

/**
 * Where an account's directory read comes from: its Active Directory (the last applied read,
 * `directory_users` and `directory_groups`), or, in an EnterpriseOIDC account without one,
 * what its identity provider pushed over SCIM (`scim_users`, `scim_groups`). The mapping, its
 * preview and run, and explain read through here, so AD and SCIM follow the same rules.
 */
export type ReadSource = 'ad' | 'scim';

export async function readSourceOf(db: Db, account: AccountRecord): Promise<ReadSource | undefined> {
  if (await findConnection(db, account.id)) return 'ad';
  return account.type === 'EnterpriseOIDC' ? 'scim' : undefined;
}

export function loadStoredRead(db: Db, accountId: string, source: ReadSource): Promise<StoredRead> {
  return source === 'ad' ? loadRead(db, accountId) : loadScimRead(db, accountId);
}

/** One user's entry and the groups that lead to their tier (AD: the whole stored read's groups). */
export async function loadStoredUser(db: Db, accountId: string, guid: string, source: ReadSource) {
  if (source === 'ad') {
    const entry = await findStoredUser(db, accountId, guid);
    return entry && { entry, groups: (await loadRead(db, accountId)).groups };
  }
  const user = await findScimUser(db, accountId, guid);
  return user && { entry: userEntry(user), groups: groupEntries(await listGroupsOfUsers(db, [user.id])) };
}

/** The planner's options that differ by source (SCIM lists untiered users, says "active is false"). */
export function planOptionsFor(source: ReadSource) {
  return source === 'scim'
    ? { listUntiered: true, disabledReason: SCIM_DISABLED_REASON }
    : { listUntiered: false, disabledReason: undefined };
}
