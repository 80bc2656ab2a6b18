import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Config } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import { isAccountRefusal, SignInRefused, type Refusal } from '../../domain/sign-in/index.js';
import type { Services } from '../../services.js';
import { clientAddress } from '../client-address.js';
import {
  csrfMatches,
  csrfToken,
  readCookie,
  readDeviceCookie,
  retryAfter,
  SESSION_COOKIE,
  setCookie,
  setDeviceCookie,
} from '../pages/cookies.js';
import { acceptForms } from '../pages/forms.js';
import { html, page, type Html } from '../pages/html.js';
import { currentPasswordField, emailField } from '../pages/views.js';
import { continueToIdp } from '../pages/idp-redirect.js';
import { interactionPath } from './provider.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

interface Options {
  services: Services;
  config: Config;
  provider: () => Promise<Provider>;
}

/** How soon after the IdP's callback began the session the app's sign-in must go on. */
const IDP_RETURN_MS = 2 * 60_000;

/** Form errors shown beside the fields; anything else is not the person's to fix here. */
const FORM_KINDS = new Set(['InvalidInput', 'Unauthorized', 'Throttled', 'PreconditionFailed']);

/**
 * Signing in to an app: the provider sends the browser here. A browser already signed in to
 * Belfry goes straight through the gate; otherwise the person signs in here (which also signs
 * the browser in to Belfry, so the next app needs no password). The gate's refusal ends the
 * interaction with `access_denied` and the reason as `error_description`, which the app shows.
 * Consent is implied: every client is a first-party app the operator registered.
 */
