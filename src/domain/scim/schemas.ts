import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  type AttributeSchema,
  type ResourceSchema,
  type ResourceType,
} from './contract.js';

/**
 * The attributes Belfry keeps, as `/Schemas` shows them (RFC 7643 §4, §8.7.1). Only what Belfry
 * really stores is listed; see `DISCARDED_USER_ATTRIBUTES` for what it accepts and drops.
 */

type Options = Partial<Omit<AttributeSchema, 'name' | 'type' | 'description'>>;

function attribute(
  name: string,
  type: AttributeSchema['type'],
  description: string,
  options: Options = {},
): AttributeSchema {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const text = (name: string, description: string, options: Options = {}) =>
  attribute(name, 'string', description, options);

/** A `$ref` sub-attribute: the URI of another resource. */
const reference = (description: string, to: string, mutability: AttributeSchema['mutability']) =>
  attribute('$ref', 'reference', description, { caseExact: true, mutability, referenceTypes: [to] });

/** `emails` and `phoneNumbers`: the RFC's multi-valued complex shape. */
function labelledValues(name: string, description: string, types: string[]): AttributeSchema {
  return attribute(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      text('value', `The ${description.toLowerCase()} itself.`),
      text('type', 'A label for the value.', { canonicalValues: types }),
      attribute('primary', 'boolean', 'Whether this is the preferred value; true on at most one.'),
      text('display', 'A human-readable form of the value.'),
    ],
  });
}

const idAttribute = text('id', 'The identifier Belfry issued; never reassigned.', {
  caseExact: true,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
});

const externalIdAttribute = text('externalId', "The identity provider's own identifier for the resource.", {
  caseExact: true,
});

const metaAttribute = attribute('meta', 'complex', 'Resource metadata Belfry maintains.', {
  mutability: 'readOnly',
  subAttributes: [
    text('resourceType', 'User or Group.', { caseExact: true, mutability: 'readOnly' }),
    attribute('created', 'dateTime', 'When the resource was created.', { mutability: 'readOnly' }),
    attribute('lastModified', 'dateTime', 'When the resource last changed.', { mutability: 'readOnly' }),
    attribute('location', 'reference', 'The URI of the resource.', {
      caseExact: true,
      mutability: 'readOnly',
      referenceTypes: ['uri'],
    }),
    text('version', 'The entity tag of this version.', { caseExact: true, mutability: 'readOnly' }),
  ],
});

const userAttributes: AttributeSchema[] = [
  idAttribute,
  externalIdAttribute,
  text('userName', 'The unique name the person signs in with.', { required: true, uniqueness: 'server' }),
  attribute('name', 'complex', "The components of the person's name.", {
    subAttributes: [
      text('formatted', 'The full name, formatted for display.'),
      text('familyName', 'The family name.'),
      text('givenName', 'The given name.'),
      text('middleName', 'The middle name.'),
      text('honorificPrefix', 'The honorific prefix, such as Ms.'),
      text('honorificSuffix', 'The honorific suffix, such as III.'),
    ],
  }),
  text('displayName', 'The name shown for the person.'),
  text('nickName', 'The casual name of the person.'),
  attribute('profileUrl', 'reference', "The URL of the person's profile.", { referenceTypes: ['external'] }),
  text('title', 'The job title.'),
  text('userType', 'The relationship to the organisation, such as Employee.'),
  text('preferredLanguage', 'The preferred written or spoken language.'),
  text('locale', 'The locale for formatting, such as en-US.'),
  text('timezone', 'The time zone, such as Europe/Berlin.'),
  attribute('active', 'boolean', 'Whether the person may sign in; false suspends them.'),
  text('password', 'Accepted on write and never kept or returned.', {
    caseExact: true,
    mutability: 'writeOnly',
    returned: 'never',
  }),
  labelledValues('emails', 'Email address', ['work', 'home', 'other']),
  labelledValues('phoneNumbers', 'Phone number', ['work', 'mobile', 'home', 'fax', 'pager', 'other']),
  attribute('groups', 'complex', 'The groups the person belongs to, as group resources say.', {
    multiValued: true,
    mutability: 'readOnly',
    subAttributes: [
      text('value', 'The id of the group.', { caseExact: true, mutability: 'readOnly' }),
      reference('The URI of the group.', 'Group', 'readOnly'),
      text('display', 'The display name of the group.', { mutability: 'readOnly' }),
      text('type', 'direct', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
    ],
  }),
  metaAttribute,
];

const enterpriseAttributes: AttributeSchema[] = [
  text('employeeNumber', 'The number the organisation knows the person by.'),
  text('costCenter', 'The cost center.'),
  text('organization', 'The organisation.'),
  text('division', 'The division.'),
  text('department', 'The department.'),
  attribute('manager', 'complex', "The person's manager.", {
    subAttributes: [
      text('value', 'The id of the manager as the identity provider sent it.', { caseExact: true }),
      reference('The URI of the manager.', 'User', 'readWrite'),
      text('displayName', "The manager's name, as the identity provider sent it."),
    ],
  }),
];

const groupAttributes: AttributeSchema[] = [
  idAttribute,
  externalIdAttribute,
  text('displayName', 'The unique name of the group.', { required: true, uniqueness: 'server' }),
  attribute('members', 'complex', 'The users in the group.', {
    multiValued: true,
    subAttributes: [
      text('value', 'The id of the member.', { caseExact: true, mutability: 'immutable' }),
      reference('The URI of the member.', 'User', 'immutable'),
      text('type', 'User.', { mutability: 'immutable', canonicalValues: ['User'] }),
      text('display', "The member's display name.", { mutability: 'readOnly' }),
    ],
  }),
  metaAttribute,
];

const SCHEMAS: readonly ResourceSchema[] = [
  { id: USER_SCHEMA, name: 'User', description: 'A person Belfry provisions.', attributes: userAttributes },
  {
    id: ENTERPRISE_USER_SCHEMA,
    name: 'EnterpriseUser',
    description: 'The enterprise extension of a user.',
    attributes: enterpriseAttributes,
  },
  { id: GROUP_SCHEMA, name: 'Group', description: 'A group of users.', attributes: groupAttributes },
];

/** Every schema Belfry supports, core and extension. */
export function allSchemas(): readonly ResourceSchema[] {
  return SCHEMAS;
}

/** The core schema URN of a resource type. */
export function coreSchemaOf(type: ResourceType): string {
  return type === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
}

/** The URNs a resource type's attributes may live under: its core schema first, then extensions. */
export function schemaUrnsOf(type: ResourceType): string[] {
  return type === 'User' ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [GROUP_SCHEMA];
}

export function extensionUrnsOf(type: ResourceType): string[] {
  return schemaUrnsOf(type).slice(1);
}

export function attributesOf(schemaUrn: string): readonly AttributeSchema[] {
  return SCHEMAS.find((s) => s.id === schemaUrn)?.attributes ?? [];
}

/** A name looked up without case, as RFC 7643 §2.1 says names are compared. */
export function findByName<T extends { name: string }>(items: readonly T[], name: string): T | undefined {
  const lower = name.toLowerCase();
  return items.find((item) => item.name.toLowerCase() === lower);
}

/**
 * RFC 7643 User attributes Belfry does not keep. IdPs send them by default (Entra's mapping has
 * `addresses[type eq "work"].formatted`, and it adds `roles`): a write of one is accepted and
 * dropped, so provisioning does not fail; a filter on one is still `invalidFilter`.
 */
export const DISCARDED_USER_ATTRIBUTES: readonly string[] = [
  'addresses',
  'ims',
  'photos',
  'entitlements',
  'roles',
  'x509certificates',
];
