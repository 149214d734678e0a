// Delivery's view of a signer certificate (a recipient's receipt, docs/trust.md): the shared TrustPolicy over
// delivery's trust read model, so a certificate the certificate service revoked is refused here within moments
// on every replica. In memory: no query per call.
import { Inject, Injectable } from '@nestjs/common';
import { createHash, type KeyObject } from 'node:crypto';
import { CertificatePolicyError, type PrincipalIdentity, type ValidationTimes } from '@renkei/envelope';
import { TrustReadModel } from '@renkei/platform';
import { RecipientCertificateError } from './trust.errors';

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
        throw new RecipientCertificateError(error.code, error.message);
      }
      throw error;
    }
  }
}
