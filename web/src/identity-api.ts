/**
 * The operations the Identity pages call: claimed domains, the directory (Active Directory or an
 * OpenID provider), its runs and "explain", and SCIM tokens. Belfry's extension operations
 * themselves, through the same `call` (session cookie, CSRF header, Chime errors).
 */
import { ApiError, call } from './api.js';

// The wire shapes, as the API's declarations give them (the console talks to Belfry over HTTP only).
export type Tier = 'Pro' | 'Basic';

export interface Domain {
  DomainName: string;
  Status: 'PendingVerification' | 'Verified' | 'RecordMissing' | 'Failed';
  TxtRecordName: string;
  TxtRecordValue: string;
  VerificationDeadline: string;
  LastCheckedTimestamp?: string;
  LastCheckResult?: string;
  VerifiedBy?: 'DnsRecord' | 'OperatorOverride';
  OverrideReason?: string;
}

export interface ReleaseEffect {
  PrimaryEmail: string;
  RegistrationStatus: string;
  Outcome: 'Released' | 'StaysSuspended' | 'Removed';
}

export interface GroupTier {
  GroupName: string;
  Tier?: Tier;
}

export type RunCounts = Record<
  'Created' | 'TierChanged' | 'Suspended' | 'Restored' | 'Updated' | 'Skipped' | 'Unchanged',
  number
>;

export interface RunItem {
  Action: 'Create' | 'Tier' | 'Suspend' | 'Restore' | 'Update' | 'Skip';
  ObjectGuid: string;
  UserId?: string;
  PrimaryEmail?: string;
  From?: string;
  To?: string;
  Reason: string;
}

export interface Run {
  RunId: string;
  Kind: 'Full' | 'Incremental';
  KindReason?: string;
  Trigger: 'Schedule' | 'Demand' | 'Mapping';
  DryRun: boolean;
  Status: 'Queued' | 'Running' | 'Applied' | 'Dry' | 'Held' | 'Failed' | 'Approved' | 'Rejected';
  Reason?: string;
  Counts: RunCounts;
  CreatedTimestamp: string;
  StartedTimestamp?: string;
  FinishedTimestamp?: string;
  DecidedBy?: string;
  DecidedTimestamp?: string;
  Items?: RunItem[];
}

export interface AdConnection {
  Type: 'ActiveDirectory';
  Urls: string[];
  BindDn: string;
  BaseDn: string;
  UserFilter: string;
  StartTls: boolean;
  CaSubject?: string;
  Groups: GroupTier[];
  ConnectedTimestamp: string;
  NextIncrementalTimestamp?: string;
}

export interface IdpConnection {
  Type: 'OpenIdConnect';
  Issuer: string;
  ClientId: string;
  GroupsClaim?: string;
  RedirectUri: string;
  Groups: GroupTier[];
  LiveScimTokens: number;
  ConnectedTimestamp: string;
}

export type Connection = AdConnection | IdpConnection;

export interface AdTest {
  Ok: boolean;
  ReachedUrl?: string;
  Unreachable: { Url: string; Reason: string }[];
  Bound: boolean;
  UsersFound?: number;
  Groups: { GroupName: string; Tier?: string; Found: boolean; Members?: number }[];
  Problems: string[];
}

export interface IdpTest {
  Ok: boolean;
  Issuer: string;
  Discovered: boolean;
  RedirectUri: string;
  Problems: string[];
}

export interface TierPreview {
  TierChanges: number;
  LoseSignIn: number;
  GainSignIn: number;
  Examples: { UserId?: string; PrimaryEmail?: string; From?: string; To?: string }[];
}

export interface Explanation {
  Summary: string;
  Chains: { Path: string[]; GroupName: string; Tier: string }[];
  LastChange?: { RunId: string; Action: string; Timestamp: string; Reason: string };
}

export interface ScimToken {
  TokenId: string;
  Name: string;
  CreatedBy: string;
  CreatedTimestamp: string;
  LastUsedTimestamp?: string;
  RevokedTimestamp?: string;
}

