import type { ResourceSchema, ResourceType, ScimResource } from './contract.js';

/**
 * A POST or PUT body made into the resource Belfry keeps: types checked against the schema,
 * string booleans read as booleans, a bare-string `manager` as `{ value }`, read-only attributes
 * (`id`, `meta`, `groups`) and `password` dropped, `members` left for the caller. Throws
 * `invalid(…, 'invalidValue' | 'invalidSyntax')` naming the attribute.
 */
export function readResource(body: unknown, type: ResourceType): ScimResource {
  void body;
  void type;
  throw new Error('readResource: not implemented yet');
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), with `returned` always/never kept. */
export function selectAttributes(
  resource: ScimResource,
  type: ResourceType,
  selection: { attributes?: string[] | undefined; excludedAttributes?: string[] | undefined },
): ScimResource {
  void resource;
  void type;
  void selection;
  throw new Error('selectAttributes: not implemented yet');
}

/** The schemas Belfry supports, as `/Schemas` lists them. */
export function resourceSchemas(): ResourceSchema[] {
  throw new Error('resourceSchemas: not implemented yet');
}

/** `/ServiceProviderConfig` and `/ResourceTypes`, telling the truth about what is supported. */
export function serviceProviderConfig(baseUrl: string): ScimResource {
  void baseUrl;
  throw new Error('serviceProviderConfig: not implemented yet');
}

export function resourceTypes(baseUrl: string): ScimResource[] {
  void baseUrl;
  throw new Error('resourceTypes: not implemented yet');
}
