import {
  USER_SCHEMA,
  type AttributePath,
  type AttributeSchema,
  type CompareOp,
  type Filter,
  type IndexedLookup,
  type ResourceType,
  type ScimResource,
} from './contract.js';
import { parseFilterText } from './filter-syntax.js';
import { asList, containerOf, definitionOf, isObject, valueOf } from './paths.js';

/**
 * Parses a filter (RFC 7644 §3.4.2.2): `eq ne co sw ew pr gt ge lt le`, `and or not`,
 * parentheses, value paths; operators and attribute names in any case. An unknown attribute or a
 * syntax error throws `invalid(…, 'invalidFilter')` — never an unfiltered list.
 *
 * Paths inside a value path's brackets name the multi-valued attribute and the sub-attribute they
 * test (`emails[type eq "work"]` → valuePath emails, `emails.type eq "work"`), and are evaluated
 * on one element at a time. `emails[type eq "work"].value eq "x"` (which vendors send, though the
 * RFC's grammar has it only in PATCH paths) is the value path whose filter is
 * `emails.type eq "work" and emails.value eq "x"`: one element must pass both.
 * Comparison values are already of the attribute's type (Entra's `"true"` becomes `true`).
 */
export function parseFilter(text: string, type: ResourceType): Filter {
  return parseFilterText(text, type);
}

/**
 * Whether a resource matches, with the schema's case rules (`userName`, `displayName`: no case).
 * A multi-valued attribute matches when any value does (`ne` when none equals); a complex one
 * without a sub-attribute compares its `value`; a missing attribute fails `eq` and `pr` and
 * passes `ne`; `eq null` means "not present"; dates compare in time, not as text.
 */
export function matchesFilter(resource: ScimResource, filter: Filter, type: ResourceType): boolean {
  return evaluate(resource, filter, type, undefined);
}

/** While inside a value path's brackets: the one element of that attribute being tested. */
interface Scope {
  path: AttributePath;
  element: unknown;
}

function evaluate(
  resource: ScimResource,
  filter: Filter,
  type: ResourceType,
  scope: Scope | undefined,
): boolean {
  switch (filter.op) {
    case 'and':
      return evaluate(resource, filter.left, type, scope) && evaluate(resource, filter.right, type, scope);
    case 'or':
      return evaluate(resource, filter.left, type, scope) || evaluate(resource, filter.right, type, scope);
    case 'not':
      return !evaluate(resource, filter.filter, type, scope);
    case 'valuePath':
      return elementsAt(resource, filter.path, type, undefined).some((element) =>
        evaluate(resource, filter.filter, type, { path: filter.path, element }),
      );
    case 'pr':
      return valuesAt(resource, filter.path, type, scope, false).some(isPresent);
    default:
      return compare(
        valuesAt(resource, filter.path, type, scope, true),
        filter.op,
        filter.value,
        filter.path,
      );
  }
}

function elementsAt(
  resource: ScimResource,
  path: AttributePath,
  type: ResourceType,
  scope: Scope | undefined,
) {
  if (scope && scope.path.schema === path.schema && scope.path.attribute === path.attribute)
    return [scope.element];
  const container = containerOf(resource, path.schema, type);
  return container ? asList(valueOf(container, path.attribute)) : [];
}

/** The values a path names; `forComparison` reads a complex value's `value` sub-attribute. */
function valuesAt(
  resource: ScimResource,
  path: AttributePath,
  type: ResourceType,
  scope: Scope | undefined,
  forComparison: boolean,
): unknown[] {
  const elements = elementsAt(resource, path, type, scope);
  const sub = path.subAttribute ?? (forComparison && isComplex(path) ? 'value' : undefined);
  if (sub === undefined) return elements;
  return elements.flatMap((element) => (isObject(element) ? asList(valueOf(element, sub)) : []));
}

function isComplex(path: AttributePath): boolean {
  return definitionOf(path)?.attribute.type === 'complex';
}

