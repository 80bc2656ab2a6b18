import type { DirectoryGroupEntry, DirectoryUserEntry } from '../../directory/types.js';
import type { License } from '../../store/accounts.js';
import type { GroupTier } from './contract.js';

/** A chain from a user up to a mapped group, by name: ['alice', 'engineering', 'chime-pro']. */
export interface TierChain {
  path: string[];
  groupName: string;
  tier: License;
}

export interface DerivedTier {
  /** Pro wins over Basic; null when no mapped group is reached */
  tier: License | null;
  chains: TierChain[];
}

/**
 * Who is in which mapped group, through any chain of nested groups (cycle-safe). A mapping names
 * a group by its `sAMAccountName` or `cn`, case-insensitively; a group whose tier is undefined
 * gives the account's DefaultLicense.
 */
export function createTierResolver(
  groups: DirectoryGroupEntry[],
  mapping: GroupTier[],
  defaultLicense: License,
) {
  const byDn = new Map(groups.map((g) => [g.dn.toLowerCase(), g]));
  /** the groups each DN (user or group) is a direct member of */
  const parents = new Map<string, DirectoryGroupEntry[]>();
  for (const group of groups)
    for (const member of group.members) {
      const key = member.toLowerCase();
      parents.set(key, [...(parents.get(key) ?? []), group]);
    }
  const mapped = new Map<string, GroupTier>();
  for (const m of mapping) mapped.set(m.groupName.toLowerCase(), m);
  const mappingOf = (g: DirectoryGroupEntry) =>
    mapped.get((g.sAMAccountName ?? '').toLowerCase()) ?? mapped.get(g.name.toLowerCase());

  /** Breadth-first from the DN up, each group visited once: the shortest chain to each mapped group. */
  function chainsOf(dn: string, name: string): TierChain[] {
    const chains: TierChain[] = [];
    const seen = new Set<string>();
    let frontier: { dn: string; path: string[] }[] = [{ dn: dn.toLowerCase(), path: [name] }];
    while (frontier.length > 0) {
      const next: typeof frontier = [];
      for (const at of frontier)
        for (const group of parents.get(at.dn) ?? []) {
          const key = group.dn.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          const path = [...at.path, groupLabel(group)];
          const m = mappingOf(group);
          if (m) chains.push({ path, groupName: m.groupName, tier: m.tier ?? defaultLicense });
          next.push({ dn: key, path });
        }
      frontier = next;
    }
    return chains;
  }

  return {
    derive(user: Pick<DirectoryUserEntry, 'dn' | 'sAMAccountName' | 'displayName'>): DerivedTier {
      const chains = chainsOf(user.dn, user.sAMAccountName ?? user.displayName ?? user.dn);
      return { tier: strongest(chains.map((c) => c.tier)), chains };
    },
    /** the mapped groups that exist in the read, and their transitive user count is not needed here */
    findGroup(name: string): DirectoryGroupEntry | undefined {
      const key = name.toLowerCase();
      return groups.find(
        (g) => (g.sAMAccountName ?? '').toLowerCase() === key || g.name.toLowerCase() === key,
      );
    },
    groupByDn: (dn: string) => byDn.get(dn.toLowerCase()),
  };
}

export type TierResolver = ReturnType<typeof createTierResolver>;

function groupLabel(group: DirectoryGroupEntry): string {
  return group.sAMAccountName ?? group.name;
}

/** Pro over everything else; otherwise the first tier given. */
export function strongest(tiers: License[]): License | null {
  if (tiers.length === 0) return null;
  return tiers.includes('Pro') ? 'Pro' : tiers[0]!;
}

/** A chain as a sentence fragment: "alice → engineering → chime-pro". */
export const chainText = (chain: TierChain) => chain.path.join(' → ');
