import { invalid } from '../errors.js';
import type { AttributeSchema, Filter, ResourceType, ScimResource } from './contract.js';
import { matchesFilter } from './filter.js';
import { parsePatchPath } from './filter-syntax.js';
import {
  asList,
  containerOf,
  describePath,
  isObject,
  keyOf,
  resolveName,
  valueOf,
  type ResolvedPath,
} from './paths.js';
import { attributesOf, coreSchemaOf, extensionUrnsOf } from './schemas.js';
import { isPrimary, keepOnePrimary, readAttributeValue, sameValue } from './values.js';

/**
 * Writing attributes into a resource, the one place both POST/PUT bodies (`readResource`) and
 * PATCH (`applyPatch`) do it, so the two read every dialect alike. Functions here change the
 * resource they are given: callers pass a copy.
 */

export type Change = 'add' | 'replace' | 'remove';

/** An operation's `op`, read without case (Entra sends `Replace`). */
export function changeOf(op: string, where: string): Change {
  const change = op.toLowerCase();
  if (change === 'add' || change === 'replace' || change === 'remove') return change;
  throw invalid(`${where} has op ${JSON.stringify(op)}; expected add, replace or remove.`, 'invalidSyntax');
}

export interface Entry {
  key: string;
  target: ResolvedPath;
  /** a value filter in the key or path: `emails[type eq "work"].value` */
  filter?: Filter | undefined;
  value: unknown;
}

/**
 * The attributes an object of values names: plain names, dotted `name.givenName`, URN-prefixed
 * `urn:…:enterprise:2.0:User:employeeNumber`, and an extension object under its URN (shape 4).
 * `schemas`, `meta`, RFC attributes Belfry does not keep, and names no schema has are skipped:
 * IdPs send their own extensions, and refusing them would stop provisioning.
 */
export function entriesOf(values: Record<string, unknown>, type: ResourceType, prefix = ''): Entry[] {
  return Object.entries(values).flatMap(([key, value]): Entry[] => {
    const name = prefix + key;
    if (['schemas', 'meta'].includes(key.toLowerCase()) && prefix === '') return [];
    if (name.includes('[')) return filteredEntry(name, value, type);
    const resolution = resolveName(name, type);
    if (resolution?.kind === 'attribute') return [{ key: name, target: resolution.resolved, value }];
    if (resolution?.kind !== 'schema' || resolution.urn === coreSchemaOf(type)) return [];
    if (!isObject(value))
      throw invalid(`${resolution.urn} must be an object of its attributes.`, 'invalidValue');
    return entriesOf(value, type, `${resolution.urn}:`);
  });
}

/** Entra's `{ "emails[type eq \"work\"].value": "…" }` in a path-less value, read as the path. */
function filteredEntry(key: string, value: unknown, type: ResourceType): Entry[] {
  if (resolveName(key.split('[')[0]!.trim(), type)?.kind !== 'attribute') return [];
  const { target, filter } = parsePatchPath(key, type);
  return [{ key, target, filter, value }];
}

/** The current value at a path without a filter: the attribute, or its sub-attribute. */
export function currentValue(resource: ScimResource, target: ResolvedPath, type: ResourceType): unknown {
  const container = containerOf(resource, target.path.schema, type);
  const value = container && valueOf(container, target.path.attribute);
  const sub = target.path.subAttribute;
  if (sub === undefined) return value;
  if (!target.attribute.multiValued) return isObject(value) ? valueOf(value, sub) : undefined;
  return asList(value).map((element) => (isObject(element) ? valueOf(element, sub) : undefined));
}

/**
 * One add, replace or remove at a target, optionally narrowed by a value filter (RFC 7644
 * §3.5.2.1–3): complex values merge, multi-valued `add` appends what is new, `remove` with a
 * value list removes those values only (shape 5), and an add or replace through a filter that
 * matches nothing creates the element the filter describes (shape 8).
 */
export function assign(
  resource: ScimResource,
  change: Change,
  target: ResolvedPath,
  filter: Filter | undefined,
  value: unknown,
  type: ResourceType,
): void {
  const label = describePath(target.path, type);
  const container = containerFor(resource, target, type, change !== 'remove');
  if (!container) return;
  const name = target.path.attribute;
  if (target.attribute.multiValued) assignValues(container, change, target, filter, value, type, label);
  else if (target.subAttribute) assignSub(container, change, target, value, label);
  else if (change === 'remove') delete container[name];
  else assignWhole(container, target.attribute, value, label);
  dropIfEmpty(container, name);
  if (container !== resource) dropIfEmpty(resource, target.path.schema);
}

function containerFor(resource: ScimResource, target: ResolvedPath, type: ResourceType, create: boolean) {
  const existing = containerOf(resource, target.path.schema, type);
  if (existing || !create) return existing;
  const extension: Record<string, unknown> = {};
  resource[target.path.schema] = extension;
  return extension;
}

/** A single-valued attribute set whole; a complex one merges its sub-attributes (§3.5.2.3). */
function assignWhole(
  container: Record<string, unknown>,
  definition: AttributeSchema,
  value: unknown,
  label: string,
) {
  const read = readAttributeValue(definition, value, label);
  const name = definition.name;
  if (read === undefined) delete container[name];
  else if (isObject(read) && isObject(container[name]) && !isAnotherReference(container[name], read))
    container[name] = { ...container[name], ...read };
  else container[name] = read;
}

