import type { OperationSpec, Schema } from './model-types.js';

/**
 * SCIM tokens (issue 14; README "Okta", "Entra"): the bearer tokens an identity provider
 * provisions an account with. Under `/accounts/{AccountId}/scim-tokens`, a path no Chime
 * operation uses. Minting and revoking need FullAccess; listing any policy.
 */
export const scimOperations = {
  CreateScimToken: {
    name: 'CreateScimToken',
    method: 'POST',
    uri: '/accounts/{AccountId}/scim-tokens',
    code: 201,
    input: 'CreateScimTokenRequest',
    output: 'CreateScimTokenResponse',
    errors: [],
  },
  ListScimTokens: {
    name: 'ListScimTokens',
    method: 'GET',
    uri: '/accounts/{AccountId}/scim-tokens',
    code: 200,
    input: 'ListScimTokensRequest',
    output: 'ListScimTokensResponse',
    errors: [],
  },
  RevokeScimToken: {
    name: 'RevokeScimToken',
    method: 'DELETE',
    uri: '/accounts/{AccountId}/scim-tokens/{TokenId}',
    code: 200,
    input: 'RevokeScimTokenRequest',
    output: 'RevokeScimTokenResponse',
    errors: [],
  },
} as const satisfies Record<string, OperationSpec>;

const accountLabel = { target: 'NonEmptyString', required: true, location: 'label' } as const;

export const scimSchemas: Readonly<Record<string, Schema>> = {
  CreateScimTokenRequest: {
    kind: 'structure',
    members: { AccountId: accountLabel, Name: { target: 'ScimTokenName' } },
  },
  ListScimTokensRequest: { kind: 'structure', members: { AccountId: accountLabel } },
  RevokeScimTokenRequest: {
    kind: 'structure',
    members: {
      AccountId: accountLabel,
      TokenId: { target: 'NonEmptyString', required: true, location: 'label' },
    },
  },
  ScimTokenName: { kind: 'string', min: 1, max: 100, pattern: '\\S' },
};

/** A token as administrators see it; `Token` only in CreateScimToken's answer, never again. */
export interface ScimToken {
  TokenId: string;
  AccountId: string;
  Name: string;
  CreatedBy: string;
  CreatedTimestamp: string;
  LastUsedTimestamp?: string;
  RevokedTimestamp?: string;
}

export interface ScimIO {
  CreateScimToken: {
    input: { AccountId: string; Name?: string };
    output: { ScimToken?: ScimToken; Token?: string; ScimBaseUrl?: string };
  };
  ListScimTokens: {
    input: { AccountId: string };
    output: { ScimTokens?: ScimToken[]; ScimBaseUrl?: string };
  };
  RevokeScimToken: { input: { AccountId: string; TokenId: string }; output: { ScimToken?: ScimToken } };
}
