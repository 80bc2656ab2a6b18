import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { ScimResource } from '../../domain/scim/contract.js';
import { resourceTypes, schemaResources, serviceProviderConfig } from '../../domain/scim/resource.js';
import { TokenBuckets } from '../../lib/token-buckets.js';
import type { Services } from '../../services.js';
import { clientAddress } from '../client-address.js';
import { handleScimError, ScimHttpError, sendScimError } from './errors.js';
import { send, sendList } from './replies.js';
import { groupRoutes, userRoutes } from './resources.js';

/** 1 MB: the largest group PATCH Okta or Entra sends is far below it. */
export const SCIM_BODY_LIMIT = 1024 * 1024;

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

  // declared up front, so every request object has the same shape
  app.decorateRequest('scimCaller', undefined);
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
  // Entra reads /Schemas when the connection is saved: ListResponses, as RFC 7644 §4 has them
  app.get('/Schemas', async (_request, reply) => sendList(reply, schemaResources(base)));
  app.get('/Schemas/:id', async (request, reply) =>
    send(reply, 200, byId(schemaResources(base), (request.params as { id: string }).id, 'schema')),
  );
  app.get('/ResourceTypes', async (_request, reply) => sendList(reply, resourceTypes(base)));
  app.get('/ResourceTypes/:id', async (request, reply) =>
    send(reply, 200, byId(resourceTypes(base), (request.params as { id: string }).id, 'resource type')),
  );

  const routeOptions = { bodyLimit: SCIM_BODY_LIMIT };
  userRoutes(app, services, routeOptions);
  groupRoutes(app, services, routeOptions);
}

/** A discovery resource by its id, without case; 404 in the SCIM format otherwise. */
function byId(resources: ScimResource[], id: string, what: string): ScimResource {
  const found = resources.find((r) => String(r.id).toLowerCase() === id.toLowerCase());
  if (!found) throw new ScimHttpError(404, `No ${what} ${id}`);
  return found;
}
