import type { OperationSpec, Schema } from './model-types.js';
import { schemas as modelSchemas } from './generated/model.js';

/**
 * Belfry's additions around Chime's users (README "The console"): ListUsers' filters by
 * registration status and tier, and the account's member counts. The filters are query
 * parameters no Chime client sends, so Chime's own fields keep their meaning and a stock SDK's
 * requests are answered exactly as before.
 */
export const userOperations = {
  GetAccountUserCounts: {
    name: 'GetAccountUserCounts',
    method: 'GET',
    uri: '/accounts/{AccountId}/user-counts',
    code: 200,
    input: 'GetAccountUserCountsRequest',
    output: 'GetAccountUserCountsResponse',
    errors: [],
  },
} as const satisfies Record<string, OperationSpec>;

const chimeListUsers = modelSchemas.ListUsersRequest;
if (chimeListUsers?.kind !== 'structure') throw new Error('the model has no ListUsersRequest structure');

export const userSchemas: Readonly<Record<string, Schema>> = {
  // Shadows the model's shape of the same name (binding merges extension shapes over the model's).
  ListUsersRequest: {
    kind: 'structure',
    members: {
      ...chimeListUsers.members,
      UserRegistrationStatus: {
        target: 'RegistrationStatus',
        location: 'query',
        locationName: 'user-registration-status',
      },
      LicenseType: { target: 'License', location: 'query', locationName: 'license-type' },
    },
  },
  GetAccountUserCountsRequest: {
    kind: 'structure',
    members: { AccountId: { target: 'NonEmptyString', required: true, location: 'label' } },
  },
};

/** How many members have one registration status and one tier; groups without members are left out. */
export interface UserCount {
  UserRegistrationStatus: 'Unregistered' | 'Registered' | 'Suspended';
  LicenseType: 'Basic' | 'Plus' | 'Pro' | 'ProTrial';
  Count: number;
}

export interface UserIO {
  ListUsers: {
    input: {
      UserRegistrationStatus?: UserCount['UserRegistrationStatus'];
      LicenseType?: UserCount['LicenseType'];
    };
    // Chime's output, unchanged (the intersection with the model's adds nothing)
    output: unknown;
  };
  GetAccountUserCounts: { input: { AccountId: string }; output: { UserCounts?: UserCount[] } };
}