/** A new `value` (another manager) is another thing: the old one's `displayName` must not stay. */
function isAnotherReference(existing: Record<string, unknown>, read: Record<string, unknown>): boolean {
  return read.value !== undefined && read.value !== existing.value;
}

function assignSub(
  container: Record<string, unknown>,
  change: Change,
  target: ResolvedPath,
  value: unknown,
  label: string,
) {
  const name = target.attribute.name;
  const parent = isObject(container[name]) ? { ...container[name] } : {};
  setSub(parent, change, target.subAttribute!, value, label);
  container[name] = parent;
}

function setSub(
  element: Record<string, unknown>,
  change: Change,
  sub: AttributeSchema,
  value: unknown,
  label: string,
) {
  const read = change === 'remove' ? undefined : readAttributeValue(sub, value, label);
  const key = keyOf(element, sub.name);
  if (key !== undefined) delete element[key];
  if (read !== undefined) element[sub.name] = read;
}

function assignValues(
  container: Record<string, unknown>,
  change: Change,
  target: ResolvedPath,
  filter: Filter | undefined,
  value: unknown,
  type: ResourceType,
  label: string,
) {
  const definition = target.attribute;
  const name = definition.name;
  const list = asList(container[name]).map((element) => (isObject(element) ? { ...element } : element));
  let next: unknown[];
  const touched: unknown[] = [];
  if (filter || target.subAttribute) {
    const selected = filter ? list.filter((element) => elementMatches(element, target, filter, type)) : list;
    next = assignInElements(list, selected, change, target, filter, value, label, touched);
  } else if (change === 'remove') {
    const removed = value === undefined ? undefined : asList(readAttributeValue(definition, value, label));
    next = removed ? list.filter((element) => !removed.some((r) => sameValue(definition, element, r))) : [];
  } else {
    const added = asList(readAttributeValue(definition, value, label));
    next = change === 'replace' ? added : merged(definition, list, added);
    touched.push(...added.map((value) => next.find((element) => sameValue(definition, element, value))));
  }
  keepOnePrimary(next, touched.filter(isPrimary).at(-1));
  container[name] = next;
}

/** `add` appends values not there yet; one already there takes the new sub-attributes. */
function merged(definition: AttributeSchema, list: unknown[], added: unknown[]): unknown[] {
  const result = [...list];
  for (const value of added) {
    const index = result.findIndex((element) => sameValue(definition, element, value));
    const existing = result[index];
    if (index < 0) result.push(value);
    else if (isObject(existing) && isObject(value)) Object.assign(existing, value);
    else result[index] = value;
  }
  return result;
}

/** Through a filter or at a sub-attribute: change the selected elements, or create one. */
function assignInElements(
  list: unknown[],
  selected: unknown[],
  change: Change,
  target: ResolvedPath,
  filter: Filter | undefined,
  value: unknown,
  label: string,
  touched: unknown[],
): unknown[] {
  const sub = target.subAttribute;
  if (change === 'remove' && !sub) return list.filter((element) => !selected.includes(element));
  let elements = selected.filter(isObject);
  if (elements.length === 0 && change !== 'remove') {
    const created = filter ? elementFrom(filter) : {};
    if (!created)
      throw invalid(
        `No value of ${label} matches the filter, and the filter does not describe one to create.`,
        'noTarget',
      );
    list.push(created);
    elements = [created];
  }
  for (const element of elements) {
    if (sub) setSub(element, change, sub, value, label);
    else Object.assign(element, asList(readAttributeValue(target.attribute, value, label))[0] ?? {});
    touched.push(element);
  }
  return list.filter((element) => !isObject(element) || Object.keys(element).length > 0);
}

/** Whether one element of a multi-valued attribute passes a bracket filter. */
function elementMatches(element: unknown, target: ResolvedPath, filter: Filter, type: ResourceType): boolean {
  const { schema, attribute } = target.path;
  const single = { [attribute]: [element] };
  return matchesFilter(schema === coreSchemaOf(type) ? single : { [schema]: single }, filter, type);
}

/** `type eq "work" and primary eq true` → `{ type: 'work', primary: true }`; other filters → undefined. */
function elementFrom(filter: Filter): Record<string, unknown> | undefined {
  if (filter.op === 'and') {
    const left = elementFrom(filter.left);
    const right = elementFrom(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.op !== 'eq' || filter.value === null || filter.path.subAttribute === undefined) return undefined;
  return { [filter.path.subAttribute]: filter.value };
}

function dropIfEmpty(container: Record<string, unknown>, name: string): void {
  const value = container[name];
  const empty = Array.isArray(value)
    ? value.length === 0
    : isObject(value) && Object.keys(value).length === 0;
  if (empty || value === undefined) delete container[name];
}

/**
 * The resource's `schemas` made true (the core, and an extension when it has attributes), and
 * its required attributes checked (`userName`, `displayName`: non-empty strings).
 */
export function finishResource(resource: ScimResource, type: ResourceType): ScimResource {
  const extensions = extensionUrnsOf(type).filter((urn) => isObject(resource[urn]));
  resource.schemas = [coreSchemaOf(type), ...extensions];
  for (const definition of attributesOf(coreSchemaOf(type))) {
    const value = resource[definition.name];
    if (definition.required && (typeof value !== 'string' || value.trim() === ''))
      throw invalid(`${definition.name} is required and must be a non-empty string.`, 'invalidValue');
  }
  return resource;
}
