import type { ServiceDefinition } from '@renkei/platform';
import { CreateBillingSchema1767225600000 } from './migrations/1767225600000-CreateBillingSchema';

/** 差引: licence fees, campaigns, monthly deduction cycles per 国保連, results, reconciliation. */
export const billingDefinition: ServiceDefinition = {
  name: 'billing',
  schema: 'billing',
  entities: [],
  migrations: [CreateBillingSchema1767225600000],
  ports: { http: 8086, metrics: 9186 },
};
