import type { ErrorKind } from '../../domain/errors.js';

/** How a Chime error goes on the wire: status, X-Amzn-ErrorType, and the body's Code. */
export interface ChimeErrorShape {
  status: number;
  type: string;
  code: string;
}

export const chimeErrors = {
  InvalidInput: { status: 400, type: 'BadRequestException', code: 'BadRequest' },
  NotFound: { status: 404, type: 'NotFoundException', code: 'NotFound' },
  Conflict: { status: 409, type: 'ConflictException', code: 'Conflict' },
  Forbidden: { status: 403, type: 'ForbiddenException', code: 'Forbidden' },
  Unauthorized: { status: 401, type: 'UnauthorizedClientException', code: 'Unauthorized' },
  AccessDenied: { status: 403, type: 'AccessDeniedException', code: 'AccessDenied' },
  LimitExceeded: { status: 400, type: 'ResourceLimitExceededException', code: 'ResourceLimitExceeded' },
  PreconditionFailed: { status: 422, type: 'UnprocessableEntityException', code: 'Unprocessable' },
  Throttled: { status: 429, type: 'ThrottledClientException', code: 'Throttled' },
  Unavailable: { status: 503, type: 'ServiceUnavailableException', code: 'ServiceUnavailable' },
  AssociationsExist: { status: 400, type: 'BadRequestException', code: 'PhoneNumberAssociationsExist' },
} as const satisfies Record<ErrorKind, ChimeErrorShape>;

export const serviceFailure: ChimeErrorShape = {
  status: 500,
  type: 'ServiceFailureException',
  code: 'ServiceFailure',
};

/** The ErrorCode enum value a batch reports per item (UserError, PhoneNumberError). */
export function batchErrorCode(kind: ErrorKind): string {
  return kind === 'PreconditionFailed' ? 'PreconditionFailed' : chimeErrors[kind].code;
}

/** Raised inside the adapter for protocol-level problems (routing, validation, authentication). */
export class ChimeProtocolError extends Error {
  constructor(
    readonly shape: ChimeErrorShape,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ChimeProtocolError(chimeErrors.InvalidInput, message);
