import { HttpStatus } from '@nestjs/common';
import { CertificatePolicyErrorCode, EnvelopeErrorCode } from '@renkei/envelope';
import { statusOf } from './envelopes-exception.filter';
import { IntakeErrorCode } from './envelopes.errors';
import { INTAKE_CODE_OF_ENVELOPE, INTAKE_CODE_OF_POLICY } from './error-mapping.util';

describe('envelope error mapping', () => {
  it.each([
    [EnvelopeErrorCode.MALFORMED_DER, IntakeErrorCode.ENVELOPE_MALFORMED, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.NOT_SIGNED_DATA, IntakeErrorCode.ENVELOPE_MALFORMED, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE, IntakeErrorCode.ENVELOPE_MALFORMED, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.SIGNER_INFO_MISSING, IntakeErrorCode.ENVELOPE_MALFORMED, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.MULTIPLE_SIGNERS, IntakeErrorCode.ENVELOPE_MALFORMED, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING, IntakeErrorCode.ENVELOPE_MALFORMED, HttpStatus.BAD_REQUEST],
    [
      EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING,
      IntakeErrorCode.ENVELOPE_MALFORMED,
      HttpStatus.BAD_REQUEST,
    ],
    [EnvelopeErrorCode.MANIFEST_MISSING, IntakeErrorCode.MANIFEST_INVALID, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.MANIFEST_INVALID, IntakeErrorCode.MANIFEST_INVALID, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.LIMIT_EXCEEDED, IntakeErrorCode.MANIFEST_INVALID, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.UNSUPPORTED_ALGORITHM, IntakeErrorCode.UNSUPPORTED_ALGORITHM, HttpStatus.BAD_REQUEST],
    [EnvelopeErrorCode.SIGNATURE_INVALID, IntakeErrorCode.SIGNATURE_INVALID, HttpStatus.UNPROCESSABLE_ENTITY],
  ])('answers the envelope lib code %s as %s (%i)', (libCode, intakeCode, status) => {
    expect(INTAKE_CODE_OF_ENVELOPE[libCode]).toBe(intakeCode);
    expect(statusOf(intakeCode)).toBe(status);
  });

  it('maps every envelope lib code onto a code of the send endpoint', () => {
    const allowed = new Set<IntakeErrorCode>([
      IntakeErrorCode.ENVELOPE_MALFORMED,
      IntakeErrorCode.MANIFEST_INVALID,
      IntakeErrorCode.UNSUPPORTED_ALGORITHM,
      IntakeErrorCode.SIGNATURE_INVALID,
    ]);
    for (const code of Object.values(EnvelopeErrorCode)) {
      expect(allowed.has(INTAKE_CODE_OF_ENVELOPE[code])).toBe(true);
    }
  });

  it.each([
    [CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED, IntakeErrorCode.CERTIFICATE_UNTRUSTED, 422],
    [CertificatePolicyErrorCode.CERTIFICATE_EXPIRED, IntakeErrorCode.CERTIFICATE_EXPIRED, 422],
    [CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID, IntakeErrorCode.CERTIFICATE_NOT_YET_VALID, 422],
    [
      CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH,
      IntakeErrorCode.CERTIFICATE_PROFILE_MISMATCH,
      422,
    ],
    [CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE, IntakeErrorCode.ENVELOPE_MALFORMED, 400],
    [CertificatePolicyErrorCode.CERTIFICATE_REVOKED, IntakeErrorCode.CERTIFICATE_REVOKED, 422],
    [CertificatePolicyErrorCode.CERTIFICATE_PATH_INVALID, IntakeErrorCode.CERTIFICATE_PATH_INVALID, 422],
    [
      CertificatePolicyErrorCode.CERTIFICATE_KEY_UNSUPPORTED,
      IntakeErrorCode.CERTIFICATE_KEY_UNSUPPORTED,
      422,
    ],
    [
      CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
      IntakeErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
      503,
    ],
  ])('answers the certificate policy code %s as %s (%i)', (policyCode, intakeCode, status) => {
    expect(INTAKE_CODE_OF_POLICY[policyCode]).toBe(intakeCode);
    expect(statusOf(intakeCode)).toBe(status);
  });

  it.each([
    [IntakeErrorCode.SENDER_MISMATCH, 403],
    [IntakeErrorCode.RECIPIENT_UNKNOWN, 422],
    [IntakeErrorCode.SEND_UNIT_INVALID, 422],
    [IntakeErrorCode.ENVELOPE_DUPLICATE, 409],
    [IntakeErrorCode.ENVELOPE_ID_CONFLICT, 409],
    [IntakeErrorCode.ENVELOPE_TOO_LARGE, 413],
    [IntakeErrorCode.UNSUPPORTED_MEDIA_TYPE, 415],
  ])('answers %s with %i', (code, status) => {
    expect(statusOf(code)).toBe(status);
  });
});
