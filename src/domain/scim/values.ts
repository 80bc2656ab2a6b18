import { isDeepStrictEqual } from 'node:util';
import { invalid } from '../errors.js';
import type { AttributeSchema } from './contract.js';
import { isObject, valueOf } from './paths.js';
import { findByName } from './schemas.js';

/** Longer than any name or title a directory holds; bounds what one resource may store. */
export const MAX_STRING_LENGTH = 1024;
/** `userName` becomes a sign-in name and an index key. */
export const MAX_USER_NAME_LENGTH = 256;
/** Emails and phone numbers per person (a group's members are rows, not values: see splitGroupPatch). */
export const MAX_VALUES = 100;

/**
 * A value for an attribute made into what Belfry keeps, or undefined for "unassigned" (`null`,
 * RFC 7643 §2.5). Entra's `"True"`/`"False"` are booleans (shape 2); a bare string for a complex
 * attribute with a `value` is `{ value }` (the manager, shape 10); unknown sub-attributes and
 * `null` ones (`"$ref": null`, shape 7) are dropped; a multi-valued attribute takes a list or one
 * value, and keeps `primary: true` on its first element that says so. Throws `invalidValue`.
 */
export function readAttributeValue(definition: AttributeSchema, value: unknown, name: string): unknown {
  if (!definition.multiValued) return readSingleValue(definition, value, name);
  if (value === null || value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value])
    .map((element, index) => readSingleValue(definition, element, `${name}[${index}]`))
    .filter((element) => element !== undefined);
  if (list.length > MAX_VALUES) throw invalid(`${name} has more than ${MAX_VALUES} values.`, 'invalidValue');
  keepOnePrimary(list, list.find(isPrimary));
  return list;
}

function readSingleValue(definition: AttributeSchema, value: unknown, name: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (definition.type === 'complex') return readComplex(definition, value, name);
  if (typeof value === 'object')
    throw invalid(`${name} must be a ${definition.type}, not ${kindOf(value)}.`, 'invalidValue');
  switch (definition.type) {
    case 'boolean':
      return readBoolean(value, name);
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
        throw invalid(`${name} must be an ISO 8601 date and time.`, 'invalidValue');
      return value;
    default:
      return readString(definition, value, name);
  }
}

function readComplex(definition: AttributeSchema, value: unknown, name: string): unknown {
  const subAttributes = definition.subAttributes ?? [];
  const valueSub = findByName(subAttributes, 'value');
  if (!isObject(value)) {
    if (valueSub && !Array.isArray(value)) {
      const read = readSingleValue(valueSub, value, `${name}.value`);
      return read === undefined || read === '' ? undefined : { value: read };
    }
    throw invalid(`${name} must be an object of sub-attributes, not ${kindOf(value)}.`, 'invalidValue');
  }
  const result: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findByName(subAttributes, key);
    const read = sub && readSingleValue(sub, raw, `${name}.${sub.name}`);
    if (sub && read !== undefined) result[sub.name] = read;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

function readBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw invalid(`${name} must be true or false, not ${JSON.stringify(value)}.`, 'invalidValue');
}

function readString(definition: AttributeSchema, value: unknown, name: string): string {
  if (typeof value !== 'string')
    throw invalid(`${name} must be a string, not ${kindOf(value)}.`, 'invalidValue');
  const limit = definition.name === 'userName' ? MAX_USER_NAME_LENGTH : MAX_STRING_LENGTH;
  if (value.length > limit) throw invalid(`${name} is longer than ${limit} characters.`, 'invalidValue');
  return value;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`;
}

export function isPrimary(element: unknown): boolean {
  return isObject(element) && element.primary === true;
}

/** RFC 7644 §3.5.2: `primary` is true on at most one value; the one just set wins. */
export function keepOnePrimary(list: unknown[], winner: unknown): void {
  if (winner === undefined) return;
  for (const element of list)
    if (element !== winner && isPrimary(element)) (element as { primary: boolean }).primary = false;
}

/**
 * Whether two values of a multi-valued attribute are the same value: complex values with a
 * `value` compare it (without case unless the schema says otherwise), others compare whole.
 */
export function sameValue(definition: AttributeSchema, left: unknown, right: unknown): boolean {
  const valueSub = findByName(definition.subAttributes ?? [], 'value');
  if (valueSub && isObject(left) && isObject(right)) {
    const a = valueOf(left, 'value');
    const b = valueOf(right, 'value');
    if (typeof a === 'string' && typeof b === 'string')
      return valueSub.caseExact ? a === b : a.toLowerCase() === b.toLowerCase();
  }
  return isDeepStrictEqual(left, right);
}