export async function interactionPages(app: FastifyInstance, options: Options) {
  const { services, config } = options;
  const secure = config.publicUrl.startsWith('https:');

  acceptForms(app);

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof errors.SessionNotFound)
      return send(reply, 400, 'This sign-in has expired', html`<p>Go back to the app and sign in again.</p>`);
    // A form Belfry could not read as text (see acceptForms).
    if (error instanceof DomainError && error.kind === 'InvalidInput')
      return send(reply, 400, 'Belfry could not read this form', html`<p>${error.message}</p>`);
    request.log.error({ err: error }, 'app sign-in failed');
    return send(
      reply,
      500,
      'Something went wrong',
      html`<p>Belfry could not complete this sign-in (reference ${request.id}). Please try again later.</p>`,
    );
  });

  app.get('/interaction/:uid', async (request, reply) => {
    const provider = await options.provider();
    const details = await provider.interactionDetails(request.raw, reply.raw);
    const forceLogin = String(details.params.prompt ?? '')
      .split(' ')
      .includes('login');
    const session = forceLogin ? undefined : await browserSession(request);
    if (
      session &&
      recentEnough(details, session.signedInAt) &&
      // A domain verified since this session began claims the person: the password sign-in
      // moves them to that account before the app hears who they are.
      !(await services.identities.domainJoinPending(session.identity))
    )
      return finish(request, reply, provider, details, session.identity.id, session.signedInAt);
    return showForm(request, reply, details);
  });

  /**
   * Back from the person's IdP (the callback signed the browser in to Belfry): the sign-in that
   * brought them goes on as a password sign-in does. The session must be the one just begun, so
   * an app asking for a fresh login (prompt=login) gets one.
   */
  app.get('/interaction/:uid/idp', async (request, reply) => {
    const provider = await options.provider();
    const details = await provider.interactionDetails(request.raw, reply.raw);
    const session = await browserSession(request);
    const fresh = session && services.clock.now().getTime() - session.signedInAt.getTime() <= IDP_RETURN_MS;
    if (!session || !fresh) return showForm(request, reply, details);
    return finish(request, reply, provider, details, session.identity.id, session.signedInAt);
  });

  app.post('/interaction/:uid', async (request, reply) => {
    const provider = await options.provider();
    const details = await provider.interactionDetails(request.raw, reply.raw);
    if (!csrfMatches(request, field(request, 'csrf')))
      return showForm(request, reply, details, 'This form has expired; please sign in again.', 403);
    const email = field(request, 'email');
    // An address whose organisation signs in through its IdP goes there, and comes back to /idp above.
    const idp = await services.directory.startIdpSignIn(email, details.uid);
    if (idp?.kind === 'redirect')
      return send(reply, 200, 'Continue to your organisation', continueToIdp(reply, idp, secure));
    if (idp?.kind === 'refused') return showForm(request, reply, details, idp.message, 503, email);
    let session;
    try {
      session = await services.identities.signIn(email, field(request, 'password'), {
        sourceIp: clientAddress(request),
        requestId: request.id,
        device: readDeviceCookie(request),
      });
    } catch (error) {
      const refused = error instanceof SignInRefused ? error : undefined;
      if (!refused && !(error instanceof DomainError && FORM_KINDS.has(error.kind))) throw error;
      const shown = error as DomainError;
      retryAfter(reply, shown);
      // The right credentials of someone their account refuses: the app hears why.
      if (refused && isAccountRefusal(refused.refusal.code))
        return refuse(request, reply, provider, refused.refusal);
      return showForm(request, reply, details, shown.message, formStatus(shown), email);
    }
    const maxAgeSeconds = Math.floor((session.expiresAt.getTime() - services.clock.now().getTime()) / 1000);
    setCookie(reply, SESSION_COOKIE, session.token, { secure, maxAgeSeconds });
    setDeviceCookie(reply, session.device, secure);
    return finish(request, reply, provider, details, session.identity.id);
  });

  async function browserSession(request: FastifyRequest) {
    const token = readCookie(request, SESSION_COOKIE);
    return token === undefined ? undefined : services.identities.browserSession(token);
  }

  /**
   * An app that sends max_age wants a password entered at most that many seconds ago (OIDC
   * Core §3.1.2.1); an older Belfry session asks for it again rather than vouching for it.
   */
  function recentEnough(details: Interaction, signedInAt: Date): boolean {
    const maxAge = details.params.max_age;
    if (maxAge === undefined) return true;
    return epochSeconds(services.clock.now()) - epochSeconds(signedInAt) <= Number(maxAge);
  }

  /** Runs the gate; on success makes the grant, records the sign-in and resumes the provider. */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    provider: Provider,
    details: Interaction,
    identityId: string,
    signedInAt = services.clock.now(),
  ) {
    const decision = await services.oidc.signIns.decide(identityId);
    if (!decision) return showForm(request, reply, details);
    if (!decision.allowed) return refuse(request, reply, provider, decision.refusal);
    const grantId = await grantRequested(provider, details, identityId);
    await services.oidc.signIns.record(
      grantId,
      identityId,
      decision,
      config.oidc.refreshTokenTtlSeconds * 1000,
    );
    const to = await provider.interactionResult(
      request.raw,
      reply.raw,
      // auth_time in the ID token is when the password was entered, not when this app asked.
      { login: { accountId: identityId, ts: epochSeconds(signedInAt) }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(to, 303);
  }

  async function refuse(request: FastifyRequest, reply: FastifyReply, provider: Provider, refusal: Refusal) {
    request.log.info({ refusal: refusal.code }, 'app sign-in refused');
    const to = await provider.interactionResult(
      request.raw,
      reply.raw,
      { error: 'access_denied', error_description: refusal.reason },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(to, 303);
  }

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    details: Interaction,
    error?: string,
    status = 200,
    email?: string,
  ) {
    const csrf = csrfToken(request, reply, secure);
    const body = html`<form method="post" action="${interactionPath(details.uid)}">
        <input type="hidden" name="csrf" value="${csrf}" />
        ${emailField(email)} ${currentPasswordField({ signIn: true })}
        <button type="submit">Sign in</button>
      </form>
      <p><a href="/password/forgot">Forgot your password?</a> · <a href="/register">Register</a></p>`;
    return send(reply, status, 'Sign in to continue', body, error, redirectOrigin(details));
  }

  function send(
    reply: FastifyReply,
    status: number,
    title: string,
    body: Html,
    error?: string,
    formTarget = '',
  ) {
    return reply
      .code(status)
      .headers({
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        // The form's post is redirected on to the app: browsers hold redirects to form-action too.
        'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formTarget}; frame-ancestors 'none'; base-uri 'none'`,
      })
      .type('text/html; charset=utf-8')
      .send(page(title, body, { error }));
  }
}

/** The grant of what the app asked for (scopes, claims, resources), saved; returns its id. */
async function grantRequested(provider: Provider, details: Interaction, identityId: string): Promise<string> {
  const grant = new provider.Grant({ accountId: identityId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  grant.addOIDCScope(missing.missingOIDCScope ?? String(details.params.scope ?? 'openid').split(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(resource, scopes.join(' '));
  return grant.save();
}

/** The form's status: throttled 429, a directory that could not answer 503, anything else 400. */
function formStatus(error: DomainError): number {
  return error.kind === 'Throttled' ? 429 : error.kind === 'Unavailable' ? 503 : 400;
}

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

function field(request: FastifyRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The origin of the app's redirect URI, for the form's Content-Security-Policy. */
function redirectOrigin(details: Interaction): string {
  try {
    return new URL(String(details.params.redirect_uri)).origin;
  } catch {
    return '';
  }
}
