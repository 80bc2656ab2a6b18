import type { Filter, IndexedLookup, ResourceType, ScimResource } from './contract.js';

/**
 * Parses a filter (RFC 7644 §3.4.2.2): `eq ne co sw ew pr gt ge lt le`, `and or not`,
 * parentheses, value paths; operators and attribute names in any case. An unknown attribute or a
 * syntax error throws `invalid(…, 'invalidFilter')` — never an unfiltered list.
 */
export function parseFilter(text: string, type: ResourceType): Filter {
  void text;
  void type;
  throw new Error('parseFilter: not implemented yet');
}

/** Whether a resource matches, with the schema's case rules (`userName`, `displayName`: no case). */
export function matchesFilter(resource: ScimResource, filter: Filter, type: ResourceType): boolean {
  void resource;
  void filter;
  void type;
  throw new Error('matchesFilter: not implemented yet');
}

/**
 * The indexed equality lookups a filter amounts to, when it is a plain `eq` (or an `and` whose
 * every other term can be checked afterwards with `matchesFilter`) on id, userName, externalId,
 * emails.value (also `emails[type eq "work"].value`) or displayName; undefined otherwise.
 */
export function indexedLookup(filter: Filter, type: ResourceType): IndexedLookup | undefined {
  void filter;
  void type;
  throw new Error('indexedLookup: not implemented yet');
}
