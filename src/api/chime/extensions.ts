import type { OperationSpec, Schema } from './model-types.js';
import type { Account } from './generated/model.js';
import { directoryOperations, directorySchemas, type DirectoryIO } from './directory-extensions.js';
import { userOperations, userSchemas, type UserIO } from './user-extensions.js';
import { scimOperations, scimSchemas, type ScimIO } from './scim-extensions.js';
import { usageOperations, usageSchemas, type UsageIO } from './usage-extensions.js';

/**
 * Belfry's own operations, in the Chime style (same signing, errors and audit) on paths and
 * query literals that no Chime operation uses, so stock SDKs never collide with them.
 */
export const extensionOperations = {
  RestoreAccount: {
    name: 'RestoreAccount',
    method: 'POST',
    uri: '/accounts/{AccountId}?operation=restore',
    code: 200,
    input: 'RestoreAccountRequest',
    output: 'RestoreAccountResponse',
    errors: [],
  },
  ListDisabledAccounts: {
    name: 'ListDisabledAccounts',
    method: 'GET',
    uri: '/disabled-accounts',
    code: 200,
    input: 'ListDisabledAccountsRequest',
    output: 'ListDisabledAccountsResponse',
    errors: [],
  },
  ListAuditEvents: {
    name: 'ListAuditEvents',
    method: 'GET',
    uri: '/accounts/{AccountId}/audit-events',
    code: 200,
    input: 'ListAuditEventsRequest',
    output: 'ListAuditEventsResponse',
    errors: [],
  },
  ListInstallationAuditEvents: {
    name: 'ListInstallationAuditEvents',
    method: 'GET',
    uri: '/audit-events',
    code: 200,
    input: 'ListInstallationAuditEventsRequest',
    output: 'ListAuditEventsResponse',
    errors: [],
  },
  ImportPhoneNumbers: {
    name: 'ImportPhoneNumbers',
    method: 'POST',
    uri: '/phone-numbers?operation=import',
    code: 201,
    input: 'ImportPhoneNumbersRequest',
    output: 'ImportPhoneNumbersResponse',
    errors: [],
  },
  // Apps that sign people in through Belfry's OpenID provider (operator only; see README).
  CreateAppClient: {
    name: 'CreateAppClient',
    method: 'POST',
    uri: '/app-clients',
    code: 201,
    input: 'CreateAppClientRequest',
    output: 'CreateAppClientResponse',
    errors: [],
  },
  ListAppClients: {
    name: 'ListAppClients',
    method: 'GET',
    uri: '/app-clients',
    code: 200,
    input: 'ListAppClientsRequest',
    output: 'ListAppClientsResponse',
    errors: [],
  },
  DeleteAppClient: {
    name: 'DeleteAppClient',
    method: 'DELETE',
    uri: '/app-clients/{ClientId}',
    code: 204,
    input: 'DeleteAppClientRequest',
    output: 'Unit',
    errors: [],
  },
  // Where an app receives entitlement changes (operator only; see README).
  PutAppWebhook: {
    name: 'PutAppWebhook',
    method: 'PUT',
    uri: '/app-clients/{ClientId}/webhook',
    code: 200,
    input: 'PutAppWebhookRequest',
    output: 'PutAppWebhookResponse',
    errors: [],
  },
  GetAppWebhook: {
    name: 'GetAppWebhook',
    method: 'GET',
    uri: '/app-clients/{ClientId}/webhook',
    code: 200,
    input: 'AppWebhookRequest',
    output: 'GetAppWebhookResponse',
    errors: [],
  },
  DeleteAppWebhook: {
    name: 'DeleteAppWebhook',
    method: 'DELETE',
    uri: '/app-clients/{ClientId}/webhook',
    code: 204,
    input: 'AppWebhookRequest',
    output: 'Unit',
    errors: [],
  },
  // Claimed email domains (DESIGN §4; see README "Claimed domains").
  CreateAccountDomain: {
    name: 'CreateAccountDomain',
    method: 'POST',
    uri: '/accounts/{AccountId}/domains',
    code: 201,
    input: 'CreateAccountDomainRequest',
    output: 'AccountDomainResponse',
    errors: [],
  },
  ListAccountDomains: {
    name: 'ListAccountDomains',
    method: 'GET',
    uri: '/accounts/{AccountId}/domains',
    code: 200,
    input: 'ListAccountDomainsRequest',
    output: 'ListAccountDomainsResponse',
    errors: [],
  },
  GetAccountDomain: {
    name: 'GetAccountDomain',
    method: 'GET',
    uri: '/accounts/{AccountId}/domains/{DomainName}',
    code: 200,
    input: 'AccountDomainRequest',
    output: 'AccountDomainResponse',
    errors: [],
  },
  VerifyAccountDomain: {
    name: 'VerifyAccountDomain',
    method: 'POST',
    uri: '/accounts/{AccountId}/domains/{DomainName}?operation=verify',
    code: 200,
    input: 'VerifyAccountDomainRequest',
    output: 'AccountDomainResponse',
    errors: [],
  },
  PreviewDomainRelease: {
    name: 'PreviewDomainRelease',
    method: 'GET',
    uri: '/accounts/{AccountId}/domains/{DomainName}/release-preview',
    code: 200,
    input: 'AccountDomainRequest',
    output: 'DomainReleaseResponse',
    errors: [],
  },
  ReleaseAccountDomain: {
    name: 'ReleaseAccountDomain',
    method: 'POST',
    uri: '/accounts/{AccountId}/domains/{DomainName}?operation=release',
    code: 200,
    input: 'AccountDomainRequest',
    output: 'DomainReleaseResponse',
    errors: [],
  },
  // Active Directory (DESIGN §5; see README "Active Directory").
  ...directoryOperations,
  // Filters on ListUsers and the account's member counts (the console's account overview).
  ...userOperations,
  // SCIM tokens for Okta and Entra (README "Okta", "Entra").
  ...scimOperations,
  // Usage reports and billing time zones (README "Usage and billing").
  ...usageOperations,
} as const satisfies Record<string, OperationSpec>;

