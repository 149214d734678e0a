import type { ServiceDefinition } from '@renkei/platform';
import { KnownOfficeEntity } from './directory/known-office.entity';
import { EnvelopeEntity } from './envelopes/envelope.entity';
import { CreateIntakeSchema1767225600000 } from './migrations/1767225600000-CreateIntakeSchema';
import { CreateEnvelopeTables1767398400000 } from './migrations/1767398400000-CreateEnvelopeTables';

/** 受付: POST envelopes: verify, check licences and send units, store ciphertext, publish. */
export const intakeDefinition: ServiceDefinition = {
  name: 'intake',
  schema: 'intake',
  entities: [KnownOfficeEntity, EnvelopeEntity],
  migrations: [CreateIntakeSchema1767225600000, CreateEnvelopeTables1767398400000],
  ports: { http: 8083, metrics: 9183 },
};
