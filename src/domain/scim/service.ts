import type { ScimDeps } from './deps.js';
import { createScimGroups } from './groups.js';
import { createScimTokens } from './tokens.js';
import { createScimUsers } from './users.js';

/** The SCIM area (issue 14): tokens for administrators, Users and Groups for the IdP. */
export function createScimService(deps: ScimDeps) {
  return {
    /** where an IdP is told to send its requests */
    baseUrl: deps.scimBaseUrl,
    tokens: createScimTokens(deps),
    users: createScimUsers(deps),
    groups: createScimGroups(deps),
  };
}

export type ScimService = ReturnType<typeof createScimService>;
