import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { findDirectoryIdOfUser, listGroupTiers } from '../../store/directories.js';
import { listDomainsOfAccount } from '../../store/domains.js';
import {
  findProvisionedMembers,
  findScimUsersByIds,
  findUnlinkedMembersByEmail,
  listGroupsOfUsers,
  type ScimUserRecord,
} from '../../store/scim.js';
import { findUserByEmail, updateUser, type UserRecord } from '../../store/users.js';
import type { AuditLog } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { applyItems } from '../directory/apply.js';
import { planRun, type PlannedItem } from '../directory/planner.js';
import { planOptionsFor } from '../directory/stored-read.js';
import { invalid } from '../errors.js';
import { announceEntitlementChange } from '../entitlements/announce.js';
import { freeNumberOfUser } from '../phone-numbers/assignment.js';
import { signOutEverywhere } from '../users/sessions.js';
import { checkEmail } from '../users/rules.js';
import { groupEntries, userEntry } from './entries.js';

/**
 * What a SCIM change does to Belfry users, with the directory area's own planner and
 * `applyItems`: the changed SCIM users (and only those) are read as directory entries with
 * the groups they are in, planned against the account's mapping, and applied in the caller's
 * transaction, each item in the audit trail. An IdP's request is never held: it is the
 * authority, one change at a time (runs started by a mapping change still are).
 */
export async function applyScimEffects(
  tx: Db,
  deps: DomainDeps,
  account: AccountRecord,
  scimUserIds: string[],
  log: AuditLog,
  known: KnownInputs = {},
): Promise<PlannedItem[]> {
  const ids = [...new Set(scimUserIds)];
  if (ids.length === 0) return [];
  const records = known.created ?? (await findScimUsersByIds(tx, account.id, ids));
  const users = records.map(userEntry);
  // a user created in this request is in no group and tied to no Belfry user yet
  const groups = known.created ? [] : groupEntries(await listGroupsOfUsers(tx, ids));
  const members = known.created
    ? new Map<string, UserRecord>()
    : await findProvisionedMembers(tx, account.id, ids);
  const addresses = users.filter((u) => !members.has(u.guid) && u.mail).map((u) => u.mail!);
  const [unlinked, mapping, domains] = await Promise.all([
    findUnlinkedMembersByEmail(tx, account.id, addresses),
    listGroupTiers(tx, account.id),
    known.domains ?? verifiedDomainsOf(tx, account.id),
  ]);
  const plan = planRun({
    users,
    groups,
    previousGroups: [],
    mapping,
    defaultLicense: account.defaultLicense,
    members,
    unlinked,
    verifiedDomains: domains,
    full: false,
    hold: { percent: 100, count: Number.MAX_SAFE_INTEGER },
    ...planOptionsFor('scim'),
  });
  return applyItems(tx, deps, account, members, plan.items, log);
}

/** What the caller has read already in this transaction, so it is not read twice. */
export interface KnownInputs {
  /** the users were created by this request (so: no groups, no Belfry user yet) */
  created?: ScimUserRecord[] | undefined;
  /** the account's verified domains, lower case */
  domains?: string[] | undefined;
}

export async function verifiedDomainsOf(tx: Db, accountId: string): Promise<string[]> {
  return (await listDomainsOfAccount(tx, accountId))
    .filter((d) => d.status === 'Verified' || d.status === 'RecordMissing')
    .map((d) => d.domainName.toLowerCase());
}

/**
 * A provisioned person's address must be one Belfry can give them: a valid address on one of the
 * account's verified domains, and no other SCIM user's (each is one Belfry user). 400
 * `invalidValue` naming the domain otherwise, so the IdP's error log says what to fix.
 */
export function checkProvisionedAddress(
  account: AccountRecord,
  address: string | undefined,
  domains: string[],
): string {
  if (address === undefined)
    throw invalid(
      'The user has no address: give a primary or work email, or a userName that is an email address',
      'invalidValue',
    );
  const email = checkEmail(address);
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (!domains.includes(domain))
    throw invalid(
      `The address ${email} is on ${domain}, which is not a verified domain of account ${account.id} (verified: ${domains.join(', ') || 'none'})`,
      'invalidValue',
    );
  return email;
}

/**
 * Whether a current member has the address and is tied to another directory entry, or the SCIM
 * user has a Belfry user of its own already (a member not tied yet is linked to a new SCIM user
 * instead, as an AD run links them).
 */
export async function addressHeldElsewhere(
  tx: Db,
  accountId: string,
  email: string,
  scimId: string,
): Promise<boolean> {
  const member = await findUserByEmail(tx, accountId, email);
  if (!member) return false;
  const tiedTo = await findDirectoryIdOfUser(tx, accountId, member.id);
  if (tiedTo !== undefined) return tiedTo !== scimId;
  // not tied: a new SCIM user is linked to them; one that has its Belfry user already cannot be
  const own = (await findProvisionedMembers(tx, accountId, [scimId])).get(scimId);
  return own !== undefined;
}

/**
 * DELETE of a provisioned user: they leave the account as a removed member does (no phone
 * number, signed out at once, the apps told), in the caller's transaction.
 */
export async function removeProvisionedMember(
  tx: Db,
  deps: DomainDeps,
  accountId: string,
  scimId: string,
  log: AuditLog,
): Promise<UserRecord | undefined> {
  const user = (await findProvisionedMembers(tx, accountId, [scimId])).get(scimId);
  if (!user) return undefined;
  const at = deps.clock.now().toISOString();
  await freeNumberOfUser(tx, user, at);
  await signOutEverywhere(tx, user, at);
  await updateUser(tx, accountId, user.id, { removedAt: at, updatedAt: at });
  await announceEntitlementChange(tx, deps, user, 'removed');
  log.item({
    targetType: 'User',
    targetId: user.id,
    userId: user.id,
    details: { action: 'remove', guid: scimId, reason: 'deleted by the identity provider (SCIM DELETE)' },
  });
  return user;
}
