/**
 * Reading the seeded directory two ways in the same run: a raw paged `ldapsearch -E
 * pr=1000/noprompt` (OpenLDAP's C client, output discarded) as the baseline, and Belfry's LDAP
 * client (`open` + `users()` + `groups()`). Prints the medians and the ratio.
 *
 *   node --import tsx bench/directory/raw.ts [--users 10000] [--groups 500] [--rounds 3]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLdapClient, defaultUserFilter } from '../../src/directory/ldap/index.js';
import { groupAttributes, userAttributes } from '../../src/directory/ldap/entries.js';
import { directorySettings } from '../../test/helpers/samba.js';
import { startBenchDirectory, type BenchDirectory } from './seed.js';

/** Settings for Belfry's client that read exactly the seeded entries. */
export const benchSettings = (directory: BenchDirectory) =>
  directorySettings(directory.dc, { baseDn: directory.baseDn });

function ldapsearch(
  directory: BenchDirectory,
  caFile: string,
  filter: string,
  attributes: string[],
): Promise<number> {
  const { dc } = directory;
  const args = [
    '-LLL',
    '-x',
    '-H',
    dc.tlsUrl,
    '-D',
    dc.bindDn,
    '-w',
    dc.bindPassword,
    '-b',
    directory.baseDn,
  ];
  return new Promise((done, fail) => {
    execFile(
      'ldapsearch',
      [...args, '-E', 'pr=1000/noprompt', filter, ...attributes],
      { env: { ...process.env, LDAPTLS_CACERT: caFile }, maxBuffer: 512 * 1024 * 1024 },
      (error, stdout) => (error ? fail(error) : done(stdout.match(/^dn: /gm)?.length ?? 0)),
    );
  });
}

/** The baseline: users then groups, as a sync reads them; resolves to the entries seen. */
export async function rawRead(directory: BenchDirectory): Promise<{ ms: number; entries: number }> {
  const work = mkdtempSync(join(tmpdir(), 'belfry-bench-'));
  try {
    const caFile = join(work, 'ca.pem');
    writeFileSync(caFile, directory.dc.caPem);
    const started = performance.now();
    const users = await ldapsearch(directory, caFile, defaultUserFilter, userAttributes);
    const groups = await ldapsearch(directory, caFile, '(objectClass=group)', groupAttributes);
    return { ms: performance.now() - started, entries: users + groups };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Belfry's client: open (bind, rootDSE), users(), groups(). */
export async function clientRead(directory: BenchDirectory): Promise<{ ms: number; entries: number }> {
  const started = performance.now();
  const session = await createLdapClient().open(benchSettings(directory));
  try {
    const users = await session.users();
    const groups = await session.groups();
    return { ms: performance.now() - started, entries: users.length + groups.length };
  } finally {
    await session.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { users: { type: 'string' }, groups: { type: 'string' }, rounds: { type: 'string' } },
  });
  const rounds = Number(values.rounds ?? 3);
  const directory = await startBenchDirectory({
    users: Number(values.users ?? 10_000),
    groups: Number(values.groups ?? 500),
  });
  try {
    console.log(
      `seeded ${directory.users} users in ${directory.groups} groups in ${(directory.seedMs / 1000).toFixed(1)} s`,
    );
    const raw: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const a = await rawRead(directory);
      const b = await clientRead(directory);
      const expected = directory.users + directory.groups;
      if (a.entries !== expected || b.entries !== expected) {
        throw new Error(
          `read ${a.entries} (ldapsearch) and ${b.entries} (client) entries, expected ${expected}`,
        );
      }
      raw.push(a.ms);
      ours.push(b.ms);
    }
    const r = median(raw);
    const c = median(ours);
    console.log(
      `raw paged ldapsearch  median ${r.toFixed(0)} ms  (${raw.map((x) => x.toFixed(0)).join(', ')})`,
    );
    console.log(
      `createLdapClient read median ${c.toFixed(0)} ms  (${ours.map((x) => x.toFixed(0)).join(', ')})`,
    );
    console.log(`ratio client/raw ${(c / r).toFixed(2)}`);
  } finally {
    await directory.dc.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
