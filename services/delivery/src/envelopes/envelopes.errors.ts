/** Stable codes of the inbox, sent list, status and receipt routes (docs/exchange.md "Inbox and status", "Receipts"). */
export enum DeliveryErrorCode {
  REQUEST_INVALID = 'REQUEST_INVALID',
  ENVELOPE_ID_INVALID = 'ENVELOPE_ID_INVALID',
  ENVELOPE_NOT_FOUND = 'ENVELOPE_NOT_FOUND',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RECEIPT_TOO_LARGE = 'RECEIPT_TOO_LARGE',
  RECEIPT_MALFORMED = 'RECEIPT_MALFORMED',
  RECEIPT_INVALID = 'RECEIPT_INVALID',
  RECEIPT_SIGNATURE_INVALID = 'RECEIPT_SIGNATURE_INVALID',
  RECEIPT_SIGNER_UNTRUSTED = 'RECEIPT_SIGNER_UNTRUSTED',
  RECEIPT_SIGNER_MISMATCH = 'RECEIPT_SIGNER_MISMATCH',
  RECEIPT_ENVELOPE_MISMATCH = 'RECEIPT_ENVELOPE_MISMATCH',
  RECEIPT_BEFORE_DOWNLOAD = 'RECEIPT_BEFORE_DOWNLOAD',
  RECEIPT_ALREADY_RECORDED = 'RECEIPT_ALREADY_RECORDED',
  RECEIPT_NOT_FOUND = 'RECEIPT_NOT_FOUND',
  TRUST_ANCHORS_NOT_CONFIGURED = 'TRUST_ANCHORS_NOT_CONFIGURED',
  /** the office already holds INBOX_EVENTS_MAX_STREAMS_PER_OFFICE open GET /v1/inbox/events streams here */
  INBOX_STREAMS_EXCEEDED = 'INBOX_STREAMS_EXCEEDED',
  /** this delivery process serves INBOX_EVENTS_MAX_STREAMS streams already, or is shutting down */
  INBOX_STREAMS_UNAVAILABLE = 'INBOX_STREAMS_UNAVAILABLE',
  /** the token's office has no licence in delivery's read model, or it is not live (docs/licences.md) */
  LICENCE_NOT_LIVE = 'LICENCE_NOT_LIVE',
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
