/** What went wrong, independent of any protocol; each API adapter maps kinds to its own format. */
export type ErrorKind =
  | 'InvalidInput'
  | 'NotFound'
  | 'Conflict'
  | 'Forbidden'
  | 'Unauthorized'
  | 'AccessDenied'
  | 'LimitExceeded'
  | 'PreconditionFailed'
  | 'Throttled'
  | 'Unavailable'
  /** a phone number still associated with a user (Chime's PhoneNumberAssociationsExist) */
  | 'AssociationsExist';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new DomainError('InvalidInput', message);
export const notFound = (message: string) => new DomainError('NotFound', message);
export const conflict = (message: string) => new DomainError('Conflict', message);
export const forbidden = (message: string) => new DomainError('Forbidden', message);
export const preconditionFailed = (message: string) => new DomainError('PreconditionFailed', message);
