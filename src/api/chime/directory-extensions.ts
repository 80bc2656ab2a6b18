import type { OperationSpec, Schema } from './model-types.js';

/**
 * The directory extension operations (DESIGN §5; README "Active Directory" and "Sign-in through
 * your identity provider"): one
 * account's connection, its group-to-tier mapping, its sync runs and "explain". They live under
 * `/accounts/{AccountId}/directory` and `/directory-runs`, paths no Chime operation uses.
 * Changes need FullAccess and reads any policy, as the directory domain decides.
 */
export const directoryOperations = {
  ConnectDirectory: {
    name: 'ConnectDirectory',
    method: 'PUT',
    uri: '/accounts/{AccountId}/directory',
    code: 200,
    input: 'ConnectDirectoryRequest',
    output: 'DirectoryResponse',
    errors: [],
  },
  GetDirectory: {
    name: 'GetDirectory',
    method: 'GET',
    uri: '/accounts/{AccountId}/directory',
    code: 200,
    input: 'DirectoryAccountRequest',
    output: 'DirectoryResponse',
    errors: [],
  },
  // 200 with the account's type after it: an IdP account that still has SCIM tokens stays EnterpriseOIDC.
  DisconnectDirectory: {
    name: 'DisconnectDirectory',
    method: 'DELETE',
    uri: '/accounts/{AccountId}/directory',
    code: 200,
    input: 'DirectoryAccountRequest',
    output: 'DisconnectDirectoryResponse',
    errors: [],
  },
  // A POST with a literal, like VerifyAccountDomain: it reads the directory, changes nothing.
  TestDirectory: {
    name: 'TestDirectory',
    method: 'POST',
    uri: '/accounts/{AccountId}/directory?operation=test',
    code: 200,
    input: 'DirectoryAccountRequest',
    output: 'TestDirectoryResponse',
    errors: [],
  },
  PutDirectoryGroupTiers: {
    name: 'PutDirectoryGroupTiers',
    method: 'PUT',
    uri: '/accounts/{AccountId}/directory/groups',
    code: 200,
    input: 'PutDirectoryGroupTiersRequest',
    output: 'PutDirectoryGroupTiersResponse',
    errors: [],
  },
  StartDirectorySync: {
    name: 'StartDirectorySync',
    method: 'POST',
    uri: '/accounts/{AccountId}/directory/runs',
    code: 201,
    input: 'StartDirectorySyncRequest',
    output: 'DirectoryRunResponse',
    errors: [],
  },
  ListDirectoryRuns: {
    name: 'ListDirectoryRuns',
    method: 'GET',
    uri: '/accounts/{AccountId}/directory/runs',
    code: 200,
    input: 'ListDirectoryRunsRequest',
    output: 'ListDirectoryRunsResponse',
    errors: [],
  },
  GetDirectoryRun: {
    name: 'GetDirectoryRun',
    method: 'GET',
    uri: '/directory-runs/{RunId}',
    code: 200,
    input: 'DirectoryRunRequest',
    output: 'DirectoryRunResponse',
    errors: [],
  },
  ApproveDirectoryRun: {
    name: 'ApproveDirectoryRun',
    method: 'POST',
    uri: '/directory-runs/{RunId}?operation=approve',
    code: 200,
    input: 'DirectoryRunRequest',
    output: 'DirectoryRunResponse',
    errors: [],
  },
  RejectDirectoryRun: {
    name: 'RejectDirectoryRun',
    method: 'POST',
    uri: '/directory-runs/{RunId}?operation=reject',
    code: 200,
    input: 'DirectoryRunRequest',
    output: 'DirectoryRunResponse',
    errors: [],
  },
  ExplainDirectoryUser: {
    name: 'ExplainDirectoryUser',
    method: 'GET',
    uri: '/accounts/{AccountId}/directory/explain',
    code: 200,
    input: 'ExplainDirectoryUserRequest',
    output: 'ExplainDirectoryUserResponse',
    errors: [],
  },
} as const satisfies Record<string, OperationSpec>;

/** Most mapped groups an account may have: the same as its sign-in delegate groups. */
const GROUPS_MAX = 100;

const accountLabel = { target: 'NonEmptyString', required: true, location: 'label' } as const;

