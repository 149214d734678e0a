// Delivery's view of a signer certificate (a recipient's receipt, docs/trust.md): the shared TrustPolicy over
// delivery's trust read model, so a certificate the certificate service revoked is refused here within moments
// on every replica. In memory: no query per call.
import { Inject, Injectable } from '@nestjs/common';
import {
  CertificatePolicyError,
  type CertificateRef,
  type PrincipalIdentity,
  type ValidationTimes,
} from '@renkei/envelope';
import { TrustReadModel } from '@renkei/platform';
import { RecipientCertificateError } from './trust.errors';

@Injectable()
export class RecipientCertificatePolicy {
  constructor(@Inject(TrustReadModel) private readonly trust: TrustReadModel) {}

  /**
   * The principal `signer` (its DER and SHA-256, as the parser gives them) binds, or a
   * RecipientCertificateError saying why it is refused: chain (through `others`, CA certificates that came with
   * it) to an active anchor, validity at `times.at` and, when given,
   * `times.signedAt`, revocation, key and profile.
   */
  validate(signer: CertificateRef, others: readonly Uint8Array[], times: ValidationTimes): PrincipalIdentity {
    try {
      return this.trust.policy.validate(signer, others, times);
    } catch (error) {
      if (error instanceof CertificatePolicyError) {
        throw new RecipientCertificateError(error.code, error.message);
      }
      throw error;
    }
  }
}
