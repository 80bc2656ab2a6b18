import { isDeepStrictEqual } from 'node:util';
import { invalid } from '../errors.js';
import { PATCH_OP_SCHEMA, type PatchOperation, type ResourceType, type ScimResource } from './contract.js';
import {
  assign,
  changeOf,
  currentValue,
  entriesOf,
  finishResource,
  type Change,
  type Entry,
} from './assign.js';
import { parsePatchPath } from './filter-syntax.js';
import { describePath, isObject, resolveName, valueOf } from './paths.js';
import { readAttributeValue } from './values.js';

export { splitGroupPatch } from './patch-members.js';

/** More than any IdP sends in one PATCH (Entra batches members by the hundred). */
export const MAX_PATCH_OPERATIONS = 1000;

/**
 * Reads a PatchOp body (checks `schemas` and `Operations`) into operations, accepting both
 * dialects (capitalised `op`, …). Throws `invalid(…, 'invalidSyntax')` on a malformed body.
 * The URN is compared without case and `operations` is read like `Operations`; `op` stays as
 * sent (`applyPatch` reads it without case).
 */
export function readPatchBody(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw invalid('A PATCH body must be a JSON object.', 'invalidSyntax');
  const schemas = valueOf(body, 'schemas');
  const isPatchOp = (urn: unknown) =>
    typeof urn === 'string' && urn.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some(isPatchOp))
    throw invalid(`A PATCH body's schemas must include ${PATCH_OP_SCHEMA}.`, 'invalidSyntax');
  const operations = valueOf(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0)
    throw invalid('A PATCH body needs a non-empty Operations list.', 'invalidSyntax');
  if (operations.length > MAX_PATCH_OPERATIONS)
    throw invalid(`A PATCH body may hold at most ${MAX_PATCH_OPERATIONS} operations.`, 'invalidSyntax');
  return operations.map((operation: unknown, index) => {
    const where = `Operation ${index + 1}`;
    if (!isObject(operation)) throw invalid(`${where} must be a JSON object.`, 'invalidSyntax');
    const op = valueOf(operation, 'op');
    const path = valueOf(operation, 'path');
    if (typeof op !== 'string')
      throw invalid(`${where} needs an op (add, replace or remove).`, 'invalidSyntax');
    if (path !== undefined && path !== null && typeof path !== 'string')
      throw invalid(`${where}'s path must be a string.`, 'invalidSyntax');
    const read: PatchOperation = { op };
    if (typeof path === 'string') read.path = path;
    if (Object.hasOwn(operation, 'value') || valueOf(operation, 'value') !== undefined)
      read.value = valueOf(operation, 'value');
    return read;
  });
}

/**
 * Applies operations to a resource (without `members` for a group: see `splitGroupPatch`),
 * accepting every shape of reference/directory-sync.md §SCIM. Returns the new resource and
 * whether anything changed (a PATCH that changes nothing succeeds).
 *
 * A read-only attribute (`id`, `groups`, `meta.*`) set to the value it has is no change (Okta
 * sends the group's `id` on every rename, shape 11); any other write to one is `mutability`,
 * as is removing a required attribute; `password` is accepted and never kept. A path-less
 * value's `schemas` and `meta` are ignored, as are attributes Belfry does not keep (`addresses`,
 * `roles`, other schemas' extensions), by key or by path; a `path` that names an unknown
 * attribute of Belfry's own schemas is `invalidPath`. `members[…].value` is not held immutable here: group members go through
 * `splitGroupPatch`. The input is never changed.
 */
export function applyPatch(
  resource: ScimResource,
  operations: PatchOperation[],
  type: ResourceType,
): { resource: ScimResource; changed: boolean } {
  const next = structuredClone(resource);
  operations.forEach((operation, index) => applyOperation(next, operation, type, `Operation ${index + 1}`));
  finishResource(next, type);
  if (!Array.isArray(resource.schemas)) delete next.schemas;
  return { resource: next, changed: !isDeepStrictEqual(next, resource) };
}

function applyOperation(
  resource: ScimResource,
  operation: PatchOperation,
  type: ResourceType,
  where: string,
) {
  const change = changeOf(operation.op, where);
  const { path, value } = operation;
  if (change !== 'remove' && value === undefined)
    throw invalid(`${where} (${change}) needs a value.`, 'invalidValue');
  if (path === undefined || path.trim() === '') {
    if (change === 'remove')
      throw invalid(`${where} removes without a path; name what to remove.`, 'noTarget');
    if (!isObject(value))
      throw invalid(`${where} has no path, so its value must be an object of attributes.`, 'invalidValue');
    for (const entry of entriesOf(value, type)) applyEntry(resource, change, entry, type);
    return;
  }
  const leading = resolveName(path.split('[')[0]!, type);
  if (leading?.kind === 'discarded') return;
  if (leading?.kind === 'schema') {
    if (change === 'remove') delete resource[leading.urn];
    else applyOperation(resource, { op: change, value: { [leading.urn]: value } }, type, where);
    return;
  }
  const { target, filter } = parsePatchPath(path, type);
  applyEntry(resource, change, { key: path, target, filter, value }, type);
}

function applyEntry(resource: ScimResource, change: Change, entry: Entry, type: ResourceType) {
  const { target } = entry;
  // Okta pushes passwords when password sync is on; Belfry never keeps one (shape 21)
  if ((target.subAttribute ?? target.attribute).mutability === 'writeOnly') return;
  if (refuseReadOnly(resource, change, entry, type)) return;
  if (change === 'remove' && target.attribute.required && !target.subAttribute)
    throw invalid(`${describePath(target.path, type)} is required and cannot be removed.`, 'mutability');
  assign(resource, change, target, entry.filter, entry.value, type);
}

/**
 * Refuses a write to a read-only attribute; true when the write restates the current value (a
 * no-op to skip). Through a filter, any write to a read-only attribute is refused.
 */
function refuseReadOnly(
  resource: ScimResource,
  change: Change,
  { target, filter, value }: Entry,
  type: ResourceType,
): boolean {
  const definition = target.subAttribute ?? target.attribute;
  if (target.attribute.mutability !== 'readOnly' && definition.mutability !== 'readOnly') return false;
  const label = describePath(target.path, type);
  if (!filter && change !== 'remove') {
    const current = currentValue(resource, target, type);
    const read = readAttributeValue(definition, value, label);
    if (isDeepStrictEqual(unassignedIfEmpty(read), unassignedIfEmpty(current))) return true;
  }
  throw invalid(`${label} is read-only.`, 'mutability');
}

/** `groups: []` restates "no groups". */
function unassignedIfEmpty(value: unknown): unknown {
  return Array.isArray(value) && value.length === 0 ? undefined : value;
}
