/**
 * What Belfry reads from an LDAP directory (Active Directory, Samba AD), as plain data. The LDAP
 * client (`src/directory/ldap/`) produces it; the directory domain (`src/domain/directory/`)
 * decides from it. Nothing here knows about accounts or tiers.
 */

/** Where and how to reach one directory; the bind password is already unsealed. */
export interface LdapSettings {
  /** tried in order until one answers (`ldaps://dc1.corp:636`, `ldap://dc2.corp`) */
  urls: string[];
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  /** LDAP filter for the people to sync; the client's default when undefined */
  userFilter: string | undefined;
  /** PEM of the CA(s) that sign the DCs' certificates; the system's CAs when undefined */
  caPem: string | undefined;
  /** upgrade `ldap://` with StartTLS before binding */
  startTls: boolean;
  /** per-operation timeout; the client's default when undefined */
  timeoutMs?: number | undefined;
}

/** A person as the directory has them. DNs are as the server wrote them. */
export interface DirectoryUserEntry {
  /** `objectGUID` in its canonical string form (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower case) */
  guid: string;
  dn: string;
  sAMAccountName: string | undefined;
  userPrincipalName: string | undefined;
  mail: string | undefined;
  displayName: string | undefined;
  /** `userAccountControl`; bit 2 (0x2) is "disabled" */
  userAccountControl: number;
  /** decimal string: USNs are 64-bit */
  usnChanged: string;
}

/** A group, with every value of `member` (ranged retrieval already followed to the end). */
export interface DirectoryGroupEntry {
  guid: string;
  dn: string;
  /** `cn` */
  name: string;
  sAMAccountName: string | undefined;
  /** DNs of the direct members, users and groups alike */
  members: string[];
  usnChanged: string;
}

/** The DC that answered, for incremental sync (USNs are per DC). */
export interface DirectoryServerInfo {
  /** the URL that answered (failover may skip earlier ones) */
  url: string;
  dnsHostName: string | undefined;
  /** the DC's `invocationId` (from the NTDS Settings object named by `dsServiceName`) */
  invocationId: string;
  /** `highestCommittedUSN` read before the searches */
  highestCommittedUsn: string;
}

/**
 * Why talking to the directory failed. A run that sees any of these applies nothing.
 * - `unreachable`: no URL answered (refused, timed out, DNS) — each URL's reason is in `message`
 * - `tls`: the certificate was refused (wrong CA, name mismatch) or TLS could not start
 * - `bind_refused`: the service account's bind was refused (wrong DN or password)
 * - `invalid_filter`: the server refused the user filter
 * - `no_such_base`: the base DN does not exist
 * - `truncated`: an answer was cut short (size limit, a paged search that ended early, a range
 *   that did not reach `*`)
 * - `protocol`: anything else the server answered with an error code
 */
export type LdapFailureKind =
  'unreachable' | 'tls' | 'bind_refused' | 'invalid_filter' | 'no_such_base' | 'truncated' | 'protocol';

export class LdapFailure extends Error {
  override readonly name = 'LdapFailure';
  constructor(
    readonly kind: LdapFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What a person's own bind answered (AD sign-in). The AD sub-codes after `data` in the bind
 * error: 52e wrong password, 525 no such user, 530 logon hours, 531 workstation, 532 password
 * expired, 533 disabled, 701 account expired, 773 must change password, 775 locked out.
 */
export type UserBindOutcome =
  | { ok: true }
  | {
      ok: false;
      reason:
        | 'wrong_password'
        | 'no_such_user'
        | 'disabled'
        | 'account_expired'
        | 'password_expired'
        | 'must_change_password'
        | 'locked_out'
        | 'logon_restricted';
    };

/** An open, bound connection to one DC; every method fails with `LdapFailure`. */
export interface DirectorySession {
  readonly server: DirectoryServerInfo;
  /**
   * Every user under the base DN matching the user filter (paged; referrals ignored), or only
   * those with `uSNChanged` ≥ `changedSince` when given.
   */
  users(options?: { changedSince?: string }): Promise<DirectoryUserEntry[]>;
  /** Every group under the base DN (paged, ranged `member`), or only those changed since. */
  groups(options?: { changedSince?: string }): Promise<DirectoryGroupEntry[]>;
  /** The user (within the filter) whose `mail`, `userPrincipalName` or `sAMAccountName` is `login`. */
  findUser(login: string): Promise<DirectoryUserEntry | undefined>;
  /**
   * The groups under the base DN the user belongs to through any chain, each with the members
   * that lead to it (the user, or another of these groups), so the chain can be shown.
   */
  groupsOfUser(userDn: string): Promise<DirectoryGroupEntry[]>;
  close(): Promise<void>;
}

/** How the domain reaches directories; tests may give their own. */
export interface DirectoryClient {
  /** Connects (failing over in order), binds as the service account and reads the rootDSE. */
  open(settings: LdapSettings): Promise<DirectorySession>;
  /** Binds as a person on a fresh connection (same URLs, TLS and failover); never throws for a refused bind. */
  bindAsUser(settings: LdapSettings, userDn: string, password: string): Promise<UserBindOutcome>;
}
