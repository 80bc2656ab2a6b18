import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import type { ConsoleSession } from '../../domain/admins/sessions.js';
import type { Services } from '../../services.js';
import { chimeErrors } from '../chime/errors.js';
import { sendError } from '../chime/plugin.js';
import { clientAddress } from '../client-address.js';
import { readDeviceCookie, retryAfter, setDeviceCookie } from '../pages/cookies.js';
import { clearConsoleCookie, CSRF_HEADER, readConsoleCookie, setConsoleCookie } from './session-cookie.js';
import { serveConsoleApp } from './static.js';

/** The session as the console app reads it: who is signed in, and the token for X-Belfry-Csrf. */
function sessionView(session: Pick<ConsoleSession, 'csrfToken' | 'admin'>) {
  const { admin } = session;
  return {
    Administrator: {
      Email: admin.email,
      Policy: admin.policy,
      AccountId: admin.accountId ?? null,
      Totp: admin.totp,
    },
    CsrfToken: session.csrfToken,
  };
}

const text = (body: unknown, name: string) => {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/**
 * The console's own routes: sign-in, sign-out and the first administrator, under /console/api,
 * answering errors in the Chime format like the operations the console then calls; and the app
 * itself under /console.
 */
export async function consoleApi(app: FastifyInstance, options: { services: Services; config: Config }) {
  const { services, config } = options;
  const secure = config.publicUrl.startsWith('https:');
  const admins = services.consoleAdmins;
  const client = (request: FastifyRequest) => ({
    requestId: request.id,
    sourceIp: clientAddress(request),
    device: readDeviceCookie(request),
  });

  app.setErrorHandler((error, request, reply) => {
    retryAfter(reply, error);
    return sendError(request, reply, error);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  });

  const unauthorized = (reply: FastifyReply) =>
    reply
      .code(401)
      .header('x-amzn-errortype', chimeErrors.Unauthorized.type)
      .send({ Code: chimeErrors.Unauthorized.code, Message: 'Sign in to the console.' });

  app.get('/console/api/session', async (request, reply) => {
    const token = readConsoleCookie(request);
    const session = token === undefined ? undefined : await admins.findSession(token);
    if (!session) return unauthorized(reply);
    return sessionView({
      csrfToken: session.csrfToken,
      admin: { ...session.admin, totp: session.admin.totpSecretSealed !== undefined },
    });
  });

  app.post('/console/api/session', async (request, reply) => {
    const signedIn = await admins.signIn(
      {
        email: text(request.body, 'Email'),
        password: text(request.body, 'Password'),
        totpCode: text(request.body, 'TotpCode') || undefined,
      },
      client(request),
    );
    setDeviceCookie(reply, signedIn.device, secure);
    setConsoleCookie(reply, signedIn.token, secure);
    return reply.code(201).send(sessionView(signedIn));
  });

  // Signing out changes state, so it needs the CSRF token too: another site cannot sign you out.
  app.delete('/console/api/session', async (request, reply) => {
    const token = readConsoleCookie(request);
    const session = token === undefined ? undefined : await admins.findSession(token);
    const given = request.headers[CSRF_HEADER];
    if (session && token !== undefined) {
      if (!admins.csrfMatches(session, typeof given === 'string' ? given : undefined))
        throw new DomainError(
          'Forbidden',
          "This request lacks the console session's CSRF token (X-Belfry-Csrf header). Reload the console and try again.",
        );
      await admins.signOut(token);
    }
    clearConsoleCookie(reply, secure);
    return reply.code(204).send();
  });

  app.get('/console/api/setup', async (request) => {
    const token = (request.query as Record<string, unknown>).token;
    return { Usable: typeof token === 'string' && (await admins.setupTokenUsable(token)) };
  });

  app.post('/console/api/setup', async (request, reply) => {
    const session = await admins.setUpFirstAdmin(
      {
        token: text(request.body, 'Token'),
        email: text(request.body, 'Email'),
        password: text(request.body, 'Password'),
      },
      client(request),
    );
    setConsoleCookie(reply, session.token, secure);
    return reply.code(201).send(sessionView(session));
  });

  serveConsoleApp(app);
}
