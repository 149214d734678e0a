// How the envelope lib's and the certificate policy's codes read at the door (docs/exchange.md, Send).
import { CertificatePolicyErrorCode, EnvelopeErrorCode } from '@renkei/envelope';
import { IntakeErrorCode } from './envelopes.errors';

export const INTAKE_CODE_OF_ENVELOPE: Readonly<Record<EnvelopeErrorCode, IntakeErrorCode>> = {
  [EnvelopeErrorCode.MALFORMED_DER]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.NOT_SIGNED_DATA]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.SIGNER_INFO_MISSING]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.MULTIPLE_SIGNERS]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.MANIFEST_MISSING]: IntakeErrorCode.MANIFEST_INVALID,
  [EnvelopeErrorCode.MANIFEST_INVALID]: IntakeErrorCode.MANIFEST_INVALID,
  // parsing raises it for the manifest's limits (files, sizes, name length, manifest bytes); the whole-envelope
  // limit (257 MiB) cannot be reached behind the 64 MiB request cap, which answers ENVELOPE_TOO_LARGE itself
  [EnvelopeErrorCode.LIMIT_EXCEEDED]: IntakeErrorCode.MANIFEST_INVALID,
  [EnvelopeErrorCode.UNSUPPORTED_ALGORITHM]: IntakeErrorCode.UNSUPPORTED_ALGORITHM,
  [EnvelopeErrorCode.SIGNATURE_INVALID]: IntakeErrorCode.SIGNATURE_INVALID,
  // only opening an envelope raises these; intake never opens one
  [EnvelopeErrorCode.INVALID_KEY]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.NOT_A_RECIPIENT]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.DECRYPTION_FAILED]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.FILE_SIZE_MISMATCH]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [EnvelopeErrorCode.FILE_DIGEST_MISMATCH]: IntakeErrorCode.ENVELOPE_MALFORMED,
  // only receipts raise it; intake parses none
  [EnvelopeErrorCode.RECEIPT_INVALID]: IntakeErrorCode.ENVELOPE_MALFORMED,
};

export const INTAKE_CODE_OF_POLICY: Readonly<Record<CertificatePolicyErrorCode, IntakeErrorCode>> = {
  [CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED]: IntakeErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
  [CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE]: IntakeErrorCode.ENVELOPE_MALFORMED,
  [CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED]: IntakeErrorCode.CERTIFICATE_UNTRUSTED,
  [CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID]: IntakeErrorCode.CERTIFICATE_NOT_YET_VALID,
  [CertificatePolicyErrorCode.CERTIFICATE_EXPIRED]: IntakeErrorCode.CERTIFICATE_EXPIRED,
  [CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH]: IntakeErrorCode.CERTIFICATE_PROFILE_MISMATCH,
  [CertificatePolicyErrorCode.CERTIFICATE_REVOKED]: IntakeErrorCode.CERTIFICATE_REVOKED,
  [CertificatePolicyErrorCode.CERTIFICATE_PATH_INVALID]: IntakeErrorCode.CERTIFICATE_PATH_INVALID,
  [CertificatePolicyErrorCode.CERTIFICATE_KEY_UNSUPPORTED]: IntakeErrorCode.CERTIFICATE_KEY_UNSUPPORTED,
};
