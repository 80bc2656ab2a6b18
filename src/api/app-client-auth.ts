import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientSummary } from '../domain/oidc/clients.js';
import { decodeComponentText, decodeUtf8 } from '../lib/text.js';
import type { Services } from '../services.js';

/**
 * The service-to-service APIs (the live entitlement check, usage reports) authenticate an app
 * as itself: its client id and secret in HTTP Basic, as at the token endpoint. Errors use
 * OAuth's `{ error, error_description }`, the format these apps already parse.
 */
export async function authenticateAppClient(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  realm: string,
): Promise<ClientSummary | undefined> {
  const credentials = basicCredentials(request);
  const client =
    credentials && (await services.entitlements.authenticateApp(credentials.id, credentials.secret));
  if (!client) {
    reply.header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    oauthError(reply, 401, 'invalid_client', 'Authenticate with the app client id and secret (HTTP Basic)');
  }
  return client;
}

export function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply.code(status).send({ error, error_description: description });
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
