// Who may sign a recipient receipt: a certificate delivery's live trust read model accepts (chain to an active
// anchor, validity now and when the receipt says it was signed, revocation, key, profile) holding the office
// role. Refusals become the receipt route's codes: TRUST_ANCHORS_NOT_CONFIGURED, or RECEIPT_SIGNER_UNTRUSTED
// with the policy's code as the reason.
import { Inject, Injectable } from '@nestjs/common';
import type { CertificateRef, PrincipalIdentity, ValidationTimes } from '@renkei/envelope';
import { DeliveryError, DeliveryErrorCode } from '../envelopes/envelopes.errors';
import { RecipientCertificatePolicy } from '../trust/recipient-certificate.policy';
import { RecipientCertificateError, RecipientCertificateErrorCode } from '../trust/trust.errors';

@Injectable()
export class ReceiptSignerPolicy {
  constructor(
    @Inject(RecipientCertificatePolicy) private readonly certificates: RecipientCertificatePolicy,
  ) {}

  /** The office the receipt's signer binds, or a DeliveryError saying why it is refused. */
  validate(signer: CertificateRef, others: readonly Uint8Array[], times: ValidationTimes): PrincipalIdentity {
    let identity: PrincipalIdentity;
    try {
      identity = this.certificates.validate(signer, others, times);
    } catch (error) {
      if (!(error instanceof RecipientCertificateError)) throw error;
      if (error.code === RecipientCertificateErrorCode.TRUST_ANCHORS_NOT_CONFIGURED) {
        throw new DeliveryError(DeliveryErrorCode.TRUST_ANCHORS_NOT_CONFIGURED, error.message);
      }
      throw new DeliveryError(DeliveryErrorCode.RECEIPT_SIGNER_UNTRUSTED, error.message, {
        reason: error.code,
      });
    }
    if (identity.role !== 'office') {
      throw new DeliveryError(
        DeliveryErrorCode.RECEIPT_SIGNER_UNTRUSTED,
        `a receipt is signed by an office certificate, not a ${identity.role} certificate`,
        { reason: 'CERTIFICATE_PROFILE_MISMATCH' },
      );
    }
    return identity;
  }
}