export const extensionSchemas: Readonly<Record<string, Schema>> = {
  RestoreAccountRequest: {
    kind: 'structure',
    members: { AccountId: { target: 'NonEmptyString', required: true, location: 'label' } },
  },
  ListDisabledAccountsRequest: {
    kind: 'structure',
    members: {
      MaxResults: { target: 'ProfileServiceMaxResults', location: 'query', locationName: 'max-results' },
      NextToken: { target: 'String', location: 'query', locationName: 'next-token' },
    },
  },
  ListAuditEventsRequest: {
    kind: 'structure',
    members: {
      AccountId: { target: 'NonEmptyString', required: true, location: 'label' },
      UserId: { target: 'NonEmptyString', location: 'query', locationName: 'user-id' },
      Principal: { target: 'AuditPrincipal', location: 'query', locationName: 'principal' },
      OperationName: { target: 'AuditOperationName', location: 'query', locationName: 'operation-name' },
      StartTime: { target: 'Iso8601Timestamp', location: 'query', locationName: 'start-time' },
      EndTime: { target: 'Iso8601Timestamp', location: 'query', locationName: 'end-time' },
      MaxResults: { target: 'ProfileServiceMaxResults', location: 'query', locationName: 'max-results' },
      NextToken: { target: 'String', location: 'query', locationName: 'next-token' },
    },
  },
  ListInstallationAuditEventsRequest: {
    kind: 'structure',
    members: {
      // Installation (the default): events of no account; All: every account's too, for the
      // installation-wide audit log of administrators not limited to an account.
      Scope: { target: 'AuditScope', location: 'query', locationName: 'scope' },
      UserId: { target: 'NonEmptyString', location: 'query', locationName: 'user-id' },
      Principal: { target: 'AuditPrincipal', location: 'query', locationName: 'principal' },
      OperationName: { target: 'AuditOperationName', location: 'query', locationName: 'operation-name' },
      StartTime: { target: 'Iso8601Timestamp', location: 'query', locationName: 'start-time' },
      EndTime: { target: 'Iso8601Timestamp', location: 'query', locationName: 'end-time' },
      MaxResults: { target: 'ProfileServiceMaxResults', location: 'query', locationName: 'max-results' },
      NextToken: { target: 'String', location: 'query', locationName: 'next-token' },
    },
  },
  AuditScope: { kind: 'enum', values: ['Installation', 'All'] },
  AuditOperationName: { kind: 'string', min: 1, max: 64, pattern: '^[A-Za-z]+$' },
  // who acted, as events name them: `console/<email>`, an access key's name, `directory-sync`…
  AuditPrincipal: { kind: 'string', min: 1, max: 400, pattern: '\\S' },
  ImportPhoneNumbersRequest: {
    kind: 'structure',
    members: {
      ProductType: { target: 'PhoneNumberProductType', required: true },
      E164PhoneNumbers: { target: 'NonEmptyStringList', required: true },
    },
  },
  CreateAppClientRequest: {
    kind: 'structure',
    members: {
      Name: { target: 'AppClientName', required: true },
      RedirectUris: { target: 'AppClientUriList', required: true },
      PostLogoutRedirectUris: { target: 'AppClientUriList' },
      TokenEndpointAuthMethod: { target: 'AppClientAuthMethod' },
      IdTokenSigningAlg: { target: 'AppClientIdTokenSigningAlg' },
    },
  },
  ListAppClientsRequest: { kind: 'structure', members: {} },
  DeleteAppClientRequest: {
    kind: 'structure',
    members: { ClientId: { target: 'NonEmptyString', required: true, location: 'label' } },
  },
  AppClientName: { kind: 'string', min: 1, max: 100 },
  AppClientUriList: { kind: 'list', member: 'AppClientUri', max: 10 },
  AppClientUri: { kind: 'string', min: 1, max: 2000 },
  AppClientAuthMethod: { kind: 'enum', values: ['client_secret_basic', 'client_secret_post'] },
  AppClientIdTokenSigningAlg: { kind: 'enum', values: ['ES256', 'RS256'] },
  PutAppWebhookRequest: {
    kind: 'structure',
    members: {
      ClientId: { target: 'NonEmptyString', required: true, location: 'label' },
      Url: { target: 'AppWebhookUrl', required: true },
    },
  },
  AppWebhookRequest: {
    kind: 'structure',
    members: { ClientId: { target: 'NonEmptyString', required: true, location: 'label' } },
  },
  AppWebhookUrl: { kind: 'string', min: 1, max: 2048 },
  CreateAccountDomainRequest: {
    kind: 'structure',
    members: {
      AccountId: { target: 'NonEmptyString', required: true, location: 'label' },
      DomainName: { target: 'AccountDomainName', required: true },
    },
  },
  ListAccountDomainsRequest: {
    kind: 'structure',
    members: { AccountId: { target: 'NonEmptyString', required: true, location: 'label' } },
  },
  AccountDomainRequest: {
    kind: 'structure',
    members: {
      AccountId: { target: 'NonEmptyString', required: true, location: 'label' },
      DomainName: { target: 'AccountDomainName', required: true, location: 'label' },
    },
  },
  // Without a body, a DNS lookup; with OperatorOverride, the operator's verification by hand.
  VerifyAccountDomainRequest: {
    kind: 'structure',
    members: {
      AccountId: { target: 'NonEmptyString', required: true, location: 'label' },
      DomainName: { target: 'AccountDomainName', required: true, location: 'label' },
      OperatorOverride: { target: 'Boolean' },
      OverrideReason: { target: 'DomainOverrideReason' },
    },
  },
  DomainOverrideReason: { kind: 'string', min: 1, max: 500 },
  // The domain rules (labels, IDNA, public mailbox providers) are the domain's; this is the wire limit.
  AccountDomainName: { kind: 'string', min: 1, max: 260 },
  ...directorySchemas,
  ...userSchemas,
  ...scimSchemas,
  ...usageSchemas,
};

