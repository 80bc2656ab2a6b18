import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { ScimResource } from '../../domain/scim/contract.js';
import { resourceSchemas, resourceTypes, serviceProviderConfig } from '../../domain/scim/resource.js';
import { TokenBuckets } from '../../lib/token-buckets.js';
import type { Services } from '../../services.js';
import { clientAddress } from '../client-address.js';
import { handleScimError, ScimHttpError, sendScimError } from './errors.js';
import { send, sendList } from './replies.js';
import { groupRoutes, userRoutes } from './resources.js';

/** 1 MB: the largest group PATCH Okta or Entra sends is far below it. */
export const SCIM_BODY_LIMIT = 1024 * 1024;

const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

/**
 * The SCIM 2.0 server (RFC 7643/7644) an identity provider provisions through, mounted at
 * `/scim/v2`: Bearer tokens of one account each, a request rate per token, bodies in
 * `application/scim+json` (or `application/json`), every error in the RFC's format. Thin: the
 * rules are in `domain/scim`.
 */
export async function scimApi(app: FastifyInstance, options: { services: Services; config: Config }) {
  const { services, config } = options;
  const base = `${config.publicUrl}/scim/v2`;
  const limits = config.scimRateLimit;
  const buckets = new TokenBuckets({ ratePerSecond: limits.requestsPerSecond, capacity: limits.burst });
  const sweeper = setInterval(() => buckets.sweep(), 60_000);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

  // Fastify answers 415 to application/scim+json until it has a parser (Okta and Entra send it).
  app.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string', bodyLimit: SCIM_BODY_LIMIT },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.setErrorHandler((error, request, reply) => handleScimError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendScimError(reply, 404, `No SCIM endpoint ${request.method} ${request.url.split('?')[0]}`),
  );

  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const header = request.headers.authorization;
    const secret = header && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : '';
    const caller =
      secret === ''
        ? undefined
        : await services.scim.tokens.authenticate(secret, {
            requestId: request.id,
            sourceIp: clientAddress(request),
          });
    if (!caller) {
      reply.header('www-authenticate', 'Bearer realm="belfry-scim"');
      throw new ScimHttpError(401, 'Authenticate with a SCIM token of the account (Authorization: Bearer …)');
    }
    const waitSeconds = Math.ceil(buckets.take(caller.tokenId));
    if (waitSeconds > 0) {
      reply.header('retry-after', String(waitSeconds));
      throw new ScimHttpError(
        429,
        `Too many requests: a SCIM token may make ${limits.requestsPerSecond} per second (bursts of ${limits.burst}); retry after ${waitSeconds} s`,
      );
    }
    request.scimCaller = caller;
  });

  app.get('/ServiceProviderConfig', async (_request, reply) => send(reply, 200, serviceProviderConfig(base)));
  app.get('/Schemas', async (_request, reply) => sendList(reply, resourceSchemas().map(schemaResource)));
  app.get('/Schemas/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const found = resourceSchemas().find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!found) throw new ScimHttpError(404, `No schema ${id}`);
    return send(reply, 200, schemaResource(found));
  });
  app.get('/ResourceTypes', async (_request, reply) =>
    sendList(reply, resourceTypes(base).map(withSchema(RESOURCE_TYPE_SCHEMA))),
  );
  app.get('/ResourceTypes/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const found = resourceTypes(base).find((t) => String(t.id).toLowerCase() === id.toLowerCase());
    if (!found) throw new ScimHttpError(404, `No resource type ${id}`);
    return send(reply, 200, withSchema(RESOURCE_TYPE_SCHEMA)(found));
  });

  const routeOptions = { bodyLimit: SCIM_BODY_LIMIT };
  userRoutes(app, services, routeOptions);
  groupRoutes(app, services, routeOptions);

  function schemaResource(schema: ReturnType<typeof resourceSchemas>[number]): ScimResource {
    return {
      schemas: [SCHEMA_SCHEMA],
      ...schema,
      meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
    };
  }
}

/** Adds the resource's own schema and `meta` when the pure module left them out. */
const withSchema = (schema: string) => (resource: ScimResource) => ({
  schemas: [schema],
  ...resource,
});
