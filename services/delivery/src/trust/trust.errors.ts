import { CertificatePolicyErrorCode } from '@renkei/envelope';

/**
 * Stable codes of a refused signer certificate in delivery (a recipient's receipt signer, docs/trust.md): the
 * validation policy's own codes, unchanged; the receipt route maps them onto its own (ReceiptSignerPolicy).
 */
export const RecipientCertificateErrorCode = CertificatePolicyErrorCode;
export type RecipientCertificateErrorCode = CertificatePolicyErrorCode;

export class RecipientCertificateError extends Error {
  constructor(
    readonly code: RecipientCertificateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecipientCertificateError';
  }
}
