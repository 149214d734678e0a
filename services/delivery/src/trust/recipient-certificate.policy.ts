// Delivery's view of a signer certificate (a recipient's receipt, docs/trust.md): the shared TrustPolicy over
// delivery's trust read model, so a certificate the certificate service revoked is refused here within moments
// on every replica. In memory: no query per call.
import { Inject, Injectable } from '@nestjs/common';
import { createHash, type KeyObject } from 'node:crypto';
import {
  CertificatePolicyError,
  CertificatePolicyErrorCode,
  type PrincipalIdentity,
  type ValidationTimes,
} from '@renkei/envelope';
import { TrustReadModel } from '@renkei/platform';
import { RecipientCertificateError, RecipientCertificateErrorCode } from './trust.errors';

const CODE_OF_POLICY: Readonly<Record<CertificatePolicyErrorCode, RecipientCertificateErrorCode>> = {
  [CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED]:
    RecipientCertificateErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
  [CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE]: RecipientCertificateErrorCode.CERTIFICATE_UNREADABLE,
  [CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED]: RecipientCertificateErrorCode.CERTIFICATE_UNTRUSTED,
  [CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID]:
    RecipientCertificateErrorCode.CERTIFICATE_NOT_YET_VALID,
  [CertificatePolicyErrorCode.CERTIFICATE_EXPIRED]: RecipientCertificateErrorCode.CERTIFICATE_EXPIRED,
  [CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH]:
    RecipientCertificateErrorCode.CERTIFICATE_PROFILE_MISMATCH,
  [CertificatePolicyErrorCode.CERTIFICATE_REVOKED]: RecipientCertificateErrorCode.CERTIFICATE_REVOKED,
  [CertificatePolicyErrorCode.CERTIFICATE_PATH_INVALID]:
    RecipientCertificateErrorCode.CERTIFICATE_PATH_INVALID,
  [CertificatePolicyErrorCode.CERTIFICATE_KEY_UNSUPPORTED]:
    RecipientCertificateErrorCode.CERTIFICATE_KEY_UNSUPPORTED,
};

const sha256Of = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');

@Injectable()
export class RecipientCertificatePolicy {
  constructor(@Inject(TrustReadModel) private readonly trust: TrustReadModel) {}

  /** the trust configuration version validated against (0: TRUST_ANCHORS_PEM) */
  get trustVersion(): number {
    return this.trust.version;
  }

  /** the certificate's public key (parsed once, cached); undefined when it does not parse */
  publicKeyOf(signerDer: Uint8Array): KeyObject | undefined {
    return this.trust.policy.publicKey({ der: signerDer, sha256: sha256Of(signerDer) });
  }

  /**
   * The principal `signerDer` binds, or a RecipientCertificateError saying why it is refused: chain (through
   * `others`, CA certificates that came with it) to an active anchor, validity at `times.at` and, when given,
   * `times.signedAt`, revocation, key and profile.
   */
  validate(signerDer: Uint8Array, others: readonly Uint8Array[], times: ValidationTimes): PrincipalIdentity {
    try {
      return this.trust.policy.validate({ der: signerDer, sha256: sha256Of(signerDer) }, others, times);
    } catch (error) {
      if (error instanceof CertificatePolicyError) {
        throw new RecipientCertificateError(CODE_OF_POLICY[error.code], error.message);
      }
      throw error;
    }
  }
}
