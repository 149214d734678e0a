import type { ServiceDefinition } from '@renkei/platform';
import { CreateIntakeSchema1767225600000 } from './migrations/1767225600000-CreateIntakeSchema';

/** 受付: POST envelopes: verify, check licences and send units, store ciphertext, publish. */
export const intakeDefinition: ServiceDefinition = {
  name: 'intake',
  schema: 'intake',
  entities: [],
  migrations: [CreateIntakeSchema1767225600000],
  ports: { http: 8083, metrics: 9183 },
};