export interface DisabledAccount extends Account {
  DeletedTimestamp?: string;
  PurgeTimestamp?: string;
}

export interface AuditEvent {
  EventId: string;
  EventTime: string;
  AccountId?: string;
  Operation: string;
  Outcome: 'Success' | 'Failure';
  ErrorCode?: string;
  Principal: string;
  PrincipalId?: string;
  TargetType?: string;
  TargetId?: string;
  UserId?: string;
  RequestId: string;
  SourceIpAddress?: string;
  Details?: Record<string, unknown>;
}

/** A registered app; `ClientSecret` only in CreateAppClient's answer, never again. */
export interface AppClient {
  ClientId: string;
  ClientSecret?: string;
  Name: string;
  RedirectUris: string[];
  PostLogoutRedirectUris: string[];
  TokenEndpointAuthMethod: string;
  IdTokenSigningAlg: string;
  CreatedTimestamp: string;
}

/** An app's webhook; `SigningSecret` only in PutAppWebhook's answer, never again. */
export interface AppWebhook {
  ClientId: string;
  Url: string;
  SigningSecret?: string;
  CreatedTimestamp: string;
  UpdatedTimestamp: string;
}

/** A claimed domain; publish `TxtRecordValue` as a TXT record at `TxtRecordName`. */
export interface AccountDomain {
  DomainName: string;
  Status: 'PendingVerification' | 'Verified' | 'RecordMissing' | 'Failed';
  TxtRecordName: string;
  TxtRecordValue: string;
  VerificationDeadline: string;
  VerifiedTimestamp?: string;
  RecordMissingSince?: string;
  LastCheckedTimestamp?: string;
  LastCheckResult?: string;
  NextCheckTimestamp?: string;
  /** once verified: by the TXT record, or by the operator's override (with its reason) */
  VerifiedBy?: 'DnsRecord' | 'OperatorOverride';
  OverrideReason?: string;
  CreatedTimestamp: string;
}

