import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { DomainError, invalid, type ErrorKind } from '../../domain/errors.js';
import type { Identity } from '../../domain/identities/service.js';
import { SignInRefused } from '../../domain/sign-in/index.js';
import type { Services } from '../../services.js';
import { clientAddress } from '../client-address.js';
import { accountPages } from './account-pages.js';
import { csrfMatches, csrfToken, readCookie, SESSION_COOKIE } from './cookies.js';
import { queryIsText } from '../../lib/text.js';
import { acceptForms } from './forms.js';
import { html, page, type Html } from './html.js';
import { invitationPages } from './invitation-pages.js';
import { link } from './views.js';

/** What the page routes share: rendering, form fields, the session and the CSRF token. */
export interface PageTools {
  services: Services;
  /** cookies get `Secure` when Belfry is served over https */
  secure: boolean;
  send(reply: FastifyReply, status: number, title: string, body: Html, error?: string): FastifyReply;
  field(request: FastifyRequest, name: string): string;
  /** a query parameter, or undefined when absent or empty */
  query(request: FastifyRequest, name: string): string | undefined;
  csrf(request: FastifyRequest, reply: FastifyReply): string;
  /** the identity this browser is signed in as, if any */
  signedIn(request: FastifyRequest): Promise<Identity | undefined>;
  client(request: FastifyRequest): { requestId: string; sourceIp: string | undefined };
  /** the DomainError a form shows next to its fields (bad input, wrong password, throttled) */
  formError(error: unknown): DomainError;
}

const STATUS: Record<ErrorKind, number> = {
  InvalidInput: 400,
  Unauthorized: 401,
  Forbidden: 403,
  AccessDenied: 403,
  PreconditionFailed: 403,
  NotFound: 404,
  Conflict: 409,
  AssociationsExist: 409,
  LimitExceeded: 429,
  Throttled: 429,
  Unavailable: 503,
};

export const statusOf = (error: DomainError) => STATUS[error.kind];

const FORM_KINDS = new Set<ErrorKind>(['InvalidInput', 'Unauthorized', 'Throttled', 'PreconditionFailed']);

/**
 * End users' pages: registration, sign-in, password reset, accepting invitations. Plain HTML
 * forms (no script needed), encapsulated so that they parse form posts and answer errors as
 * pages, while the Chime API beside them keeps its raw bodies and JSON errors.
 */
export async function endUserPages(app: FastifyInstance, options: { services: Services; config: Config }) {
  const { services, config } = options;
  const secure = config.publicUrl.startsWith('https:');

  acceptForms(app);
  app.addHook('onRequest', async (request) => {
    if (!queryIsText(request.raw.url))
      throw invalid('This link holds text that is not valid Unicode: open the whole link from the email');
  });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    // Links carry tokens: never let them leak to another site through the Referer header.
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  // Every form post must carry the token of the form this site rendered (double-submit cookie).
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    if (csrfMatches(request, tools.field(request, 'csrf'))) return;
    return tools.send(
      reply,
      403,
      'This form has expired',
      html`<p>
        Belfry could not match this form to your browser (it may have been open for a long time, or cookies
        are blocked). Go back, reload the page and try again.
      </p>`,
    );
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof DomainError)
      return tools.send(
        reply,
        statusOf(error),
        'Something is not right',
        html`<p>${error.message}</p>
          ${homeLinks()}`,
      );
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return tools.send(
        reply,
        status,
        'Belfry could not read this request',
        html`<p>${(error as Error).message}</p>`,
      );
    request.log.error({ err: error }, 'page failed');
    return tools.send(
      reply,
      500,
      'Something went wrong',
      html`<p>Belfry could not complete this request (reference ${request.id}). Please try again later.</p>`,
    );
  });

  const tools: PageTools = {
    services,
    secure,
    send(reply, status, title, body, error) {
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(page(title, body, { error }));
    },
    field(request, name) {
      const value = (request.body as Record<string, unknown> | undefined)?.[name];
      return typeof value === 'string' ? value : '';
    },
    query(request, name) {
      const value = (request.query as Record<string, unknown>)[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    },
    csrf: (request, reply) => csrfToken(request, reply, secure),
    async signedIn(request) {
      const token = readCookie(request, SESSION_COOKIE);
      return token === undefined ? undefined : services.identities.sessionIdentity(token);
    },
    client: (request) => ({ requestId: request.id, sourceIp: clientAddress(request) }),
    formError(error) {
      // A refused sign-in is always the form's to show (a directory outage included).
      if (error instanceof SignInRefused) return error;
      if (error instanceof DomainError && FORM_KINDS.has(error.kind)) return error;
      throw error;
    },
  };

  accountPages(app, tools);
  invitationPages(app, tools);
}

function homeLinks(): Html {
  return html`<p>${link('/signin', 'Sign in')} · ${link('/register', 'Register')}</p>`;
}
