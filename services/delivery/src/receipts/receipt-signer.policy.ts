// Who may sign a recipient receipt: an office certificate that chains to the trust anchors, valid now, with the
// office profile. Today OfficeCertificatePolicy over TRUST_ANCHORS_PEM; the live trust read model
// (trust/recipient-certificate.policy.ts) replaces it behind this one injectable.
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  CertificatePolicyError,
  CertificatePolicyErrorCode,
  OfficeCertificatePolicy,
  type OfficeCertificateIdentity,
} from '@renkei/envelope';
import { PlatformConfig } from '@renkei/platform';
import { DeliveryError, DeliveryErrorCode } from '../envelopes/envelopes.errors';

@Injectable()
export class ReceiptSignerPolicy implements OnModuleInit {
  private readonly logger = new Logger(ReceiptSignerPolicy.name);
  private policy = new OfficeCertificatePolicy([]);

  constructor(@Inject(PlatformConfig) private readonly config: PlatformConfig) {}

  onModuleInit(): void {
    this.policy = OfficeCertificatePolicy.fromPem(this.config.auth.trustAnchorsPem);
    if (this.policy.anchorCount === 0) {
      this.logger.warn('TRUST_ANCHORS_PEM is not set: no recipient receipt can be recorded until it is');
    }
  }

  /** The office identity of the receipt's signer at `at`, or a DeliveryError saying why it is refused. */
  validate(signerDer: Uint8Array, others: readonly Uint8Array[], at: Date): OfficeCertificateIdentity {
    try {
      return this.policy.validate(signerDer, others, at);
    } catch (error) {
      if (!(error instanceof CertificatePolicyError)) throw error;
      if (error.code === CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED) {
        throw new DeliveryError(DeliveryErrorCode.TRUST_ANCHORS_NOT_CONFIGURED, error.message);
      }
      throw new DeliveryError(DeliveryErrorCode.RECEIPT_SIGNER_UNTRUSTED, error.message, {
        reason: error.code,
      });
    }
  }
}