/** What ConnectDirectory takes: the fields of the one type given. */
export type ConnectInput =
  | {
      Type: 'ActiveDirectory';
      Urls: string[];
      BindDn: string;
      BindPassword: string;
      BaseDn: string;
      UserFilter?: string;
      StartTls?: boolean;
      CaPem?: string;
    }
  | { Type: 'OpenIdConnect'; Issuer: string; ClientId: string; ClientSecret: string; GroupsClaim?: string };

const account = (id: string) => `/accounts/${encodeURIComponent(id)}`;
const domain = (id: string, name: string) => `${account(id)}/domains/${encodeURIComponent(name)}`;
const directory = (id: string) => `${account(id)}/directory`;
const run = (runId: string) => `/directory-runs/${encodeURIComponent(runId)}`;

/** A read that answers NotFound when the thing is simply not there yet. */
export const orNone = <T>(promise: Promise<T>): Promise<T | undefined> =>
  promise.catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  });

export const identity = {
  listDomains: (id: string) => call<{ Domains: Domain[] }>('GET', `${account(id)}/domains`),
  claimDomain: (id: string, DomainName: string) =>
    call<{ Domain: Domain }>('POST', `${account(id)}/domains`, { DomainName }),
  verifyDomain: (id: string, name: string) =>
    call<{ Domain: Domain }>('POST', `${domain(id, name)}?operation=verify`),
  previewRelease: (id: string, name: string) =>
    call<{ AffectedUsers: ReleaseEffect[] }>('GET', `${domain(id, name)}/release-preview`),
  releaseDomain: (id: string, name: string) =>
    call<{ AffectedUsers: ReleaseEffect[] }>('POST', `${domain(id, name)}?operation=release`),

  getDirectory: (id: string) => orNone(call<{ Directory: Connection }>('GET', directory(id))),
  connect: (id: string, input: ConnectInput) => call<{ Directory: Connection }>('PUT', directory(id), input),
  disconnect: (id: string) => call<{ AccountType?: string; Reason?: string }>('DELETE', directory(id)),
  test: (id: string) => call<{ DirectoryTest: AdTest | IdpTest }>('POST', `${directory(id)}?operation=test`),
  putGroups: (id: string, Groups: GroupTier[], DryRun: boolean) =>
    call<{ Preview: TierPreview; Saved?: boolean; RunId?: string }>('PUT', `${directory(id)}/groups`, {
      Groups,
      DryRun,
    }),
  sync: (id: string, DryRun: boolean) => call<{ Run: Run }>('POST', `${directory(id)}/runs`, { DryRun }),
  listRuns: (id: string, nextToken?: string) =>
    call<{ Runs: Run[]; NextToken?: string }>(
      'GET',
      `${directory(id)}/runs?max-results=20${nextToken ? `&next-token=${encodeURIComponent(nextToken)}` : ''}`,
    ),
  getRun: (runId: string) => call<{ Run: Run }>('GET', run(runId)),
  approveRun: (runId: string) => call<{ Run: Run }>('POST', `${run(runId)}?operation=approve`),
  rejectRun: (runId: string) => call<{ Run: Run }>('POST', `${run(runId)}?operation=reject`),
  explain: (id: string, user: string) =>
    call<{ Explanation: Explanation }>('GET', `${directory(id)}/explain?user=${encodeURIComponent(user)}`),

  listScimTokens: (id: string) =>
    call<{ ScimTokens: ScimToken[]; ScimBaseUrl: string }>('GET', `${account(id)}/scim-tokens`),
  createScimToken: (id: string, Name: string) =>
    call<{ ScimToken: ScimToken; Token: string; ScimBaseUrl: string }>('POST', `${account(id)}/scim-tokens`, {
      Name,
    }),
  revokeScimToken: (id: string, tokenId: string) =>
    call<{ ScimToken: ScimToken }>('DELETE', `${account(id)}/scim-tokens/${encodeURIComponent(tokenId)}`),
};

/** Whether the account's people are managed by its directory (AD or an identity provider). */
export const isDirectoryAccount = (type: string | undefined) =>
  type === 'EnterpriseDirectory' || type === 'EnterpriseOIDC';

/** Why a directory account's tier and suspension are read-only here, and where to change them. */
export const managedReason = (type: string | undefined) =>
  `Managed through ${type === 'EnterpriseOIDC' ? 'your identity provider' : 'Active Directory'}: change the user's groups there.`;
