/**
 * A directory for the sync benchmarks: 10,000 users in 500 groups under `OU=Bench`, loaded as one
 * LDIF through `ldapmodify` (not 10,000 samba-tool runs, ~1 s each). Each user is in one group
 * (20 a group); groups 0-49 each also hold nine of the others, so membership nests two deep.
 */
import { startSamba, type SambaDc } from '../../test/helpers/samba.js';

export interface BenchDirectory {
  dc: SambaDc;
  /** `OU=Bench,<base>`: the base DN a sync of exactly the seeded entries uses */
  baseDn: string;
  users: number;
  groups: number;
  seedMs: number;
}

export interface SeedOptions {
  users?: number;
  groups?: number;
}

const pad = (n: number) => String(n).padStart(5, '0');

/** The LDIF of the seed, entries in an order Samba accepts (members before their groups). */
export function benchLdif(baseDn: string, users: number, groups: number): string {
  const people = `OU=People,${baseDn}`;
  const groupsOu = `OU=Groups,${baseDn}`;
  const lines: string[] = [];
  const add = (dn: string, attributes: [string, string][]) => {
    lines.push(`dn: ${dn}`, 'changetype: add', ...attributes.map(([k, v]) => `${k}: ${v}`), '');
  };
  add(baseDn, [['objectClass', 'organizationalUnit']]);
  add(people, [['objectClass', 'organizationalUnit']]);
  add(groupsOu, [['objectClass', 'organizationalUnit']]);
  for (let i = 0; i < users; i++) {
    const name = `bench-user-${pad(i)}`;
    add(`CN=${name},${people}`, [
      ['objectClass', 'user'],
      ['sAMAccountName', name],
      ['userPrincipalName', `${name}@corp.example.test`],
      ['mail', `${name}@corp.example.test`],
      ['displayName', `Bench User ${i}`],
      // enabled, no password required: the benchmark only reads
      ['userAccountControl', '544'],
    ]);
  }
  const groupDn = (g: number) => `CN=bench-group-${pad(g)},${groupsOu}`;
  // Leaf groups first, so every nested member exists when its parent is added.
  for (let g = groups - 1; g >= 0; g--) {
    const members: [string, string][] = [];
    for (let i = g; i < users; i += groups) members.push(['member', `CN=bench-user-${pad(i)},${people}`]);
    if (g < 50)
      for (let k = 0; k < 9 && 50 + g * 9 + k < groups; k++)
        members.push(['member', groupDn(50 + g * 9 + k)]);
    add(groupDn(g), [['objectClass', 'group'], ['sAMAccountName', `bench-group-${pad(g)}`], ...members]);
  }
  return lines.join('\n');
}

/** Loads the seed into `dc` under `OU=Bench`. */
export async function seedDirectory(dc: SambaDc, options: SeedOptions = {}): Promise<BenchDirectory> {
  const users = options.users ?? 10_000;
  const groups = options.groups ?? 500;
  const baseDn = `OU=Bench,${dc.baseDn}`;
  const started = performance.now();
  await dc.ldapModify(benchLdif(baseDn, users, groups));
  return { dc, baseDn, users, groups, seedMs: performance.now() - started };
}

/** An empty DC (its own loopback address), seeded; stop it with `directory.dc.stop()`. */
export async function startBenchDirectory(options: SeedOptions = {}): Promise<BenchDirectory> {
  const dc = await startSamba({ seed: false });
  try {
    return await seedDirectory(dc, options);
  } catch (error) {
    await dc.stop();
    throw error;
  }
}
