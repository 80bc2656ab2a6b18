import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind } from '../../domain/errors.js';
import { ERROR_SCHEMA } from '../../domain/scim/contract.js';

/** A protocol error of the adapter itself (auth, rate, body), with its HTTP status. */
export class ScimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: string,
  ) {
    super(message);
  }
}

const statusOfKind: Record<ErrorKind, number> = {
  InvalidInput: 400,
  NotFound: 404,
  Conflict: 409,
  Forbidden: 403,
  Unauthorized: 401,
  AccessDenied: 403,
  LimitExceeded: 400,
  PreconditionFailed: 412,
  Throttled: 429,
  Unavailable: 503,
  AssociationsExist: 409,
};

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** RFC 7644 §3.12: `status` is a string; `scimType` only for 400s (and 409 `uniqueness`). */
export function sendScimError(reply: FastifyReply, status: number, detail: string, scimType?: string) {
  return reply
    .code(status)
    .type(SCIM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        schemas: [ERROR_SCHEMA],
        status: String(status),
        ...(scimType && { scimType }),
        detail,
      }),
    );
}

/**
 * Every error in the SCIM format: domain errors by kind (the reason is the scimType), the
 * framework's body errors (too large, not JSON, wrong type), anything else a 500 with the
 * request id, logged and never echoed.
 */
export function handleScimError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DomainError) {
    const status = statusOfKind[error.kind];
    const scimType = error.reason ?? (status === 400 ? 'invalidValue' : undefined);
    return sendScimError(reply, status, error.message, scimType);
  }
  if (error instanceof ScimHttpError)
    return sendScimError(reply, error.status, error.message, error.scimType);
  const framework = error as { statusCode?: number; code?: string; message?: string };
  if (framework.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return sendScimError(reply, 413, 'The request body is larger than 1 MB');
  if (framework.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return sendScimError(reply, 415, 'Send application/scim+json (or application/json)');
  if (framework.statusCode === 400)
    return sendScimError(
      reply,
      400,
      `The body is not valid JSON: ${framework.message ?? ''}`,
      'invalidSyntax',
    );
  request.log.error({ err: error }, 'SCIM request failed');
  return sendScimError(reply, 500, `Internal error (request ${request.id})`);
}
