import type { MemberChange, PatchOperation, ResourceType, ScimResource } from './contract.js';

/**
 * Reads a PatchOp body (checks `schemas` and `Operations`) into operations, accepting both
 * dialects (capitalised `op`, …). Throws `invalid(…, 'invalidSyntax')` on a malformed body.
 */
export function readPatchBody(body: unknown): PatchOperation[] {
  void body;
  throw new Error('readPatchBody: not implemented yet');
}

/**
 * Applies operations to a resource (without `members` for a group: see `splitGroupPatch`),
 * accepting every shape of reference/directory-sync.md §SCIM. Returns the new resource and
 * whether anything changed (a PATCH that changes nothing succeeds).
 */
export function applyPatch(
  resource: ScimResource,
  operations: PatchOperation[],
  type: ResourceType,
): { resource: ScimResource; changed: boolean } {
  void resource;
  void operations;
  void type;
  throw new Error('applyPatch: not implemented yet');
}

/** A group PATCH split into what it does to `members` and the rest, in the order sent. */
export function splitGroupPatch(operations: PatchOperation[]): {
  memberChanges: MemberChange[];
  otherOperations: PatchOperation[];
} {
  void operations;
  throw new Error('splitGroupPatch: not implemented yet');
}
