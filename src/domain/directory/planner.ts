import type { DirectoryGroupEntry, DirectoryUserEntry } from '../../directory/types.js';
import type { License } from '../../store/accounts.js';
import type { RunItemRecord } from '../../store/directories.js';
import type { UserRecord } from '../../store/users.js';
import type { GroupTier, RunCounts } from './contract.js';
import { chainText, createTierResolver } from './tiers.js';
import { NO_COUNTS } from './views.js';

/** userAccountControl's ACCOUNTDISABLE bit. */
const UAC_DISABLED = 0x2;

export interface PlanInput {
  users: DirectoryUserEntry[];
  groups: DirectoryGroupEntry[];
  /** the groups of the last applied read, to see a mapped group emptied */
  previousGroups: DirectoryGroupEntry[];
  mapping: GroupTier[];
  defaultLicense: License;
  /** the account's directory users, by objectGUID */
  members: Map<string, UserRecord>;
  /** the account's members not yet tied to the directory (joined before it was connected), by lower-case address */
  unlinked?: Map<string, UserRecord> | undefined;
  verifiedDomains: string[];
  /** a full read sees deletions and moves out of scope; an incremental one cannot */
  full: boolean;
  hold: { percent: number; count: number };
  /**
   * SCIM: a new user in no tier group is listed anyway, Suspended with the reason "in no group
   * mapped to a tier" (as an existing user is), and restored when a tier group arrives. The IdP
   * pushed them, so the administrator expects to find them. AD (unset) skips them.
   */
  listUntiered?: boolean | undefined;
  /** why a disabled user is suspended, in words (AD: the userAccountControl bit) */
  disabledReason?: string | undefined;
}

export interface PlannedItem extends RunItemRecord {
  /** an existing member matched by address: tie them to this objectGUID first */
  link?: boolean | undefined;
  /** the tier to set (create, tier, restore) */
  license?: License | undefined;
  displayName?: string | undefined;
  /** a create of someone disabled in the directory: listed, but suspended from the start */
  suspended?: boolean | undefined;
}

export interface Plan {
  items: PlannedItem[];
  counts: RunCounts;
  /** why the run must wait for an administrator; undefined when it may apply */
  hold: string | undefined;
}

/** What a read would change in Belfry, item by item, each with its reason in words. */
export function planRun(input: PlanInput): Plan {
  const resolver = createTierResolver(input.groups, input.mapping, input.defaultLicense);
  const domains = new Set(input.verifiedDomains.map((d) => d.toLowerCase()));
  const items: PlannedItem[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const entry of input.users) {
    seen.add(entry.guid);
    const planned = planEntry(entry, input, resolver.derive(entry), domains);
    if (planned.length === 0) unchanged++;
    items.push(...planned);
  }
  if (input.full)
    for (const [guid, user] of input.members)
      if (!seen.has(guid) && user.registrationStatus !== 'Suspended')
        items.push({
          action: 'suspend',
          guid,
          userId: user.id,
          email: user.email,
          from: user.registrationStatus,
          to: 'Suspended',
          reason: 'gone from the directory (not found under the base DN by the user filter in a full read)',
        });
  const counts = countItems(items, unchanged);
  return { items, counts, hold: holdReason(input, counts.suspended) };
}

/**
 * A member who joined before the directory was connected (same address, no objectGUID yet) is
 * tied to their directory entry rather than created a second time.
 */
function planEntry(
  entry: DirectoryUserEntry,
  input: PlanInput,
  derived: ReturnType<ReturnType<typeof createTierResolver>['derive']>,
  domains: Set<string>,
): PlannedItem[] {
  const linked = input.members.get(entry.guid);
  const address = (entry.mail ?? entry.userPrincipalName)?.toLowerCase();
  const unlinked = linked || address === undefined ? undefined : input.unlinked?.get(address);
  if (!unlinked) return planUser(entry, linked, derived, domains, input);
  const link: PlannedItem = {
    action: 'update',
    guid: entry.guid,
    userId: unlinked.id,
    email: unlinked.email,
    from: undefined,
    to: entry.guid,
    reason: 'an existing member with this address is now kept in step with the directory entry',
    link: true,
  };
  return [link, ...planUser(entry, unlinked, derived, domains, input)];
}