/** RFC 7644 §3.4.2.2 `pr`: a non-empty value, or a complex value with a non-empty sub-attribute. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

function compare(
  values: unknown[],
  op: CompareOp,
  expected: string | number | boolean | null,
  path: AttributePath,
): boolean {
  const definition = comparedDefinition(path);
  if (expected === null) return (op === 'eq') !== values.some(isPresent);
  if (op === 'ne') return !values.some((value) => compareOne(value, 'eq', expected, definition));
  return values.some((value) => compareOne(value, op, expected, definition));
}

function comparedDefinition(path: AttributePath): AttributeSchema | undefined {
  const resolved = definitionOf(path);
  const definition = resolved?.subAttribute ?? resolved?.attribute;
  if (definition?.type !== 'complex') return definition;
  return definition.subAttributes?.find((sub) => sub.name === 'value');
}

function compareOne(
  actual: unknown,
  op: CompareOp,
  expected: unknown,
  definition: AttributeSchema | undefined,
) {
  if (definition?.type === 'boolean' || typeof expected === 'boolean')
    return op === 'eq' && actual === expected;
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  // dates order in time; co/sw/ew on a date test its text
  if (definition?.type === 'dateTime' && !['co', 'sw', 'ew'].includes(op))
    return order(Date.parse(actual), Date.parse(expected), op);
  const exact = definition?.caseExact ?? false;
  const left = exact ? actual : actual.toLowerCase();
  const right = exact ? expected : expected.toLowerCase();
  switch (op) {
    case 'co':
      return left.includes(right);
    case 'sw':
      return left.startsWith(right);
    case 'ew':
      return left.endsWith(right);
    default:
      return order(left, right, op);
  }
}

function order<T extends string | number>(left: T, right: T, op: CompareOp): boolean {
  if (typeof left === 'number' && (Number.isNaN(left) || Number.isNaN(right as number))) return false;
  switch (op) {
    case 'eq':
      return left === right;
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    default:
      return false;
  }
}

const LOOKUP_PRIORITY: readonly IndexedLookup['attribute'][] = [
  'id',
  'userName',
  'displayName',
  'externalId',
  'emails.value',
];

/**
 * The indexed equality lookups a filter amounts to, when it is a plain `eq` (or an `and` whose
 * every other term can be checked afterwards with `matchesFilter`) on id, userName, externalId,
 * emails.value (also `emails[type eq "work"].value`) or displayName; undefined otherwise.
 * Of several candidates in one `and`, the most selective (id first) is chosen.
 */
export function indexedLookup(filter: Filter, type: ResourceType): IndexedLookup | undefined {
  const candidates = lookupsIn(filter, type, false);
  return LOOKUP_PRIORITY.map((attribute) => candidates.find((c) => c.attribute === attribute)).find(
    (found) => found !== undefined,
  );
}

/** Every lookup an `and` chain pins down (inside `emails[…]` brackets, the email's value). */
function lookupsIn(filter: Filter, type: ResourceType, inEmails: boolean): IndexedLookup[] {
  if (filter.op === 'and')
    return [...lookupsIn(filter.left, type, inEmails), ...lookupsIn(filter.right, type, inEmails)];
  if (filter.op === 'valuePath')
    return !inEmails && type === 'User' && isEmails(filter.path) ? lookupsIn(filter.filter, type, true) : [];
  if (filter.op !== 'eq' || typeof filter.value !== 'string') return [];
  const attribute = lookupAttribute(filter.path, type, inEmails);
  return attribute ? [{ attribute, value: filter.value }] : [];
}

function isEmails(path: AttributePath): boolean {
  return path.schema === USER_SCHEMA && path.attribute === 'emails';
}

function lookupAttribute(path: AttributePath, type: ResourceType, inEmails: boolean) {
  if (isEmails(path))
    return (path.subAttribute ?? 'value') === 'value' ? ('emails.value' as const) : undefined;
  if (inEmails || path.subAttribute !== undefined) return undefined;
  const indexed: readonly IndexedLookup['attribute'][] =
    type === 'User' ? ['id', 'userName', 'externalId'] : ['id', 'displayName', 'externalId'];
  return indexed.find((name) => name === path.attribute);
}
