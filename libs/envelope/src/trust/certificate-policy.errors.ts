// The refusals of the certificate validation policy (docs/trust.md "Validation policy"). The codes are stable:
// intake and the certificate service map each one onto their own API codes in exhaustive Records; delivery
// answers with these codes as they are (RecipientCertificateErrorCode).

export enum CertificatePolicyErrorCode {
  /** no active trust anchor in the snapshot */
  TRUST_ANCHORS_NOT_CONFIGURED = 'TRUST_ANCHORS_NOT_CONFIGURED',
  /** the end-entity certificate does not parse */
  CERTIFICATE_UNREADABLE = 'CERTIFICATE_UNREADABLE',
  /** no chain to an active trust anchor (also: only through a retired one) */
  CERTIFICATE_UNTRUSTED = 'CERTIFICATE_UNTRUSTED',
  /** before notBefore at the validation time or at signing time */
  CERTIFICATE_NOT_YET_VALID = 'CERTIFICATE_NOT_YET_VALID',
  /** past notAfter at the validation time or at signing time */
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  /** not an end entity with the required keyUsage, or the identity fields of the anchor's profile are wrong */
  CERTIFICATE_PROFILE_MISMATCH = 'CERTIFICATE_PROFILE_MISMATCH',
  /** the end entity or an intermediate CA of the path is revoked */
  CERTIFICATE_REVOKED = 'CERTIFICATE_REVOKED',
  /** the chain goes through a certificate that is not a CA, or breaks a pathLenConstraint */
  CERTIFICATE_PATH_INVALID = 'CERTIFICATE_PATH_INVALID',
  /** a key that is not RSA ≥ 2048 / EC P-256 / P-384, or a certificate signed with SHA-1, MD5 or another weak hash */
  CERTIFICATE_KEY_UNSUPPORTED = 'CERTIFICATE_KEY_UNSUPPORTED',
}

export class CertificatePolicyError extends Error {
  constructor(
    readonly code: CertificatePolicyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CertificatePolicyError';
  }
}
