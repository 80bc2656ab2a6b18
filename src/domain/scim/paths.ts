import type { AttributePath, AttributeSchema, ResourceType, ScimResource } from './contract.js';
import {
  attributesOf,
  coreSchemaOf,
  DISCARDED_USER_ATTRIBUTES,
  findByName,
  schemaUrnsOf,
} from './schemas.js';

/** A path resolved against the schema: the names as the schema spells them, and their definitions. */
export interface ResolvedPath {
  path: AttributePath;
  attribute: AttributeSchema;
  subAttribute?: AttributeSchema | undefined;
}

/**
 * What an attribute name (`userName`, `name.givenName`, `urn:…:User:manager.value`) refers to:
 * an attribute, a whole extension schema (`urn:…:enterprise:2.0:User`), something Belfry
 * accepts and drops (an RFC attribute it does not keep, `addresses`; any name under another
 * schema's URN, such as an IdP's custom extension), or nothing Belfry knows (undefined: a
 * misspelt name, or an unknown name under Belfry's own schemas). Filters take only attributes.
 */
export type NameResolution =
  { kind: 'attribute'; resolved: ResolvedPath } | { kind: 'schema'; urn: string } | { kind: 'discarded' };

/** Resolves a name without case (RFC 7643 §2.1); URN prefixes name the schema, none means the core. */
export function resolveName(name: string, type: ResourceType): NameResolution | undefined {
  const lower = name.toLowerCase();
  let schema = coreSchemaOf(type);
  let rest = name;
  const prefixed = schemaUrnsOf(type).find((urn) => lower.startsWith(urn.toLowerCase()));
  if (prefixed) {
    if (lower.length === prefixed.length) return { kind: 'schema', urn: prefixed };
    if (lower[prefixed.length] !== ':') return undefined;
    schema = prefixed;
    rest = name.slice(prefixed.length + 1);
  } else if (lower.startsWith('urn:')) return { kind: 'discarded' };
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((part) => part === '')) return undefined;
  const [attributeName = '', subName] = parts;
  const attribute = findByName(attributesOf(schema), attributeName);
  if (!attribute) {
    const dropped = type === 'User' && schema === coreSchemaOf(type);
    return dropped && DISCARDED_USER_ATTRIBUTES.includes(attributeName.toLowerCase())
      ? { kind: 'discarded' }
      : undefined;
  }
  if (subName === undefined)
    return { kind: 'attribute', resolved: { path: { schema, attribute: attribute.name }, attribute } };
  const resolved = withSubAttribute({ path: { schema, attribute: attribute.name }, attribute }, subName);
  return resolved && { kind: 'attribute', resolved };
}

/** `parent.sub`, when the parent is complex and has that sub-attribute. */
export function withSubAttribute(parent: ResolvedPath, subName: string): ResolvedPath | undefined {
  if (parent.subAttribute) return undefined;
  const subAttribute = findByName(parent.attribute.subAttributes ?? [], subName);
  if (!subAttribute) return undefined;
  return {
    path: { ...parent.path, subAttribute: subAttribute.name },
    attribute: parent.attribute,
    subAttribute,
  };
}

/** The definitions a parsed path refers to (paths in a `Filter` always resolve). */
export function definitionOf(path: AttributePath): ResolvedPath | undefined {
  const attribute = findByName(attributesOf(path.schema), path.attribute);
  if (!attribute) return undefined;
  const resolved: ResolvedPath = { path, attribute };
  return path.subAttribute === undefined
    ? resolved
    : withSubAttribute({ path, attribute }, path.subAttribute);
}

/** The path as a client would write it, for messages: `name.givenName`, `urn:…:User:manager`. */
export function describePath(path: AttributePath, type: ResourceType): string {
  const local = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.schema === coreSchemaOf(type) ? local : `${path.schema}:${local}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A key of a JSON object looked up exactly, then without case (clients vary the case). */
export function keyOf(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export function valueOf(object: Record<string, unknown>, name: string): unknown {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

/** The object a schema's attributes live in: the resource itself for the core, else its URN key. */
export function containerOf(
  resource: ScimResource,
  schema: string,
  type: ResourceType,
): Record<string, unknown> | undefined {
  if (schema === coreSchemaOf(type)) return resource;
  const extension = valueOf(resource, schema);
  return isObject(extension) ? extension : undefined;
}

/** An attribute's value as a list: a multi-valued attribute's values, or the single value. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
