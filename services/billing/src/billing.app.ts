import { AppSpec, clusterDefaults } from '@renkei/platform';
import { billingDefinition } from './billing.definition';
import { BillingModule } from './billing.module';

/** The billing service as its own process (cluster mode). */
export const billingApp: AppSpec = {
  name: 'billing',
  defaults: clusterDefaults(billingDefinition),
  modules: [BillingModule],
};
