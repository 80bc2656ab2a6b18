import type { OperationSpec, Schema } from './model-types.js';
import type { Account } from './generated/model.js';

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
      OperationName: { target: 'AuditOperationName', location: 'query', locationName: 'operation-name' },
      StartTime: { target: 'Iso8601Timestamp', location: 'query', locationName: 'start-time' },
      EndTime: { target: 'Iso8601Timestamp', location: 'query', locationName: 'end-time' },
      MaxResults: { target: 'ProfileServiceMaxResults', location: 'query', locationName: 'max-results' },
      NextToken: { target: 'String', location: 'query', locationName: 'next-token' },
    },
  },
  AuditOperationName: { kind: 'string', min: 1, max: 64, pattern: '^[A-Za-z]+$' },
  ImportPhoneNumbersRequest: {
    kind: 'structure',
    members: {
      ProductType: { target: 'PhoneNumberProductType', required: true },
      E164PhoneNumbers: { target: 'NonEmptyStringList', required: true },
    },
  },
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

export interface ExtensionIO {
  ListInstallationAuditEvents: {
    input: Omit<ExtensionIO['ListAuditEvents']['input'], 'AccountId' | 'UserId'>;
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
      OperationName?: string;
      StartTime?: string;
      EndTime?: string;
      MaxResults?: number;
      NextToken?: string;
    };
    output: { AuditEvents?: AuditEvent[]; NextToken?: string };
  };
}
