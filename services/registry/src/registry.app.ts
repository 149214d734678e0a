import { AppSpec, clusterDefaults } from '@renkei/platform';
import { registryDefinition } from './registry.definition';
import { RegistryModule } from './registry.module';

/** The registry service as its own process (cluster mode). */
export const registryApp: AppSpec = {
  name: 'registry',
  defaults: clusterDefaults(registryDefinition),
  modules: [RegistryModule],
};
