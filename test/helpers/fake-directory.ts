import { randomUUID } from 'node:crypto';
import {
  LdapFailure,
  type DirectoryClient,
  type DirectoryGroupEntry,
  type DirectorySession,
  type DirectoryUserEntry,
  type LdapSettings,
  type UserBindOutcome,
} from '../../src/directory/types.js';

/**
 * An in-memory directory behind the real `DirectoryClient` interface, for domain tests that need
 * a directory whose answers they control (a failure on demand, a DC restored with a new
 * invocationId). Every change moves the USN, as AD does; group membership is by DN.
 */
export class FakeDirectory implements DirectoryClient {
  readonly users = new Map<string, DirectoryUserEntry>();
  readonly groups = new Map<string, DirectoryGroupEntry>();
  readonly passwords = new Map<string, string>();
  /** bind outcomes other than ok/wrong password, by user DN */
  readonly bindOutcomes = new Map<string, UserBindOutcome>();
  url = 'ldap://127.0.0.1';
  invocationId: string = randomUUID();
  /** the next `open` (or every one, while set) fails with this */
  failure: LdapFailure | undefined;
  /** what the reads asked for, newest last: 'users', 'users>USN', 'groups', … */
  readonly reads: string[] = [];
  private usn = 1000n;

  /** `domain`: the mail domain of the users it makes */
  constructor(readonly domain = 'corp.example') {}

  private tick(): string {
    this.usn += 1n;
    return this.usn.toString();
  }

  /** Adds or changes a user (by name: `cn=<name>,ou=people,dc=corp`). */
  user(name: string, fields: Partial<DirectoryUserEntry> = {}): DirectoryUserEntry {
    const existing = [...this.users.values()].find((u) => u.sAMAccountName === name);
    const entry: DirectoryUserEntry = {
      guid: existing?.guid ?? randomUUID(),
      dn: `cn=${name},ou=people,dc=corp`,
      sAMAccountName: name,
      userPrincipalName: `${name}@${this.domain}`,
      mail: `${name}@${this.domain}`,
      displayName: name,
      userAccountControl: 512,
      ...existing,
      ...fields,
      usnChanged: this.tick(),
    };
    this.users.set(entry.guid, entry);
    return entry;
  }

  removeUser(name: string): void {
    const user = [...this.users.values()].find((u) => u.sAMAccountName === name);
    if (user) this.users.delete(user.guid);
  }

  /** Adds or replaces a group whose members are user or group names. */
  group(name: string, members: string[]): DirectoryGroupEntry {
    const existing = this.groups.get(name);
    const entry: DirectoryGroupEntry = {
      guid: existing?.guid ?? randomUUID(),
      dn: `cn=${name},ou=groups,dc=corp`,
      name,
      sAMAccountName: name,
      members: members.map((m) => this.dnOf(m)),
      usnChanged: this.tick(),
    };
    this.groups.set(name, entry);
    return entry;
  }

  private dnOf(name: string): string {
    const user = [...this.users.values()].find((u) => u.sAMAccountName === name);
    return user?.dn ?? `cn=${name},ou=groups,dc=corp`;
  }

  async open(_settings: LdapSettings): Promise<DirectorySession> {
    if (this.failure) throw this.failure;
    const server = {
      url: this.url,
      dnsHostName: 'dc1.corp',
      invocationId: this.invocationId,
      highestCommittedUsn: this.usn.toString(),
    };
    const since = (entry: { usnChanged: string }, changedSince?: string) =>
      changedSince === undefined || BigInt(entry.usnChanged) >= BigInt(changedSince);
    return {
      server,
      users: async (options = {}) => {
        this.reads.push(options.changedSince ? `users>${options.changedSince}` : 'users');
        return [...this.users.values()].filter((u) => since(u, options.changedSince)).map((u) => ({ ...u }));
      },
      groups: async (options = {}) => {
        this.reads.push(options.changedSince ? `groups>${options.changedSince}` : 'groups');
        return [...this.groups.values()]
          .filter((g) => since(g, options.changedSince))
          .map((g) => ({ ...g, members: [...g.members] }));
      },
      findUser: async (login) => {
        const key = login.toLowerCase();
        return [...this.users.values()].find((u) =>
          [u.mail, u.userPrincipalName, u.sAMAccountName].some((v) => v?.toLowerCase() === key),
        );
      },
      groupsOfUser: async (userDn) => {
        const found: DirectoryGroupEntry[] = [];
        const frontier = [userDn.toLowerCase()];
        while (frontier.length > 0) {
          const dn = frontier.pop()!;
          for (const g of this.groups.values())
            if (!found.includes(g) && g.members.some((m) => m.toLowerCase() === dn)) {
              found.push(g);
              frontier.push(g.dn.toLowerCase());
            }
        }
        return found.map((g) => ({ ...g, members: [...g.members] }));
      },
      close: async () => undefined,
    };
  }

  async bindAsUser(_settings: LdapSettings, userDn: string, password: string): Promise<UserBindOutcome> {
    if (this.failure) throw this.failure;
    const outcome = this.bindOutcomes.get(userDn);
    if (outcome) return outcome;
    return this.passwords.get(userDn) === password ? { ok: true } : { ok: false, reason: 'wrong_password' };
  }
}
