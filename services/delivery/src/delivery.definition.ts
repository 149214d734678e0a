import type { ServiceDefinition } from '@renkei/platform';
import { CreateDeliverySchema1767225600000 } from './migrations/1767225600000-CreateDeliverySchema';

/** 通知・受領: inboxes, push (SSE/webhook), status timeline, recipient receipts, evidence reports. */
export const deliveryDefinition: ServiceDefinition = {
  name: 'delivery',
  schema: 'delivery',
  entities: [],
  migrations: [CreateDeliverySchema1767225600000],
  ports: { http: 8085, metrics: 9185 },
};
