/** Stable error codes of the envelope format; each is documented in docs/envelope.md. */
export enum EnvelopeErrorCode {
  MALFORMED_DER = 'MALFORMED_DER',
  NOT_SIGNED_DATA = 'NOT_SIGNED_DATA',
  UNEXPECTED_CONTENT_TYPE = 'UNEXPECTED_CONTENT_TYPE',
  UNSUPPORTED_ALGORITHM = 'UNSUPPORTED_ALGORITHM',
  SIGNER_INFO_MISSING = 'SIGNER_INFO_MISSING',
  MULTIPLE_SIGNERS = 'MULTIPLE_SIGNERS',
  SIGNED_ATTRIBUTES_MISSING = 'SIGNED_ATTRIBUTES_MISSING',
  SIGNER_CERTIFICATE_MISSING = 'SIGNER_CERTIFICATE_MISSING',
  SIGNATURE_INVALID = 'SIGNATURE_INVALID',
  MANIFEST_MISSING = 'MANIFEST_MISSING',
  MANIFEST_INVALID = 'MANIFEST_INVALID',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  INVALID_KEY = 'INVALID_KEY',
  NOT_A_RECIPIENT = 'NOT_A_RECIPIENT',
  DECRYPTION_FAILED = 'DECRYPTION_FAILED',
  FILE_SIZE_MISMATCH = 'FILE_SIZE_MISMATCH',
  FILE_DIGEST_MISMATCH = 'FILE_DIGEST_MISMATCH',
  /** a receipt's body is not canonical JSON or breaks a rule of docs/envelope.md §10 */
  RECEIPT_INVALID = 'RECEIPT_INVALID',
}

/** The only error the envelope lib throws on bad input; `code` is stable, the message is for operators. */
export class EnvelopeError extends Error {
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnvelopeError';
  }
}

export function isEnvelopeError(error: unknown, code?: EnvelopeErrorCode): error is EnvelopeError {
  return error instanceof EnvelopeError && (code === undefined || error.code === code);
}
