import type { DirectoryGroupEntry, DirectoryUserEntry } from '../../directory/types.js';
import type { StoredRead } from '../../store/directories.js';
import type { Db } from '../../store/database.js';
import {
  listAccountMemberships,
  listScimGroups,
  listScimUsers,
  type ScimUserRecord,
} from '../../store/scim.js';
import type { ScimResource } from './contract.js';

/**
 * SCIM Users and Groups in the shapes the directory area plans from (DirectoryUserEntry,
 * DirectoryGroupEntry), so tiers, suspension and explain follow one set of rules for AD and
 * SCIM alike. A SCIM user's objectGUID is its SCIM id; `active:false` is the disabled bit.
 */

const UAC_NORMAL = 0x200;
const UAC_DISABLED = 0x2;

/** What the planner says of a user whose `active` is false. */
export const SCIM_DISABLED_REASON = 'deactivated in the identity provider (active is false)';

const userDn = (id: string) => `scim-user:${id}`;
const groupDn = (id: string) => `scim-group:${id}`;

const looksLikeAddress = (text: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);

/**
 * The address a provisioned person has in Belfry: the primary email, else the first work email,
 * else the first email, else the userName when it is an address.
 */
export function addressOf(resource: ScimResource, userName: string): string | undefined {
  const emails = Array.isArray(resource.emails) ? (resource.emails as Record<string, unknown>[]) : [];
  const valueOf = (e: Record<string, unknown> | undefined) =>
    typeof e?.value === 'string' && e.value.trim() !== '' ? e.value.trim() : undefined;
  const primary = emails.find((e) => e.primary === true || e.primary === 'true' || e.primary === 'True');
  const work = emails.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work');
  const chosen = valueOf(primary) ?? valueOf(work) ?? valueOf(emails[0]);
  if (chosen) return chosen;
  return looksLikeAddress(userName.trim()) ? userName.trim() : undefined;
}

/** The name Belfry shows: displayName, else name.formatted, else given and family names. */
export function displayNameOf(resource: ScimResource): string | undefined {
  if (typeof resource.displayName === 'string' && resource.displayName.trim() !== '')
    return resource.displayName.trim();
  const name = (resource.name ?? {}) as Record<string, unknown>;
  if (typeof name.formatted === 'string' && name.formatted.trim() !== '') return name.formatted.trim();
  const parts = [name.givenName, name.familyName].filter((p) => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? parts.join(' ') : undefined;
}

export function userEntry(user: ScimUserRecord): DirectoryUserEntry {
  return {
    guid: user.id,
    dn: userDn(user.id),
    // the label of the user in a chain: ['alice@example.com', 'chime-pro']
    sAMAccountName: user.userName,
    userPrincipalName: undefined,
    mail: addressOf(user.resource, user.userName),
    displayName: displayNameOf(user.resource),
    userAccountControl: user.active ? UAC_NORMAL : UAC_NORMAL | UAC_DISABLED,
    usnChanged: String(user.version),
  };
}

/** A group by its displayName (what a mapping names), with the members given. */
export function groupEntry(
  group: { id: string; displayName: string },
  memberIds: string[],
): DirectoryGroupEntry {
  return {
    guid: group.id,
    dn: groupDn(group.id),
    name: group.displayName,
    sAMAccountName: undefined,
    members: memberIds.map(userDn),
    usnChanged: '0',
  };
}

/** Groups from memberships rows (userId, groupId, displayName), each with the members listed. */
export function groupEntries(
  rows: { userId: string; groupId: string; displayName: string }[],
): DirectoryGroupEntry[] {
  const byGroup = new Map<string, { displayName: string; members: string[] }>();
  for (const row of rows) {
    const group = byGroup.get(row.groupId) ?? { displayName: row.displayName, members: [] };
    group.members.push(row.userId);
    byGroup.set(row.groupId, group);
  }
  return [...byGroup].map(([id, g]) => groupEntry({ id, displayName: g.displayName }, g.members));
}

const PAGE = 1000;

/**
 * Everything the IdP pushed to the account, as a directory read: what a mapping preview, a
 * mapping's run and explain read in an EnterpriseOIDC account (AD accounts read directory_users).
 */
export async function loadScimRead(db: Db, accountId: string): Promise<StoredRead> {
  const users: DirectoryUserEntry[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await listScimUsers(db, accountId, { offset, limit: PAGE });
    users.push(...page.map(userEntry));
    if (page.length < PAGE) break;
  }
  const members = new Map<string, string[]>();
  for (const m of await listAccountMemberships(db, accountId)) {
    const list = members.get(m.groupId);
    if (list) list.push(m.userId);
    else members.set(m.groupId, [m.userId]);
  }
  const groups: DirectoryGroupEntry[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await listScimGroups(db, accountId, { offset, limit: PAGE });
    groups.push(...page.map((g) => groupEntry(g, members.get(g.id) ?? [])));
    if (page.length < PAGE) break;
  }
  return { users, groups };
}
