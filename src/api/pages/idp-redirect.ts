import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpSignInStart } from '../../domain/directory/contract.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';
import { html, type Html } from './html.js';

/** The sign-in under way at the person's IdP (sealed by the directory domain), for the callback. */
export const IDP_COOKIE = 'belfry_idp';

/** The sealed transaction, base64url so it is a plain cookie value. */
const IDP_SHAPE = /^[A-Za-z0-9_-]{20,4000}$/;

/** As long as the domain lets the person take at their IdP (idp-sign-in.ts). */
const IDP_COOKIE_SECONDS = 10 * 60;

/**
 * The page that sends the browser on to the IdP. Not a redirect of the form's post: browsers
 * hold redirects after a form to its page's `form-action`, which names only Belfry (and the app);
 * a refresh is a navigation of its own.
 */
export function continueToIdp(
  reply: FastifyReply,
  start: Extract<IdpSignInStart, { kind: 'redirect' }>,
  secure: boolean,
): Html {
  const value = Buffer.from(start.transaction, 'utf8').toString('base64url');
  setCookie(reply, IDP_COOKIE, value, { secure, maxAgeSeconds: IDP_COOKIE_SECONDS });
  return html`<meta http-equiv="refresh" content="0;url=${start.url}" />
    <p>Your organisation signs you in through its identity provider.</p>
    <p><a href="${start.url}">Continue to your organisation’s sign-in</a></p>`;
}

/** The transaction this browser carries back from the IdP (at most once: the callback clears it). */
export function takeIdpTransaction(
  request: FastifyRequest,
  reply: FastifyReply,
  secure: boolean,
): string | undefined {
  const value = readCookie(request, IDP_COOKIE, IDP_SHAPE);
  clearCookie(reply, IDP_COOKIE, secure);
  return value === undefined ? undefined : Buffer.from(value, 'base64url').toString('utf8');
}

/** The query the IdP sent the browser back with. */
export function callbackQuery(request: FastifyRequest): URLSearchParams {
  return new URL(request.url, 'http://callback.invalid').searchParams;
}
