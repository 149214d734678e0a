import { Module } from '@nestjs/common';
import { provideTrustReadModel, TrustReadModel } from '@renkei/platform';
import { deliveryRuntime } from '../delivery.runtime';
import { RecipientCertificatePolicy } from './recipient-certificate.policy';

/** consumer groups of delivery's trust read model; never renamed (libs/contracts topics.ts) */
export const DELIVERY_TRUST_GROUPS = {
  trust: 'delivery.trust',
  revocations: 'delivery.revocations',
} as const;

/**
 * Delivery's read model of the trust configuration, followed by every replica, and the policy receipts
 * verify their signers with (import this module, inject RecipientCertificatePolicy).
 */
@Module({
  imports: [deliveryRuntime],
  providers: [provideTrustReadModel(DELIVERY_TRUST_GROUPS), RecipientCertificatePolicy],
  exports: [TrustReadModel, RecipientCertificatePolicy],
})
export class TrustModule {}
