import { invalid } from '../errors.js';
import type { ResourceType, ScimResource } from './contract.js';
import { assign, entriesOf, finishResource } from './assign.js';
import { containerOf, isObject, resolveName, valueOf, type ResolvedPath } from './paths.js';
import { attributesOf, coreSchemaOf, schemaUrnsOf } from './schemas.js';

export { resourceSchemas, resourceTypes, schemaResources, serviceProviderConfig } from './discovery.js';
export { memberIds } from './patch-members.js';

/**
 * A POST or PUT body made into the resource Belfry keeps: types checked against the schema,
 * string booleans read as booleans, a bare-string `manager` as `{ value }`, read-only attributes
 * (`id`, `meta`, `groups`) and `password` dropped, `members` left for the caller. Throws
 * `invalid(…, 'invalidValue' | 'invalidSyntax')` naming the attribute.
 *
 * Names are read without case and written as the schema spells them; dotted names
 * (`name.givenName`) and URN-prefixed ones are read like PATCH's path-less values; attributes
 * Belfry does not keep are dropped (Okta sends `password` and `groups: []` on create, shape
 * 21, and IdPs send their own extensions). The result's `schemas` is the core URN, plus the
 * enterprise one when it has attributes. For a group's members, see `memberIds(body.members)`.
 */
export function readResource(body: unknown, type: ResourceType): ScimResource {
  if (!isObject(body)) throw invalid(`A ${type} must be a JSON object.`, 'invalidSyntax');
  const schemas = valueOf(body, 'schemas');
  const core = coreSchemaOf(type);
  const hasCore = (urn: unknown) => typeof urn === 'string' && urn.toLowerCase() === core.toLowerCase();
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.some(hasCore)))
    throw invalid(`A ${type}'s schemas must include ${core}.`, 'invalidSyntax');
  const resource: ScimResource = {};
  for (const entry of entriesOf(body, type))
    if (isKept(entry.target)) assign(resource, 'add', entry.target, entry.filter, entry.value, type);
  return finishResource(resource, type);
}

function isKept({ attribute, subAttribute }: ResolvedPath): boolean {
  const writable = (mutability: string) => mutability !== 'readOnly' && mutability !== 'writeOnly';
  return (
    writable(attribute.mutability) &&
    writable(subAttribute?.mutability ?? 'readWrite') &&
    attribute.name !== 'members'
  );
}

export interface AttributeSelection {
  attributes?: string[] | undefined;
  excludedAttributes?: string[] | undefined;
}

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), with `returned` always/never kept.
 *
 * Names are read without case, with sub-attributes (`name.givenName`) and URN prefixes; a whole
 * extension is named by its URN; unknown names select nothing. `id` and `schemas` are always
 * returned and `password` never. `meta` is returned by default, like any attribute: with
 * `attributes` it is returned only when asked for (RFC 7643 gives it no `returned: always`).
 * `excludedAttributes=members` drops a group's members (shape 17). When both are given,
 * `attributes` picks and `excludedAttributes` then removes.
 */
export function selectAttributes(
  resource: ScimResource,
  type: ResourceType,
  selection: AttributeSelection,
): ScimResource {
  let result = withoutNeverReturned(resource, type);
  const picked = names(selection.attributes);
  if (picked.length > 0) result = pick(result, type, picked);
  for (const name of names(selection.excludedAttributes)) exclude(result, type, name);
  return result;
}

/**
 * Whether a selection returns an attribute (`members`): the store need not read 100,000
 * members for a reply that drops them.
 */
export function isReturned(type: ResourceType, selection: AttributeSelection, name: string): boolean {
  const probe = { [name]: [{ value: 'probe' }] };
  return valueOf(selectAttributes(probe, type, selection), name) !== undefined;
}

/** The names of a selection; a query value may still hold several, comma-separated. */
function names(list: string[] | undefined): string[] {
  return (list ?? [])
    .flatMap((item) => item.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function withoutNeverReturned(resource: ScimResource, type: ResourceType): ScimResource {
  const result = structuredClone(resource);
  for (const urn of schemaUrnsOf(type)) {
    const container = containerOf(result, urn, type);
    if (!container) continue;
    for (const definition of attributesOf(urn))
      if (definition.returned === 'never') removeKey(container, definition.name);
  }
  return result;
}

function pick(resource: ScimResource, type: ResourceType, names: string[]): ScimResource {
  const result: ScimResource = {};
  const always = [
    'schemas',
    ...attributesOf(coreSchemaOf(type))
      .filter((a) => a.returned === 'always')
      .map((a) => a.name),
  ];
  for (const name of always) if (resource[name] !== undefined) result[name] = resource[name];
  for (const name of names) {
    const resolution = resolveName(name.trim(), type);
    if (resolution?.kind === 'schema') copyKey(resource, result, resolution.urn);
    if (resolution?.kind !== 'attribute') continue;
    const { schema, attribute, subAttribute } = resolution.resolved.path;
    const source = containerOf(resource, schema, type);
    const value = source && valueOf(source, attribute);
    if (value === undefined) continue;
    const target =
      schema === coreSchemaOf(type)
        ? result
        : ((result[schema] as Record<string, unknown> | undefined) ??= {});
    target[attribute] = subAttribute === undefined ? value : mergeSub(target[attribute], value, subAttribute);
  }
  return result;
}

/** A sub-attribute picked from a complex value, or from each element of a multi-valued one. */
function mergeSub(picked: unknown, value: unknown, sub: string): unknown {
  const only = (element: unknown) =>
    isObject(element) && valueOf(element, sub) !== undefined ? { [sub]: valueOf(element, sub) } : {};
  if (Array.isArray(value))
    return value.map((element, index) => ({
      ...(Array.isArray(picked) ? (picked[index] as object) : {}),
      ...only(element),
    }));
  return { ...(isObject(picked) ? picked : {}), ...only(value) };
}

function exclude(resource: ScimResource, type: ResourceType, name: string): void {
  const resolution = resolveName(name, type);
  if (resolution?.kind === 'schema' && resolution.urn !== coreSchemaOf(type))
    removeKey(resource, resolution.urn);
  if (resolution?.kind !== 'attribute') return;
  const { path, attribute, subAttribute } = resolution.resolved;
  if ((subAttribute ?? attribute).returned === 'always') return;
  const container = containerOf(resource, path.schema, type);
  if (!container) return;
  if (path.subAttribute === undefined) return removeKey(container, attribute.name);
  const value = valueOf(container, attribute.name);
  for (const element of Array.isArray(value) ? value : [value])
    if (isObject(element)) removeKey(element, path.subAttribute);
}

function removeKey(object: Record<string, unknown>, name: string): void {
  for (const key of Object.keys(object)) if (key.toLowerCase() === name.toLowerCase()) delete object[key];
}

function copyKey(from: Record<string, unknown>, to: Record<string, unknown>, name: string): void {
  const value = valueOf(from, name);
  if (value !== undefined) to[name] = value;
}
