import type { ServiceDefinition } from '@renkei/platform';
import { EnvelopeStepEntity } from './envelopes/envelope-step.entity';
import { EnvelopeEntity } from './envelopes/envelope.entity';
import { CreateDeliverySchema1767225600000 } from './migrations/1767225600000-CreateDeliverySchema';
import { CreateEnvelopeTables1767398400000 } from './migrations/1767398400000-CreateEnvelopeTables';

/** 通知・受領: inboxes, push (SSE/webhook), status timeline, recipient receipts, evidence reports. */
export const deliveryDefinition: ServiceDefinition = {
  name: 'delivery',
  schema: 'delivery',
  entities: [EnvelopeEntity, EnvelopeStepEntity],
  migrations: [CreateDeliverySchema1767225600000, CreateEnvelopeTables1767398400000],
  ports: { http: 8085, metrics: 9185 },
};
