import { ServiceRuntimeModule } from '@renkei/platform';
import { billingDefinition } from './billing.definition';

/** The billing schema's runtime, one instance shared by the service's feature modules (Nest 11 keys by reference). */
export const billingRuntime = ServiceRuntimeModule.forService(billingDefinition);
