import {
  KnownLicenceEntity,
  RevokedCertificateViewEntity,
  TrustAnchorViewEntity,
  TrustViewStateEntity,
  type ServiceDefinition,
} from '@renkei/platform';
import { KnownOfficeEntity } from './directory/known-office.entity';
import { EnvelopeEntity } from './envelopes/envelope.entity';
import { CreateIntakeSchema1767225600000 } from './migrations/1767225600000-CreateIntakeSchema';
import { CreateEnvelopeTables1767398400000 } from './migrations/1767398400000-CreateEnvelopeTables';
import { AddAcceptanceReceipt1768003200000 } from './migrations/1768003200000-AddAcceptanceReceipt';
import { CreateTrustViews1768089600000 } from './migrations/1768089600000-CreateTrustViews';
import { CreateKnownLicence1768435200000 } from './migrations/1768435200000-CreateKnownLicence';

/** 受付: POST envelopes: verify, check licences and send units, store ciphertext, publish. */
export const intakeDefinition: ServiceDefinition = {
  name: 'intake',
  schema: 'intake',
  entities: [
    KnownOfficeEntity,
    KnownLicenceEntity,
    EnvelopeEntity,
    TrustAnchorViewEntity,
    TrustViewStateEntity,
    RevokedCertificateViewEntity,
  ],
  migrations: [
    CreateIntakeSchema1767225600000,
    CreateEnvelopeTables1767398400000,
    AddAcceptanceReceipt1768003200000,
    CreateTrustViews1768089600000,
    CreateKnownLicence1768435200000,
  ],
  ports: { http: 8083, metrics: 9183 },
};
