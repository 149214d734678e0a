/** Stable codes of a refused signer certificate in delivery (a recipient's receipt signer, docs/trust.md). */
export enum RecipientCertificateErrorCode {
  TRUST_ANCHORS_NOT_CONFIGURED = 'TRUST_ANCHORS_NOT_CONFIGURED',
  CERTIFICATE_UNREADABLE = 'CERTIFICATE_UNREADABLE',
  CERTIFICATE_UNTRUSTED = 'CERTIFICATE_UNTRUSTED',
  CERTIFICATE_NOT_YET_VALID = 'CERTIFICATE_NOT_YET_VALID',
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  CERTIFICATE_PROFILE_MISMATCH = 'CERTIFICATE_PROFILE_MISMATCH',
  CERTIFICATE_REVOKED = 'CERTIFICATE_REVOKED',
  CERTIFICATE_PATH_INVALID = 'CERTIFICATE_PATH_INVALID',
  CERTIFICATE_KEY_UNSUPPORTED = 'CERTIFICATE_KEY_UNSUPPORTED',
}

export class RecipientCertificateError extends Error {
  constructor(
    readonly code: RecipientCertificateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecipientCertificateError';
  }
}
