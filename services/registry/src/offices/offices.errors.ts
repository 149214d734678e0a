/** Stable codes of the directory (docs/exchange.md, Directory). */
export enum OfficesErrorCode {
  REQUEST_INVALID = 'REQUEST_INVALID',
  OFFICE_CERTIFICATE_INVALID = 'OFFICE_CERTIFICATE_INVALID',
  OFFICE_CERTIFICATE_NOT_AUTHENTICATED = 'OFFICE_CERTIFICATE_NOT_AUTHENTICATED',
  OFFICE_NUMBER_INVALID = 'OFFICE_NUMBER_INVALID',
  OFFICE_NOT_FOUND = 'OFFICE_NOT_FOUND',
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
