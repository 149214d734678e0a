// The certificate service's use of the shared office-certificate policy (libs/envelope): anchors from
// TRUST_ANCHORS_PEM, refusals mapped onto the auth flow's stable codes (docs/auth.md).
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  CertificatePolicyError,
  CertificatePolicyErrorCode,
  OfficeCertificatePolicy,
  type OfficeCertificateIdentity,
} from '@renkei/envelope';
import { PlatformConfig } from '@renkei/platform';
import { CertificateAuthError, CertificateAuthErrorCode } from './auth.errors';

export type { OfficeCertificateIdentity };

const AUTH_CODE_OF: Record<CertificatePolicyErrorCode, CertificateAuthErrorCode> = {
  [CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED]:
    CertificateAuthErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
  [CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE]: CertificateAuthErrorCode.SIGNED_CHALLENGE_MALFORMED,
  [CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED]: CertificateAuthErrorCode.CERTIFICATE_UNTRUSTED,
  [CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID]: CertificateAuthErrorCode.CERTIFICATE_NOT_YET_VALID,
  [CertificatePolicyErrorCode.CERTIFICATE_EXPIRED]: CertificateAuthErrorCode.CERTIFICATE_EXPIRED,
  [CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH]:
    CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
};

@Injectable()
export class OfficeCertificateValidator implements OnModuleInit {
  private readonly logger = new Logger(OfficeCertificateValidator.name);
  private policy = new OfficeCertificatePolicy([]);

  constructor(@Inject(PlatformConfig) private readonly config: PlatformConfig) {}

  onModuleInit(): void {
    this.policy = OfficeCertificatePolicy.fromPem(this.config.auth.trustAnchorsPem);
    if (this.policy.anchorCount === 0) {
      this.logger.warn('TRUST_ANCHORS_PEM is not set: no token can be issued until it is');
    }
  }

  /** The office identity of `leafDer` at time `at`, or a CertificateAuthError saying why it is refused. */
  validate(leafDer: Uint8Array, others: readonly Uint8Array[], at: Date): OfficeCertificateIdentity {
    try {
      return this.policy.validate(leafDer, others, at);
    } catch (error) {
      if (error instanceof CertificatePolicyError) {
        throw new CertificateAuthError(AUTH_CODE_OF[error.code], error.message);
      }
      throw error;
    }
  }
}
