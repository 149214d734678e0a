/** Stable codes of the directory (docs/exchange.md, Directory). */
export enum OfficesErrorCode {
  REQUEST_INVALID = 'REQUEST_INVALID',
  OFFICE_CERTIFICATE_INVALID = 'OFFICE_CERTIFICATE_INVALID',
  OFFICE_CERTIFICATE_NOT_AUTHENTICATED = 'OFFICE_CERTIFICATE_NOT_AUTHENTICATED',
  OFFICE_NUMBER_INVALID = 'OFFICE_NUMBER_INVALID',
  OFFICE_NOT_FOUND = 'OFFICE_NOT_FOUND',
  /** registration of an office that is not active in the 事業所台帳 (REGISTRATION_REQUIRES_OFFICE_MASTER) */
  OFFICE_NOT_IN_MASTER = 'OFFICE_NOT_IN_MASTER',
}

export class OfficesError extends Error {
  constructor(
    readonly code: OfficesErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'OfficesError';
  }
}
