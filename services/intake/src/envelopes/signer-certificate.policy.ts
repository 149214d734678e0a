// Check 3 of docs/exchange.md: the shared office-certificate policy (libs/envelope) with the anchors of
// TRUST_ANCHORS_PEM, refusals mapped onto the send endpoint's codes. Cached per signer certificate (public key
// and verdict), re-evaluated whenever the verdict's validity window no longer covers the time asked about.
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import {
  CachedOfficeCertificatePolicy,
  CertificatePolicyError,
  type CertificateRef,
  type OfficeCertificateIdentity,
} from '@renkei/envelope';
import { PlatformConfig } from '@renkei/platform';
import { INTAKE_CODE_OF_POLICY } from './error-mapping.util';
import { IntakeError } from './envelopes.errors';

@Injectable()
export class SignerCertificatePolicy implements OnModuleInit {
  private readonly logger = new Logger(SignerCertificatePolicy.name);
  private policy = new CachedOfficeCertificatePolicy([]);

  constructor(@Inject(PlatformConfig) private readonly config: PlatformConfig) {}

  onModuleInit(): void {
    this.policy = CachedOfficeCertificatePolicy.fromPem(this.config.auth.trustAnchorsPem);
    if (this.policy.anchorCount === 0) {
      this.logger.warn('TRUST_ANCHORS_PEM is not set: no envelope can be accepted until it is');
    }
  }

  /** the signer's public key from the cache (undefined: unreadable, and verifySignature says so) */
  publicKeyOf(signer: CertificateRef): KeyObject | undefined {
    return this.policy.publicKey(signer);
  }

  /**
   * The office identity of the signer at `at`, or an IntakeError saying why it is refused. `others` are the
   * SignedData's other certificates (intermediate CAs).
   */
  validate(signer: CertificateRef, others: readonly Uint8Array[], at: Date): OfficeCertificateIdentity {
    try {
      return this.policy.validate(signer, others, at);
    } catch (error) {
      if (error instanceof CertificatePolicyError) {
        throw new IntakeError(INTAKE_CODE_OF_POLICY[error.code], error.message);
      }
      throw error;
    }
  }
}