function planUser(
  entry: DirectoryUserEntry,
  user: UserRecord | undefined,
  derived: ReturnType<ReturnType<typeof createTierResolver>['derive']>,
  domains: Set<string>,
  options: Pick<PlanInput, 'listUntiered' | 'defaultLicense' | 'disabledReason'>,
): PlannedItem[] {
  const email = entry.mail ?? entry.userPrincipalName;
  const base = { guid: entry.guid, userId: user?.id, email: email ?? user?.email };
  if (email === undefined)
    return [
      {
        ...base,
        action: 'skip',
        from: undefined,
        to: undefined,
        reason: 'has neither mail nor userPrincipalName',
      },
    ];
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (!domains.has(domain))
    return [
      {
        ...base,
        action: 'skip',
        from: undefined,
        to: undefined,
        reason: `address ${email} is not on a verified domain of the account (${domain})`,
      },
    ];
  const disabled = (entry.userAccountControl & UAC_DISABLED) !== 0;
  const blocked = disabled
    ? (options.disabledReason ??
      `disabled in the directory (userAccountControl ${entry.userAccountControl} has bit 2, ACCOUNTDISABLE)`)
    : derived.tier === null
      ? 'in no group mapped to a tier'
      : undefined;
  const why = derived.chains[0] ? `${chainText(derived.chains[0])} → ${derived.tier}` : '';
  const displayName = entry.displayName ?? entry.sAMAccountName;
  if (!user) {
    // Someone disabled in a tier group is listed as Suspended (as the administrator expects to
    // find them); someone in no tier group is not a member at all.
    if (derived.tier === null && !options.listUntiered)
      return [{ ...base, action: 'skip', from: undefined, to: undefined, reason: `not created: ${blocked}` }];
    if (derived.tier === null)
      return [
        {
          ...base,
          action: 'create',
          from: undefined,
          to: `${options.defaultLicense}, Suspended`,
          reason: `created suspended: ${blocked}`,
          license: options.defaultLicense,
          displayName,
          suspended: true,
        },
      ];
    return [
      {
        ...base,
        action: 'create',
        from: undefined,
        to: disabled ? `${derived.tier}, Suspended` : derived.tier,
        reason: disabled ? `${why}; created suspended: ${blocked}` : why,
        license: derived.tier,
        displayName,
        suspended: disabled,
      },
    ];
  }
  if (blocked)
    return user.registrationStatus === 'Suspended'
      ? []
      : [{ ...base, action: 'suspend', from: user.registrationStatus, to: 'Suspended', reason: blocked }];
  const items: PlannedItem[] = [];
  if (user.registrationStatus === 'Suspended')
    items.push({
      ...base,
      action: 'restore',
      from: 'Suspended',
      to: user.registeredOn ? 'Registered' : 'Unregistered',
      reason: why,
    });
  if (user.license !== derived.tier)
    items.push({
      ...base,
      action: 'tier',
      from: user.license,
      to: derived.tier!,
      reason: why,
      license: derived.tier!,
    });
  if (
    user.email?.toLowerCase() !== email.toLowerCase() ||
    (displayName !== undefined && user.displayName !== displayName)
  )
    items.push({
      ...base,
      action: 'update',
      from: `${user.email ?? ''} ${user.displayName ?? ''}`.trim(),
      to: `${email} ${displayName ?? ''}`.trim(),
      reason: 'address or name changed in the directory',
      displayName,
    });
  return items;
}

function countItems(items: PlannedItem[], unchanged: number): RunCounts {
  const counts = { ...NO_COUNTS, unchanged };
  const key = {
    create: 'created',
    tier: 'tierChanged',
    suspend: 'suspended',
    restore: 'restored',
    update: 'updated',
    skip: 'skipped',
  } as const;
  for (const item of items) counts[key[item.action]]++;
  return counts;
}

/**
 * A run is held when it would suspend more than the share or the number allowed of the account's
 * directory users, or finds empty a mapped group that had members: a wrong filter or a half
 * answer must never read as "everyone left".
 */
function holdReason(input: PlanInput, suspensions: number): string | undefined {
  const previous = createTierResolver(input.previousGroups, input.mapping, input.defaultLicense);
  const now = createTierResolver(input.groups, input.mapping, input.defaultLicense);
  for (const m of input.mapping) {
    const before = previous.findGroup(m.groupName);
    const after = now.findGroup(m.groupName);
    if (before && before.members.length > 0 && (after?.members.length ?? 0) === 0)
      return `mapped group ${m.groupName} had ${before.members.length} members and now has none`;
  }
  const total = input.members.size;
  if (suspensions > input.hold.count)
    return `it would suspend ${suspensions} users, more than ${input.hold.count}`;
  if (total > 0 && suspensions > (total * input.hold.percent) / 100)
    return `it would suspend ${suspensions} of ${total} directory users, more than ${input.hold.percent} %`;
  return undefined;
}
