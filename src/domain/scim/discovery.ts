import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  type ResourceSchema,
  type ScimResource,
} from './contract.js';
import { allSchemas } from './schemas.js';

/** RFC 7643 §5–7: what a client reads to learn what Belfry supports. */

export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** The most resources one filtered list returns. */
export const MAX_FILTER_RESULTS = 1000;

const base = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** The schemas Belfry supports, as `/Schemas` lists them. */
export function resourceSchemas(): ResourceSchema[] {
  return structuredClone([...allSchemas()]);
}

/** Each schema as the resource `/Schemas` and `/Schemas/{id}` answer, with `schemas` and `meta`. */
export function schemaResources(baseUrl: string): ScimResource[] {
  return resourceSchemas().map((schema) => ({
    schemas: [SCHEMA_SCHEMA],
    ...schema,
    meta: { resourceType: 'Schema', location: `${base(baseUrl)}/Schemas/${schema.id}` },
  }));
}

/** `/ServiceProviderConfig`, telling the truth about what is supported. */
export function serviceProviderConfig(baseUrl: string): ScimResource {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_FILTER_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A bearer token created for the account in the Belfry console.',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${base(baseUrl)}/ServiceProviderConfig`,
    },
  };
}

/** `/ResourceTypes`: users (with the optional enterprise extension) and groups. */
export function resourceTypes(baseUrl: string): ScimResource[] {
  const resourceType = (id: string, endpoint: string, schema: string, extra: object) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id,
    name: id,
    description: `${id}s provisioned by the identity provider.`,
    endpoint,
    schema,
    ...extra,
    meta: { resourceType: 'ResourceType', location: `${base(baseUrl)}/ResourceTypes/${id}` },
  });
  return [
    resourceType('User', '/Users', USER_SCHEMA, {
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    }),
    resourceType('Group', '/Groups', GROUP_SCHEMA, {}),
  ];
}
