import { ServiceRuntimeModule } from '@renkei/platform';
import { deliveryDefinition } from './delivery.definition';

/** The delivery schema's runtime, one instance shared by the service's feature modules (Nest 11 keys by reference). */
export const deliveryRuntime = ServiceRuntimeModule.forService(deliveryDefinition);
