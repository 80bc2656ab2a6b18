import type { FastifyInstance } from 'fastify';
import { MAX_MEETINGS_PER_BATCH } from '../../domain/usage/ingest.js';
import { decodeUtf8 } from '../../lib/text.js';
import type { Services } from '../../services.js';
import { authenticateAppClient, oauthError as fail } from '../app-client-auth.js';

/** 500 meetings of a few hundred bytes each, with room to spare. */
const BODY_LIMIT = 1024 * 1024;

/**
 * The meetings service reports hosted meetings (issue 17; README "Usage and billing"), as an app
 * client like the live check, and only an app client the operator named in
 * BELFRY_USAGE_REPORTER_CLIENTS: any other app (a chat app) is refused, so it cannot bill anyone.
 * `POST /usage/meetings` with `{ meetings: [...] }`; the answer lists each item's outcome.
 */
export async function usageApi(app: FastifyInstance, options: { services: Services }) {
  const { services } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413)
      return fail(reply, 413, 'invalid_request', `The body is larger than ${BODY_LIMIT} bytes`);
    if (status < 500) return fail(reply, status, 'invalid_request', error.message);
    request.log.error({ err: error }, 'usage report failed');
    return fail(reply, 500, 'server_error', `The report could not be recorded (request ${request.id})`);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const client = await authenticateAppClient(services, request, reply, 'belfry-usage');
    if (!client) return reply;
    if (!services.usage.mayReport(client))
      return fail(
        reply,
        403,
        'unauthorized_client',
        'This app client may not report meetings (the operator lists reporters in BELFRY_USAGE_REPORTER_CLIENTS)',
      );
    request.appClient = client;
  });

  app.post('/usage/meetings', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type))
      return fail(reply, 415, 'invalid_request', 'Send the batch as application/json');
    const meetings = batchOf(body);
    if (typeof meetings === 'string') return fail(reply, 400, 'invalid_request', meetings);
    const results = await services.usage.reportMeetings(request.appClient!, meetings, {
      requestId: request.id,
      sourceIp: request.ip,
    });
    const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
    return {
      results,
      accepted: results.length - count('refused') - count('invalid'),
      refused: count('refused'),
      invalid: count('invalid'),
    };
  });
}

/** The `meetings` array of a JSON body, or why the body is not a batch. */
function batchOf(body: Buffer): unknown[] | string {
  const text = decodeUtf8(body);
  if (text === undefined) return 'The body is not valid UTF-8';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'The body is not valid JSON';
  }
  const meetings = (parsed as { meetings?: unknown } | null)?.meetings;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray(meetings))
    return 'The body is { "meetings": [ ... ] }';
  if (Object.keys(parsed).length !== 1) return 'The body has only "meetings"';
  if (meetings.length === 0) return 'meetings is empty';
  if (meetings.length > MAX_MEETINGS_PER_BATCH)
    return `At most ${MAX_MEETINGS_PER_BATCH} meetings in one call, not ${meetings.length}`;
  return meetings;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the app client a usage request authenticated as */
    appClient?: import('../../domain/oidc/clients.js').ClientSummary;
  }
}
