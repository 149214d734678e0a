// The certificate service's use of the shared trust policy (libs/envelope): the CURRENT trust snapshot of
// this service's trust store (active anchors, their profiles, recorded revocations), refusals mapped onto the
// auth flow's stable codes (docs/auth.md).
import { Inject, Injectable } from '@nestjs/common';
import { CertificatePolicyError, CertificatePolicyErrorCode, type PrincipalIdentity } from '@renkei/envelope';
import { TrustStore } from '../trust/trust.store';
import { CertificateAuthError, CertificateAuthErrorCode } from './auth.errors';

export type { PrincipalIdentity };

const AUTH_CODE_OF: Record<CertificatePolicyErrorCode, CertificateAuthErrorCode> = {
  [CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED]:
    CertificateAuthErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
  [CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE]: CertificateAuthErrorCode.SIGNED_CHALLENGE_MALFORMED,
  [CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED]: CertificateAuthErrorCode.CERTIFICATE_UNTRUSTED,
  [CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID]: CertificateAuthErrorCode.CERTIFICATE_NOT_YET_VALID,
  [CertificatePolicyErrorCode.CERTIFICATE_EXPIRED]: CertificateAuthErrorCode.CERTIFICATE_EXPIRED,
  [CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH]:
    CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
  [CertificatePolicyErrorCode.CERTIFICATE_REVOKED]: CertificateAuthErrorCode.CERTIFICATE_REVOKED,
  [CertificatePolicyErrorCode.CERTIFICATE_PATH_INVALID]: CertificateAuthErrorCode.CERTIFICATE_PATH_INVALID,
  [CertificatePolicyErrorCode.CERTIFICATE_KEY_UNSUPPORTED]:
    CertificateAuthErrorCode.CERTIFICATE_KEY_UNSUPPORTED,
};

@Injectable()
export class OfficeCertificateValidator {
  constructor(@Inject(TrustStore) private readonly trust: TrustStore) {}

  /** The principal `leafDer` names at time `at`, or a CertificateAuthError saying why it is refused. */
  async validate(leafDer: Uint8Array, others: readonly Uint8Array[], at: Date): Promise<PrincipalIdentity> {
    const policy = await this.trust.current();
    try {
      return policy.validate(leafDer, others, { at });
    } catch (error) {
      if (error instanceof CertificatePolicyError) {
        throw new CertificateAuthError(AUTH_CODE_OF[error.code], error.message);
      }
      throw error;
    }
  }
}
