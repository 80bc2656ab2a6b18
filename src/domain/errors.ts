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
    /**
     * A finer, still protocol-neutral reason a protocol may show: SCIM's `scimType`
     * (`invalidFilter`, `uniqueness`, `mutability`, `invalidPath`, `noTarget`, `invalidValue`,
     * `invalidSyntax`, `invalidVers`, `tooMany`).
     */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string, reason?: string) => new DomainError('InvalidInput', message, reason);
export const notFound = (message: string) => new DomainError('NotFound', message);
export const conflict = (message: string, reason?: string) => new DomainError('Conflict', message, reason);
export const forbidden = (message: string) => new DomainError('Forbidden', message);
export const preconditionFailed = (message: string, reason?: string) =>
  new DomainError('PreconditionFailed', message, reason);
