import {
  KnownLicenceEntity,
  RevokedCertificateViewEntity,
  TrustAnchorViewEntity,
  TrustViewStateEntity,
  type ServiceDefinition,
} from '@renkei/platform';
import { EnvelopeStepEntity } from './envelopes/envelope-step.entity';
import { EnvelopeEntity } from './envelopes/envelope.entity';
import { CreateDeliverySchema1767225600000 } from './migrations/1767225600000-CreateDeliverySchema';
import { CreateEnvelopeTables1767398400000 } from './migrations/1767398400000-CreateEnvelopeTables';
import { CreateTrustViews1768089600000 } from './migrations/1768089600000-CreateTrustViews';
import { CreateRecipientReceipts1768176000000 } from './migrations/1768176000000-CreateRecipientReceipts';
import { CreateKnownLicence1768435200000 } from './migrations/1768435200000-CreateKnownLicence';
import { AddInboxSequence1768521600000 } from './migrations/1768521600000-AddInboxSequence';
import { RecipientReceiptEntity } from './receipts/recipient-receipt.entity';

/** 通知・受領: inboxes, push (SSE/webhook), status timeline, recipient receipts, evidence reports. */
export const deliveryDefinition: ServiceDefinition = {
  name: 'delivery',
  schema: 'delivery',
  entities: [
    EnvelopeEntity,
    EnvelopeStepEntity,
    TrustAnchorViewEntity,
    TrustViewStateEntity,
    RevokedCertificateViewEntity,
    RecipientReceiptEntity,
    KnownLicenceEntity,
  ],
  migrations: [
    CreateDeliverySchema1767225600000,
    CreateEnvelopeTables1767398400000,
    CreateTrustViews1768089600000,
    CreateRecipientReceipts1768176000000,
    CreateKnownLicence1768435200000,
    AddInboxSequence1768521600000,
  ],
  ports: { http: 8085, metrics: 9185 },
};
