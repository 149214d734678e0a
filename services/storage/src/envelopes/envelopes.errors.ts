/** Stable codes of the download (docs/exchange.md, Download). */
export enum EnvelopesErrorCode {
  ENVELOPE_ID_INVALID = 'ENVELOPE_ID_INVALID',
  ENVELOPE_NOT_FOUND = 'ENVELOPE_NOT_FOUND',
}

export class EnvelopesError extends Error {
  constructor(
    readonly code: EnvelopesErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopesError';
  }
}
