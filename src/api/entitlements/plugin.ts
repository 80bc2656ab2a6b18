import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isEntitlement } from '../../domain/entitlements/checks.js';
import { decodeComponentText, decodeUtf8, queryIsText } from '../../lib/text.js';
import type { Services } from '../../services.js';

/**
 * The service-to-service entitlement API: an app, authenticated as itself with its client id
 * and secret (HTTP Basic, as at the token endpoint), asks where one of its users stands now.
 * Errors use OAuth's `{ error, error_description }`, the format these apps already parse.
 */
export async function entitlementApi(app: FastifyInstance, options: { services: Services }) {
  const { entitlements } = options.services;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const credentials = basicCredentials(request);
    const client = credentials && (await entitlements.authenticateApp(credentials.id, credentials.secret));
    if (!client) {
      reply.header('www-authenticate', 'Basic realm="belfry-entitlements", charset="UTF-8"');
      return fail(
        reply,
        401,
        'invalid_client',
        'Authenticate with the app client id and secret (HTTP Basic)',
      );
    }
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

function fail(reply: FastifyReply, status: number, error: string, description: string) {
  return reply.code(status).send({ error, error_description: description });
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** RFC 6749 §2.3.1: both parts are form-encoded before the Base64 of `id:secret`. */
function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const header = request.headers.authorization;
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = decodeUtf8(Buffer.from(header.slice(6).trim(), 'base64'));
  const colon = decoded?.indexOf(':') ?? -1;
  if (colon <= 0) return undefined;
  const id = decodeComponentText(decoded!.slice(0, colon));
  const secret = decodeComponentText(decoded!.slice(colon + 1));
  return id === undefined || secret === undefined ? undefined : { id, secret };
}
