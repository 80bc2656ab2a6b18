import type { FastifyReply, FastifyRequest } from 'fastify';
import { LIST_RESPONSE_SCHEMA, type ScimResource } from '../../domain/scim/contract.js';
import type { ScimCaller } from '../../domain/scim/tokens.js';
import { SCIM_CONTENT_TYPE } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the token a SCIM request authenticated with */
    scimCaller?: ScimCaller;
  }
}

export function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}

export function sendList(
  reply: FastifyReply,
  resources: ScimResource[],
  page: { totalResults: number; startIndex: number } = { totalResults: resources.length, startIndex: 1 },
) {
  return send(reply, 200, {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

/** The caller the onRequest hook authenticated (every route runs after it). */
export function callerOf(request: FastifyRequest): ScimCaller {
  return request.scimCaller!;
}