/** One member a release changes, and how (see README "Claimed domains"). */
export interface DomainReleaseEffect {
  UserId: string;
  PrimaryEmail: string;
  RegistrationStatus: string;
  Outcome: 'Released' | 'StaysSuspended' | 'Removed';
}

type AccountDomainInput = { AccountId: string; DomainName: string };
type DomainRelease = { Domain?: AccountDomain; AffectedUsers?: DomainReleaseEffect[] };

export interface ExtensionIO extends DirectoryIO, UserIO, ScimIO, UsageIO {
  CreateAccountDomain: { input: AccountDomainInput; output: { Domain?: AccountDomain } };
  ListAccountDomains: { input: { AccountId: string }; output: { Domains?: AccountDomain[] } };
  GetAccountDomain: { input: AccountDomainInput; output: { Domain?: AccountDomain } };
  VerifyAccountDomain: {
    input: AccountDomainInput & { OperatorOverride?: boolean; OverrideReason?: string };
    output: { Domain?: AccountDomain };
  };
  PreviewDomainRelease: { input: AccountDomainInput; output: DomainRelease };
  ReleaseAccountDomain: { input: AccountDomainInput; output: DomainRelease };
  PutAppWebhook: { input: { ClientId: string; Url: string }; output: { Webhook?: AppWebhook } };
  GetAppWebhook: { input: { ClientId: string }; output: { Webhook?: AppWebhook } };
  DeleteAppWebhook: { input: { ClientId: string }; output: Record<string, never> };
  CreateAppClient: {
    input: {
      Name: string;
      RedirectUris: string[];
      PostLogoutRedirectUris?: string[];
      TokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
      IdTokenSigningAlg?: 'ES256' | 'RS256';
    };
    output: { AppClient?: AppClient };
  };
  ListAppClients: { input: Record<string, never>; output: { AppClients?: AppClient[] } };
  DeleteAppClient: { input: { ClientId: string }; output: Record<string, never> };
  ListInstallationAuditEvents: {
    input: Omit<ExtensionIO['ListAuditEvents']['input'], 'AccountId'> & { Scope?: 'Installation' | 'All' };
    output: ExtensionIO['ListAuditEvents']['output'];
  };
  ImportPhoneNumbers: {
    input: {
      ProductType: 'BusinessCalling' | 'VoiceConnector' | 'SipMediaApplicationDialIn';
      E164PhoneNumbers: string[];
    };
    output: { ImportedPhoneNumbers?: string[]; AlreadyOwnedPhoneNumbers?: string[] };
  };
  RestoreAccount: { input: { AccountId: string }; output: { Account?: DisabledAccount } };
  ListDisabledAccounts: {
    input: { MaxResults?: number; NextToken?: string };
    output: { Accounts?: DisabledAccount[]; NextToken?: string };
  };
  ListAuditEvents: {
    input: {
      AccountId: string;
      UserId?: string;
      Principal?: string;
      OperationName?: string;
      StartTime?: string;
      EndTime?: string;
      MaxResults?: number;
      NextToken?: string;
    };
    output: { AuditEvents?: AuditEvent[]; NextToken?: string };
  };
}
