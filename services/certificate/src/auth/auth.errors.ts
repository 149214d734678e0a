/** Stable codes of the challenge→token flow (docs/auth.md). */
export enum CertificateAuthErrorCode {
  REQUEST_INVALID = 'REQUEST_INVALID',
  CHALLENGE_NOT_FOUND = 'CHALLENGE_NOT_FOUND',
  CHALLENGE_EXPIRED = 'CHALLENGE_EXPIRED',
  CHALLENGE_USED = 'CHALLENGE_USED',
  SIGNED_CHALLENGE_MALFORMED = 'SIGNED_CHALLENGE_MALFORMED',
  SIGNATURE_INVALID = 'SIGNATURE_INVALID',
  CERTIFICATE_UNTRUSTED = 'CERTIFICATE_UNTRUSTED',
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  CERTIFICATE_NOT_YET_VALID = 'CERTIFICATE_NOT_YET_VALID',
  CERTIFICATE_PROFILE_MISMATCH = 'CERTIFICATE_PROFILE_MISMATCH',
  TRUST_ANCHORS_NOT_CONFIGURED = 'TRUST_ANCHORS_NOT_CONFIGURED',
}

export class CertificateAuthError extends Error {
  constructor(
    readonly code: CertificateAuthErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CertificateAuthError';
  }
}
