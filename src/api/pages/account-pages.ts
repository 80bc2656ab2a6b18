import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionGrant } from '../../domain/identities/service.js';
import {
  clearCookie,
  readCookie,
  readDeviceCookie,
  retryAfter,
  SESSION_COOKIE,
  setCookie,
  setDeviceCookie,
} from './cookies.js';
import { html } from './html.js';
import { IDP_CALLBACK_PATH } from '../../domain/directory/oidc-connection.js';
import { interactionPath } from '../oidc/provider.js';
import { callbackQuery, continueToIdp, takeIdpTransaction } from './idp-redirect.js';
import { statusOf, type PageTools } from './plugin.js';
import {
  forgotForm,
  link,
  paragraphs,
  registerForm,
  resetForm,
  signedInView,
  signInForm,
  verifyForm,
} from './views.js';

/** Where an invitation's sign-in or registration continues. */
const acceptPage = (invitation: string) => `/invitations/accept?token=${encodeURIComponent(invitation)}`;

/** Registration, sign-in and out, email confirmation and password reset. */
export function accountPages(app: FastifyInstance, t: PageTools) {
  const identities = t.services.identities;

  function startSession(reply: FastifyReply, grant: SessionGrant) {
    const maxAgeSeconds = Math.floor((grant.expiresAt.getTime() - t.services.clock.now().getTime()) / 1000);
    setCookie(reply, SESSION_COOKIE, grant.token, { secure: t.secure, maxAgeSeconds });
  }

  /** Ends this browser's session, if it has one (before a new sign-in, and at sign-out). */
  async function endSession(request: FastifyRequest, reply: FastifyReply) {
    const token = readCookie(request, SESSION_COOKIE);
    if (token !== undefined) await identities.signOut(token);
    clearCookie(reply, SESSION_COOKIE, t.secure);
  }

  const formContext = (request: FastifyRequest, reply: FastifyReply, invitation?: string) => ({
    csrf: t.csrf(request, reply),
    invitation,
  });

  app.get('/register', async (request, reply) => {
    const ctx = formContext(request, reply, t.query(request, 'invitation'));
    return t.send(reply, 200, 'Register', registerForm(ctx));
  });

  app.post('/register', async (request, reply) => {
    const email = t.field(request, 'email');
    const invitation = t.field(request, 'invitation') || undefined;
    let result;
    try {
      result = await identities.register(
        { email, password: t.field(request, 'password'), invitationToken: invitation },
        t.client(request),
      );
    } catch (error) {
      const e = t.formError(error);
      return t.send(
        reply,
        400,
        'Register',
        registerForm(formContext(request, reply, invitation), email),
        e.message,
      );
    }
    if (result.session) {
      await endSession(request, reply);
      startSession(reply, result.session);
      return reply.redirect(acceptPage(invitation!), 303);
    }
    return t.send(
      reply,
      200,
      'Check your email',
      paragraphs(
        html`We have sent a message to <strong>${email.trim()}</strong>. Open the link in it to finish.`,
        'No message after a few minutes? Look in your spam folder, or use "Forgot your password?" to get a new link.',
      ),
    );
  });

  app.get('/signin', async (request, reply) => {
    const invitation = t.query(request, 'invitation');
    const ctx = formContext(request, reply, invitation);
    const identity = await t.signedIn(request);
    if (identity) {
      const next = invitation
        ? html`<p>${link(acceptPage(invitation), 'Continue to your invitation')}</p>`
        : '';
      const standing = await t.services.entitlements.standing(identity.id);
      return t.send(reply, 200, 'Signed in', html`${signedInView(ctx, identity.email, standing)}${next}`);
    }
    return t.send(reply, 200, 'Sign in', signInForm(ctx));
  });

  app.post('/signin', async (request, reply) => {
    const email = t.field(request, 'email');
    const invitation = t.field(request, 'invitation') || undefined;
    // An address whose organisation signs in through its IdP goes there (the password is not asked).
    const idp = invitation ? undefined : await t.services.directory.startIdpSignIn(email, undefined);
    if (idp?.kind === 'redirect')
      return t.send(reply, 200, 'Continue to your organisation', continueToIdp(reply, idp, t.secure));
    if (idp?.kind === 'refused')
      return t.send(reply, 503, 'Sign in', signInForm(formContext(request, reply), email), idp.message);
    let grant;
    try {
      grant = await identities.signIn(email, t.field(request, 'password'), {
        ...t.client(request),
        device: readDeviceCookie(request),
      });
    } catch (error) {
      const e = t.formError(error);
      retryAfter(reply, e);
      return t.send(
        reply,
        statusOf(e),
        'Sign in',
        signInForm(formContext(request, reply, invitation), email),
        e.message,
      );
    }
    // A fresh session id at every sign-in: one planted in the browser beforehand is worthless.
    await endSession(request, reply);
    startSession(reply, grant);
    setDeviceCookie(reply, grant.device, t.secure);
    return reply.redirect(invitation ? acceptPage(invitation) : '/signin', 303);
  });

  /**
   * Back from the IdP: the directory domain checks its answer and brings the member up to date;
   * the person is signed in to Belfry, and the app sign-in that sent them here (if any) continues.
   * Every failure is a sentence on the sign-in page.
   */
  app.get(IDP_CALLBACK_PATH, async (request, reply) => {
    const transaction = takeIdpTransaction(request, reply, t.secure);
    const outcome = await t.services.directory.finishIdpSignIn(transaction, callbackQuery(request));
    const refusedPage = (message: string, status: number) =>
      t.send(reply, status, 'Sign in', signInForm(formContext(request, reply)), message);
    if (outcome.kind === 'refused')
      return refusedPage(outcome.message, outcome.code === 'directory_unavailable' ? 503 : 403);
    let grant;
    try {
      grant = await identities.signInThroughIdp(outcome, t.client(request));
    } catch (error) {
      const e = t.formError(error);
      return refusedPage(e.message, statusOf(e));
    }
    await endSession(request, reply);
    startSession(reply, grant);
    return reply.redirect(outcome.resume ? `${interactionPath(outcome.resume)}/idp` : '/signin', 303);
  });

  app.get('/signout', async (request, reply) => {
    const identity = await t.signedIn(request);
    const ctx = formContext(request, reply);
    if (!identity)
      return t.send(reply, 200, 'Sign out', paragraphs('You are not signed in.', link('/signin', 'Sign in')));
    return t.send(reply, 200, 'Sign out', signedInView(ctx, identity.email));
  });

  app.post('/signout', async (request, reply) => {
    await endSession(request, reply);
    const invitation = t.field(request, 'invitation') || undefined;
    if (invitation) return reply.redirect(`/signin?invitation=${encodeURIComponent(invitation)}`, 303);
    return t.send(
      reply,
      200,
      'Signed out',
      paragraphs('You are signed out.', link('/signin', 'Sign in again')),
    );
  });

  // The link in the email only shows a button: mail scanners that fetch links must not spend it.
  app.get('/verify', async (request, reply) => {
    const token = t.query(request, 'token');
    if (!token)
      return t.send(
        reply,
        400,
        'Confirm your address',
        paragraphs('This link is incomplete: open the whole link from the email.'),
      );
    return t.send(reply, 200, 'Confirm your address', verifyForm(formContext(request, reply), token));
  });

  app.post('/verify', async (request, reply) => {
    const token = t.field(request, 'token');
    let identity;
    try {
      identity = await identities.verifyEmail(token, t.field(request, 'password'), t.client(request));
    } catch (error) {
      const e = t.formError(error);
      const form = verifyForm(formContext(request, reply), token);
      return t.send(reply, statusOf(e), 'Confirm your address', form, e.message);
    }
    return t.send(
      reply,
      200,
      'Address confirmed',
      paragraphs(html`<strong>${identity.email}</strong> is confirmed.`, link('/signin', 'Sign in')),
    );
  });

  app.get('/password/forgot', async (request, reply) => {
    return t.send(reply, 200, 'Reset your password', forgotForm(formContext(request, reply)));
  });

  app.post('/password/forgot', async (request, reply) => {
    const email = t.field(request, 'email');
    try {
      await identities.requestPasswordReset(email, t.client(request));
    } catch (error) {
      const e = t.formError(error);
      return t.send(
        reply,
        400,
        'Reset your password',
        forgotForm(formContext(request, reply), email),
        e.message,
      );
    }
    // The same answer whether or not the address has an identity.
    return t.send(
      reply,
      200,
      'Check your email',
      paragraphs(
        html`If <strong>${email.trim()}</strong> has a Belfry identity, we have sent it a link to choose a new
          password. The link works for one hour.`,
      ),
    );
  });

  app.get('/password/reset', async (request, reply) => {
    const token = t.query(request, 'token');
    if (!token || !(await identities.isPasswordResetTokenUsable(token)))
      return t.send(
        reply,
        404,
        'Reset your password',
        paragraphs(
          'This reset link has expired or was already used.',
          link('/password/forgot', 'Ask for a new link'),
        ),
      );
    return t.send(reply, 200, 'Choose a new password', resetForm(formContext(request, reply), token));
  });

  app.post('/password/reset', async (request, reply) => {
    const token = t.field(request, 'token');
    try {
      await identities.resetPassword(token, t.field(request, 'password'), t.client(request));
    } catch (error) {
      const e = t.formError(error);
      return t.send(
        reply,
        400,
        'Choose a new password',
        resetForm(formContext(request, reply), token),
        e.message,
      );
    }
    clearCookie(reply, SESSION_COOKIE, t.secure);
    return t.send(
      reply,
      200,
      'Password changed',
      paragraphs(
        'Your password is changed and every session that used the old one has ended.',
        link('/signin', 'Sign in'),
      ),
    );
  });
}