export const directorySchemas: Readonly<Record<string, Schema>> = {
  ConnectDirectoryRequest: {
    kind: 'structure',
    members: {
      AccountId: accountLabel,
      Type: { target: 'DirectoryType', required: true },
      // ActiveDirectory: Urls, BindDn, BindPassword and BaseDn are required (the handler says which is missing)
      Urls: { target: 'DirectoryUrlList' },
      BindDn: { target: 'DirectoryDn' },
      BindPassword: { target: 'DirectoryBindPassword' },
      BaseDn: { target: 'DirectoryDn' },
      UserFilter: { target: 'DirectoryUserFilter' },
      CaPem: { target: 'DirectoryCaPem' },
      StartTls: { target: 'Boolean' },
      // oidc: Issuer, ClientId and ClientSecret are required
      Issuer: { target: 'DirectoryIssuer' },
      ClientId: { target: 'DirectoryClientId' },
      ClientSecret: { target: 'DirectoryClientSecret' },
      GroupsClaim: { target: 'DirectoryGroupsClaim' },
    },
  },
  DirectoryAccountRequest: { kind: 'structure', members: { AccountId: accountLabel } },
  PutDirectoryGroupTiersRequest: {
    kind: 'structure',
    members: {
      AccountId: accountLabel,
      Groups: { target: 'DirectoryGroupTierList', required: true },
      DryRun: { target: 'Boolean' },
    },
  },
  StartDirectorySyncRequest: {
    kind: 'structure',
    members: { AccountId: accountLabel, Full: { target: 'Boolean' }, DryRun: { target: 'Boolean' } },
  },
  ListDirectoryRunsRequest: {
    kind: 'structure',
    members: {
      AccountId: accountLabel,
      MaxResults: { target: 'ProfileServiceMaxResults', location: 'query', locationName: 'max-results' },
      NextToken: { target: 'String', location: 'query', locationName: 'next-token' },
    },
  },
  DirectoryRunRequest: {
    kind: 'structure',
    members: { RunId: { target: 'NonEmptyString', required: true, location: 'label' } },
  },
  ExplainDirectoryUserRequest: {
    kind: 'structure',
    members: {
      AccountId: accountLabel,
      User: { target: 'DirectoryUserRef', required: true, location: 'query', locationName: 'user' },
    },
  },
  DirectoryType: { kind: 'enum', values: ['ActiveDirectory', 'OpenIdConnect'] },
  DirectoryIssuer: { kind: 'string', min: 1, max: 2048, pattern: '^https?://\\S+$' },
  DirectoryClientId: { kind: 'string', min: 1, max: 1024, pattern: '\\S' },
  // Sensitive and write-only, as the bind password.
  DirectoryClientSecret: { kind: 'string', min: 1, max: 4096, sensitive: true },
  DirectoryGroupsClaim: { kind: 'string', min: 1, max: 256, pattern: '^\\S+$' },
  // Failover in order; a handful is plenty (every DC of a site), a hundred would be a mistake.
  DirectoryUrlList: { kind: 'list', member: 'DirectoryUrl', min: 1, max: 10 },
  DirectoryUrl: { kind: 'string', min: 1, max: 2048, pattern: '^ldaps?://[^\\s/?#]+/?$' },
  DirectoryDn: { kind: 'string', min: 1, max: 1024, pattern: '\\S' },
  // Sensitive: a validation message never repeats it (nor does anything else).
  DirectoryBindPassword: { kind: 'string', min: 1, max: 1024, sensitive: true },
  DirectoryUserFilter: { kind: 'string', min: 1, max: 4096, pattern: '^\\s*\\(.*\\)\\s*$' },
  DirectoryCaPem: { kind: 'string', min: 1, max: 65536, pattern: '-----BEGIN CERTIFICATE-----' },
  DirectoryGroupTierList: { kind: 'list', member: 'DirectoryGroupTier', max: GROUPS_MAX },
  DirectoryGroupTier: {
    kind: 'structure',
    members: {
      GroupName: { target: 'DirectoryGroupName', required: true },
      Tier: { target: 'DirectoryTier' },
    },
  },
  DirectoryGroupName: { kind: 'string', min: 1, max: 256, pattern: '\\S' },
  DirectoryTier: { kind: 'enum', values: ['Pro', 'Basic'] },
  DirectoryUserRef: { kind: 'string', min: 1, max: 320, pattern: '\\S' },
};

export type DirectoryRunStatus =
  'Queued' | 'Running' | 'Applied' | 'Dry' | 'Held' | 'Failed' | 'Approved' | 'Rejected';

/** A mapped group; no `Tier`: the account's DefaultLicense. */
export interface DirectoryGroupTier {
  GroupName: string;
  Tier?: 'Pro' | 'Basic';
}

export interface DirectoryRunCounts {
  Created: number;
  TierChanged: number;
  Suspended: number;
  Restored: number;
  Updated: number;
  Skipped: number;
  Unchanged: number;
}

export interface DirectoryRun {
  RunId: string;
  AccountId: string;
  Kind: 'Full' | 'Incremental';
  KindReason?: string;
  Trigger: 'Schedule' | 'Demand' | 'Mapping';
  DryRun: boolean;
  Status: DirectoryRunStatus;
  Reason?: string;
  Counts: DirectoryRunCounts;
  CreatedTimestamp: string;
  StartedTimestamp?: string;
  FinishedTimestamp?: string;
  DecidedBy?: string;
  DecidedTimestamp?: string;
  /** GetDirectoryRun only: the itemised report */
  Items?: DirectoryRunItem[];
}

