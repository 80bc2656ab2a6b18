import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Actor } from '../../domain/access/actor.js';
import { DomainError, invalid } from '../../domain/errors.js';
import { queryIsText } from '../../lib/text.js';
import type { Services } from '../../services.js';
import { bindInput } from './binding.js';
import type { AnyOperationName, ChimeOperation } from './context.js';
import {
  badRequest,
  ChimeProtocolError,
  chimeErrors,
  serviceFailure,
  type ChimeErrorShape,
} from './errors.js';
import { handlers } from './operations/index.js';
import { buildRouteGroups, selectCandidate, type RouteGroup } from './routes.js';
import { SigV4Error, type SigV4Failure } from './sigv4.js';
import { authenticate } from './authenticate.js';

/** Prefix that clients of 2018–2019 put in front of every path; accepted for them. */
const LEGACY_PREFIX = '/console';

const sigv4Errors: Record<SigV4Failure, ChimeErrorShape> = {
  MissingAuthenticationToken: { status: 403, type: 'MissingAuthenticationTokenException', code: 'Forbidden' },
  IncompleteSignature: { status: 403, type: 'IncompleteSignatureException', code: 'Forbidden' },
  UnrecognizedClient: { status: 403, type: 'UnrecognizedClientException', code: 'Forbidden' },
  InvalidSignature: { status: 403, type: 'InvalidSignatureException', code: 'Forbidden' },
  SignatureExpired: { status: 403, type: 'InvalidSignatureException', code: 'Forbidden' },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** the Chime operation, once resolved (for logs and metrics) */
    chimeOperation?: string;
  }
}

/**
 * The Chime restJson1 adapter: one Fastify route per method and path template of the model,
 * SigV4 on every request, the operation chosen by its query literal, input checked against the
 * model, and every error in the Chime format.
 */
export async function chimeApi(app: FastifyInstance, options: { services: Services; config: Config }) {
  const { services, config } = options;

  // Declared, so every request object has the member from the start (one shape for V8).
  app.decorateRequest('chimeOperation', undefined);
  // Bodies are kept raw: SigV4 hashes the exact bytes, and JSON is parsed after verification.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new ChimeProtocolError(
        chimeErrors.NotFound,
        `No operation matches ${request.method} ${request.url.split('?')[0]}`,
      ),
    ),
  );

  for (const group of buildRouteGroups()) {
    const handler = (request: FastifyRequest, reply: FastifyReply) => dispatch(group, request, reply);
    app.route({ method: group.method as 'GET', url: group.path, handler });
    app.route({ method: group.method as 'GET', url: LEGACY_PREFIX + group.path, handler });
  }

  /** Takes one request from the principal's budget, or refuses it with Retry-After. */
  function spendBudget(actor: Actor, reply: FastifyReply) {
    const waitSeconds = Math.ceil(services.requestBudget.take(actor.principalId ?? actor.label));
    if (waitSeconds === 0) return;
    reply.header('retry-after', String(waitSeconds));
    const { requestsPerSecond, burst } = config.apiRateLimit;
    throw new ChimeProtocolError(
      chimeErrors.Throttled,
      `Rate exceeded: this key may make ${requestsPerSecond} requests per second (bursts of ${burst}); retry after ${waitSeconds} s`,
    );
  }

  async function dispatch(group: RouteGroup, request: FastifyRequest, reply: FastifyReply) {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const actor = await authenticate(request, body, services, config);
    // After the signature is verified: a stranger cannot spend (and so exhaust) a key's budget.
    spendBudget(actor, reply);
    if (!queryIsText(request.raw.url))
      throw badRequest('The query string is not valid percent-encoded UTF-8 text');
    const query = request.query as Record<string, string | string[]>;
    const flatQuery: Record<string, string> = {};
    for (const k in query) {
      const v = query[k]!;
      // No in-scope operation takes a list in its query, and taking one of two values would let
      // a request mean something other than what was signed (the signature sorts the pairs).
      if (Array.isArray(v)) throw badRequest(`The query parameter ${k} is given more than once`);
      flatQuery[k] = v;
    }
    const candidate = selectCandidate(group, flatQuery);
    if (!candidate) {
      const literalKey = group.candidates.find((c) => c.literal)?.literal?.[0] ?? 'operation';
      throw badRequest(
        `No operation matches ${group.method} ${group.path.replace(/:(\w+)/g, '{$1}')} with ${literalKey}=${flatQuery[literalKey] ?? '(none)'}`,
      );
    }
    const { spec } = candidate;
    request.chimeOperation = spec.name;
    const operation = handlers[spec.name] as ChimeOperation<AnyOperationName> | undefined;
    if (!operation) throw badRequest(`Belfry does not support the ${spec.name} operation`);
    const labels = request.params as Record<string, string>;
    let input: Record<string, unknown>;
    try {
      input = bindInput(spec, labels, flatQuery, body);
    } catch (error) {
      // A change refused for its input is still an attempted change: it goes in the trail.
      if (request.method !== 'GET' && error instanceof ChimeProtocolError)
        await services.audit.recordRefusal(
          actor,
          { operation: spec.name, accountId: labels.AccountId, userId: labels.UserId },
          invalid(error.message),
        );
      throw error;
    }
    const output = await operation(input as never, { services, actor });
    reply.code(spec.code);
    if (spec.code === 204) return reply.send();
    return reply.type('application/json').send(JSON.stringify(output));
  }
}

/** Answers an error in the Chime format: `x-amzn-ErrorType` and `{ Code, Message }`. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  let shape: ChimeErrorShape;
  let message: string;
  if (error instanceof ChimeProtocolError) [shape, message] = [error.shape, error.message];
  else if (error instanceof DomainError) [shape, message] = [chimeErrors[error.kind], error.message];
  else if (error instanceof SigV4Error) {
    [shape, message] = [sigv4Errors[error.reason], error.message];
    request.log.info({ reason: error.reason }, 'request refused: %s', error.message);
  } else if (isFastifyClientError(error)) {
    shape = { ...chimeErrors.InvalidInput, status: error.statusCode };
    message = error.message;
  } else {
    request.log.error({ err: error }, 'request failed');
    shape = serviceFailure;
    message = `The service failed to process request ${request.id}`;
  }
  return reply
    .code(shape.status)
    .header('x-amzn-errortype', shape.type)
    .type('application/json')
    .send(JSON.stringify({ Code: shape.code, Message: message }));
}

/**
 * Answers a request Node's HTTP parser refused before Fastify saw it (headers or URL past the
 * size limit, a malformed request line) in the Chime format, as sendError would have: there is
 * no request yet, so only the socket to write to, and the connection is closed after.
 */
export function sendClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers are larger than the server accepts (16 KiB)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify({ Code: chimeErrors.InvalidInput.code, Message: message });
  if (socket.writable)
    socket.write(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        `x-amzn-RequestId: ${randomUUID()}`,
        `x-amzn-ErrorType: ${chimeErrors.InvalidInput.type}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  socket.destroy(error);
}

function isFastifyClientError(error: unknown): error is { statusCode: number; message: string } {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
