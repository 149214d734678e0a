/** Stable codes of the inbox, sent list and status routes (docs/exchange.md "Inbox and status"). */
export enum DeliveryErrorCode {
  REQUEST_INVALID = 'REQUEST_INVALID',
  ENVELOPE_ID_INVALID = 'ENVELOPE_ID_INVALID',
  ENVELOPE_NOT_FOUND = 'ENVELOPE_NOT_FOUND',
}

export class DeliveryError extends Error {
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
