import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isEntitlement } from '../../domain/entitlements/checks.js';
import { queryIsText } from '../../lib/text.js';
import type { Services } from '../../services.js';
import { authenticateAppClient, oauthError as fail } from '../app-client-auth.js';

/**
 * The service-to-service entitlement API: an app, authenticated as itself with its client id
 * and secret (HTTP Basic, as at the token endpoint), asks where one of its users stands now.
 * Errors use OAuth's `{ error, error_description }`, the format these apps already parse.
 */
export async function entitlementApi(app: FastifyInstance, options: { services: Services }) {
  const { entitlements } = options.services;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const client = await authenticateAppClient(options.services, request, reply, 'belfry-entitlements');
    if (!client) return reply;
    if (!queryIsText(request.raw.url))
      return fail(reply, 400, 'invalid_request', 'The query is not valid percent-encoded UTF-8 text');
  });

  /** "May `sub` do `entitlement` now?" */
  app.get('/entitlements/check', async (request, reply) => {
    const sub = queryValue(request, 'sub');
    const entitlement = queryValue(request, 'entitlement');
    if (!sub)
      return fail(reply, 400, 'invalid_request', 'The query needs sub (the user, as in their tokens)');
    if (!entitlement || !isEntitlement(entitlement))
      return fail(
        reply,
        400,
        'invalid_request',
        'entitlement must be one of meetings:host, meetings:attend, chat, calling:inbound, calling:outbound, sms',
      );
    const answer = await entitlements.check(sub, entitlement);
    return answer ?? fail(reply, 404, 'unknown_sub', `No Belfry user has the sub ${sub}`);
  });

  /** Everything at once: the gate's answer and the claims a token issued now would carry. */
  app.get('/entitlements/standing', async (request, reply) => {
    const sub = queryValue(request, 'sub');
    if (!sub)
      return fail(reply, 400, 'invalid_request', 'The query needs sub (the user, as in their tokens)');
    return (
      (await entitlements.standing(sub)) ??
      fail(reply, 404, 'unknown_sub', `No Belfry user has the sub ${sub}`)
    );
  });
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
