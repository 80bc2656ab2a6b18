/**
 * SCIM 2.0 resources as Belfry reads and writes them (RFC 7643/7644, issue 14). The rules of the
 * protocol's data — schemas, filters, PATCH, attribute selection — are pure functions over JSON
 * here; `api/scim` adapts HTTP to them and `domain/scim/provisioning` stores the outcome.
 * Errors are `DomainError`s whose `reason` is the RFC 7644 `scimType`.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ResourceType = 'User' | 'Group';

/** A resource as JSON: core attributes by name, extension attributes under their schema URN. */
export type ScimResource = Record<string, unknown>;

/** One attribute's definition (RFC 7643 §7), as `/Schemas` shows it. */
export interface AttributeSchema {
  name: string;
  type: 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: AttributeSchema[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

export interface ResourceSchema {
  id: string;
  name: string;
  description: string;
  attributes: AttributeSchema[];
}

/**
 * An attribute path: `userName`, `name.givenName`, `emails.value`,
 * `urn:…:enterprise:2.0:User:manager.value`. Names are kept as the schema spells them (resolved
 * case-insensitively); `schema` is the URN the attribute belongs to.
 */
export interface AttributePath {
  schema: string;
  attribute: string;
  subAttribute?: string | undefined;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A parsed filter (RFC 7644 §3.4.2.2). */
export type Filter =
  | { op: 'and' | 'or'; left: Filter; right: Filter }
  | { op: 'not'; filter: Filter }
  | { op: 'pr'; path: AttributePath }
  | { op: CompareOp; path: AttributePath; value: string | number | boolean | null }
  /** `emails[type eq "work"]`, optionally followed by `.value` in a comparison's path */
  | { op: 'valuePath'; path: AttributePath; filter: Filter };

/** One PATCH operation as sent, before any dialect is understood. */
export interface PatchOperation {
  op: string;
  path?: string | undefined;
  value?: unknown;
}

/**
 * What a group PATCH does to `members`, without reading the current list (a group may have
 * 100,000): ids to add, ids to remove, remove all, or replace the list. `removeWhere` is a
 * filter path on members that is not a plain `value eq "…"` (rare; the store evaluates it).
 */
export type MemberChange =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replace'; ids: string[] }
  | { kind: 'removeWhere'; filter: Filter };

/** An indexed lookup the store can answer without reading every resource. */
export interface IndexedLookup {
  attribute: 'id' | 'userName' | 'externalId' | 'emails.value' | 'displayName';
  value: string;
}
