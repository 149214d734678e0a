// Check 3 of docs/exchange.md: the signer certificate against intake's trust read model (anchors, profiles and
// revocations the certificate service publishes; TRUST_ANCHORS_PEM until it first did), valid when it signed
// (the manifest's createdAt) and now, and an office's. Refusals map onto the send endpoint's codes. The
// policy caches parsed certificates and verdicts; revocations are checked on every call.
import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { CertificatePolicyError, type CertificateRef, type PrincipalIdentity } from '@renkei/envelope';
import { PlatformConfig, TrustReadModel } from '@renkei/platform';
import { INTAKE_CODE_OF_POLICY } from './error-mapping.util';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';

export interface SigningTimes {
  /** the time of receipt */
  readonly at: Date;
  /** when the sender says it signed (manifest createdAt) */
  readonly signedAt: Date;
}

@Injectable()
export class SignerCertificatePolicy {
  constructor(
    @Inject(TrustReadModel) private readonly trust: TrustReadModel,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  /** the signer's public key from the cache (undefined: unreadable, and verifySignature says so) */
  publicKeyOf(signer: CertificateRef): KeyObject | undefined {
    return this.trust.policy.publicKey(signer);
  }

  /**
   * The identity of the signer, an office, or an IntakeError saying why it is refused. `others` are the
   * SignedData's other certificates (intermediate CAs).
   */
  validate(signer: CertificateRef, others: readonly Uint8Array[], times: SigningTimes): PrincipalIdentity {
    const skewMs = this.config.auth.clockSkewSeconds * 1000;
    if (Number.isNaN(times.signedAt.getTime()) || times.signedAt.getTime() > times.at.getTime() + skewMs) {
      throw new IntakeError(
        IntakeErrorCode.SIGNING_TIME_INVALID,
        `the manifest createdAt is more than ${this.config.auth.clockSkewSeconds} s in the future`,
      );
    }
    let identity: PrincipalIdentity;
    try {
      identity = this.trust.policy.validate(signer, others, times);
    } catch (error) {
      if (error instanceof CertificatePolicyError) {
        throw new IntakeError(INTAKE_CODE_OF_POLICY[error.code], error.message);
      }
      throw error;
    }
    if (identity.role !== 'office') {
      throw new IntakeError(
        IntakeErrorCode.SENDER_MISMATCH,
        `the signer certificate is a ${identity.role} certificate: only an office sends envelopes`,
      );
    }
    return identity;
  }
}
