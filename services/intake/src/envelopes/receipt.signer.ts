// The platform receipt key (docs/envelope.md §10) behind one injectable (STYLE §7): read once from
// RECEIPT_SIGNING_KEY_PEM and RECEIPT_CERTIFICATE_PEM, never logged, used only to sign acceptance receipts.
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { receiptSignerOf, type AcceptanceReceiptBody, type ReceiptBody } from '@renkei/envelope';
import { PlatformConfig } from '@renkei/platform';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';

/** the `platform` field of every acceptance receipt */
export const PLATFORM_NAME = 'renkei';

@Injectable()
export class ReceiptSigner implements OnModuleInit {
  private readonly logger = new Logger(ReceiptSigner.name);
  // checked once at boot; each receipt is then one encode and one native signature
  private signer: ((body: ReceiptBody) => Uint8Array) | undefined;

  constructor(@Inject(PlatformConfig) private readonly config: PlatformConfig) {}

  onModuleInit(): void {
    const { signingKeyPem, certificatePem } = this.config.receipts;
    if (!signingKeyPem || !certificatePem) {
      this.logger.warn(
        'RECEIPT_SIGNING_KEY_PEM or RECEIPT_CERTIFICATE_PEM is not set: no envelope can be accepted',
      );
      return;
    }
    const certificates = (
      certificatePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
    ).map((pem) => new Uint8Array(new X509Certificate(pem).raw));
    const [certificate, ...chain] = certificates;
    const privateKey = createPrivateKey(signingKeyPem);
    const certificatePublic = new X509Certificate(certificate).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const keyPublic = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    if (!certificatePublic.equals(keyPublic)) {
      // the service must not start signing receipts nobody can verify
      throw new Error('RECEIPT_SIGNING_KEY_PEM is not the key of the RECEIPT_CERTIFICATE_PEM certificate');
    }
    this.signer = receiptSignerOf({ certificate, privateKey, chain });
  }

  /** refuses early (before anything is stored) when there is no key to sign the receipt with */
  assertReady(): void {
    if (!this.signer) {
      throw new IntakeError(
        IntakeErrorCode.RECEIPT_KEY_NOT_CONFIGURED,
        'the platform receipt key is not configured: no envelope can be accepted',
      );
    }
  }

  /** DER of the signed acceptance receipt */
  sign(body: AcceptanceReceiptBody): Uint8Array {
    this.assertReady();
    return (this.signer as (body: ReceiptBody) => Uint8Array)(body);
  }
}
