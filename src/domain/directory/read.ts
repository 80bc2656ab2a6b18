import type { DirectoryClient, DirectoryServerInfo } from '../../directory/types.js';
import type { ConnectionRecord, StoredRead } from '../../store/directories.js';
import type { RunKind } from './contract.js';

/** What one run read, and what it needs to store as its sync state. */
export interface RunRead extends StoredRead {
  kind: RunKind;
  kindReason: string | undefined;
  server: DirectoryServerInfo;
}

/**
 * Reads the directory for a run. Incremental asks only for what changed since the stored
 * highestCommittedUSN of the SAME DC (USNs are per DC) with the same invocationId (a restored DC
 * has a new one), else it falls back to full and says why. Users changed are merged into the
 * stored read; when any group changed, every group is read again (a group's USN moves with its
 * membership, but the stored members of other groups may hold the changed users' DNs). Deletions
 * and moves out of the base DN are seen by full reads only. Throws `LdapFailure` untouched.
 */
export async function readDirectory(
  client: DirectoryClient,
  settings: Parameters<DirectoryClient['open']>[0],
  connection: ConnectionRecord,
  stored: StoredRead,
  asked: RunKind,
): Promise<RunRead> {
  const session = await client.open(settings);
  try {
    const server = session.server;
    const kindReason = fallbackReason(connection, server, asked);
    if (asked === 'full' || kindReason !== undefined) {
      const [users, groups] = [await session.users(), await session.groups()];
      return { kind: 'full', kindReason, server, users, groups };
    }
    const since = nextUsn(connection.sync!.highestUsn);
    const changedUsers = await session.users({ changedSince: since });
    const changedGroups = await session.groups({ changedSince: since });
    const groups = changedGroups.length > 0 ? await session.groups() : stored.groups;
    const byGuid = new Map(stored.users.map((u) => [u.guid, u]));
    for (const user of changedUsers) byGuid.set(user.guid, user);
    return { kind: 'incremental', kindReason: undefined, server, users: [...byGuid.values()], groups };
  } finally {
    await session.close().catch(() => undefined);
  }
}

function fallbackReason(c: ConnectionRecord, server: DirectoryServerInfo, asked: RunKind) {
  if (asked === 'full') return undefined;
  if (!c.sync) return 'full: no previous read to continue from';
  if (c.sync.url !== server.url) return `full: ${server.url} answered, not ${c.sync.url} (USNs are per DC)`;
  if (c.sync.invocationId !== server.invocationId)
    return `full: the DC's invocationId changed (${c.sync.invocationId} → ${server.invocationId}), as after a restore`;
  return undefined;
}

/** uSNChanged ≥ highest + 1: what was committed after the last read. */
function nextUsn(usn: string): string {
  return (BigInt(usn) + 1n).toString();
}