export interface DirectoryRunItem {
  Action: 'Create' | 'Tier' | 'Suspend' | 'Restore' | 'Update' | 'Skip';
  ObjectGuid: string;
  UserId?: string;
  PrimaryEmail?: string;
  From?: string;
  To?: string;
  Reason: string;
}

/** A connection as administrators see it; the bind password is write-only and never answered. */
export interface DirectoryConnection {
  AccountId: string;
  Type: 'ActiveDirectory';
  Urls: string[];
  BindDn: string;
  BaseDn: string;
  UserFilter: string;
  StartTls: boolean;
  CaSubject?: string;
  Groups: DirectoryGroupTier[];
  ConnectedTimestamp: string;
  UpdatedTimestamp: string;
  NextIncrementalTimestamp?: string;
  NextFullTimestamp?: string;
  LastRun?: DirectoryRun;
  HeldRunId?: string;
}

/** An IdP connection; the client secret is write-only and never answered. */
export interface DirectoryIdpConnection {
  AccountId: string;
  Type: 'OpenIdConnect';
  Issuer: string;
  ClientId: string;
  GroupsClaim?: string;
  /** register it at the IdP */
  RedirectUri: string;
  Groups: DirectoryGroupTier[];
  LiveScimTokens: number;
  ConnectedTimestamp: string;
  UpdatedTimestamp: string;
}

export interface DirectoryIdpTest {
  Type: 'OpenIdConnect';
  Ok: boolean;
  Issuer: string;
  Discovered: boolean;
  ScopesSupported?: string[];
  RedirectUri: string;
  Groups: DirectoryGroupTier[];
  Problems: string[];
}

export interface DirectoryTest {
  Ok: boolean;
  ReachedUrl?: string;
  Unreachable: { Url: string; Reason: string }[];
  Bound: boolean;
  UsersFound?: number;
  Groups: { GroupName: string; Tier?: string; Found: boolean; Members?: number }[];
  Problems: string[];
}

export interface DirectoryTierPreview {
  TierChanges: number;
  LoseSignIn: number;
  GainSignIn: number;
  Examples: { UserId?: string; PrimaryEmail?: string; From?: string; To?: string }[];
}

export interface DirectoryExplanation {
  AccountId: string;
  UserId?: string;
  PrimaryEmail?: string;
  InDirectory: boolean;
  Disabled: boolean;
  Tier?: string;
  CanSignIn: boolean;
  Chains: { Path: string[]; GroupName: string; Tier: string }[];
  Groups: DirectoryGroupTier[];
  LastChange?: { RunId: string; Action: DirectoryRunItem['Action']; Timestamp: string; Reason: string };
  Summary: string;
}

type AccountInput = { AccountId: string };
type RunOutput = { Run?: DirectoryRun };

export interface DirectoryIO {
  ConnectDirectory: {
    input: AccountInput & {
      Type: 'ActiveDirectory' | 'OpenIdConnect';
      Urls?: string[];
      BindDn?: string;
      BindPassword?: string;
      BaseDn?: string;
      UserFilter?: string;
      CaPem?: string;
      StartTls?: boolean;
      Issuer?: string;
      ClientId?: string;
      ClientSecret?: string;
      GroupsClaim?: string;
    };
    output: { Directory?: DirectoryConnection | DirectoryIdpConnection };
  };
  GetDirectory: { input: AccountInput; output: { Directory?: DirectoryConnection | DirectoryIdpConnection } };
  DisconnectDirectory: {
    input: AccountInput;
    output: { AccountId?: string; AccountType?: string; Reason?: string };
  };
  TestDirectory: { input: AccountInput; output: { DirectoryTest?: DirectoryTest | DirectoryIdpTest } };
  PutDirectoryGroupTiers: {
    input: AccountInput & { Groups: DirectoryGroupTier[]; DryRun?: boolean };
    output: { Preview?: DirectoryTierPreview; Saved?: boolean; RunId?: string };
  };
  StartDirectorySync: { input: AccountInput & { Full?: boolean; DryRun?: boolean }; output: RunOutput };
  ListDirectoryRuns: {
    input: AccountInput & { MaxResults?: number; NextToken?: string };
    output: { Runs?: DirectoryRun[]; NextToken?: string };
  };
  GetDirectoryRun: { input: { RunId: string }; output: RunOutput };
  ApproveDirectoryRun: { input: { RunId: string }; output: RunOutput };
  RejectDirectoryRun: { input: { RunId: string }; output: RunOutput };
  ExplainDirectoryUser: {
    input: AccountInput & { User: string };
    output: { Explanation?: DirectoryExplanation };
  };
}
