import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/access/actor.js';
import { adminActor } from '../../domain/admins/rules.js';
import type { Services } from '../../services.js';
import { ChimeProtocolError, chimeErrors } from '../chime/errors.js';
import { clientAddress } from '../client-address.js';
import { readCookie } from '../pages/cookies.js';

/** The console's session cookie; the end users' pages have their own (belfry_session). */
export const CONSOLE_COOKIE = 'belfry_console';
/** The header every state-changing console request carries its CSRF token in. */
export const CSRF_HEADER = 'x-belfry-csrf';

/**
 * HttpOnly (scripts cannot read it), SameSite=Strict (no other site's page, link or form sends
 * it), Secure when Belfry is served over https. No Max-Age: the session's own expiry rules.
 */
export function setConsoleCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.header('set-cookie', consoleCookie(token, secure));
}

export function clearConsoleCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', `${consoleCookie('deleted-deleted-deleted', secure)}; Max-Age=0`);
}

function consoleCookie(value: string, secure: boolean): string {
  return [
    `${CONSOLE_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export const readConsoleCookie = (request: FastifyRequest) => readCookie(request, CONSOLE_COOKIE);

/** Whether the request comes from the console rather than a SigV4 client: a session cookie, no signature. */
export function isConsoleRequest(request: FastifyRequest): boolean {
  return request.headers.authorization === undefined && readConsoleCookie(request) !== undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Authenticates a console request to the API: the session cookie, and for every request that can
 * change something, the session's CSRF token in the X-Belfry-Csrf header (another site can make a
 * browser send the cookie, never read the token). The actor is the administrator's principal, so
 * policies, budgets and the audit trail treat it as they treat an access key.
 */
export async function authenticateSession(request: FastifyRequest, services: Services): Promise<Actor> {
  const token = readConsoleCookie(request);
  const session = token === undefined ? undefined : await services.consoleAdmins.findSession(token);
  if (!session)
    throw new ChimeProtocolError(
      chimeErrors.Unauthorized,
      'Your console session has ended (signed out, idle too long, or expired). Sign in again.',
    );
  if (!SAFE_METHODS.has(request.method)) {
    const given = request.headers[CSRF_HEADER];
    if (!services.consoleAdmins.csrfMatches(session, typeof given === 'string' ? given : undefined))
      throw new ChimeProtocolError(
        chimeErrors.Forbidden,
        "This request lacks the console session's CSRF token (X-Belfry-Csrf header). Reload the console and try again.",
      );
  }
  return adminActor(session.admin, { requestId: request.id, sourceIp: clientAddress(request) });
}
