import { AppSpec, clusterDefaults } from '@renkei/platform';
import { deliveryDefinition } from './delivery.definition';
import { DeliveryModule } from './delivery.module';

/** The delivery service as its own process (cluster mode). */
export const deliveryApp: AppSpec = {
  name: 'delivery',
  defaults: clusterDefaults(deliveryDefinition),
  modules: [DeliveryModule],
};
