import { AppSpec, clusterDefaults } from '@renkei/platform';
import { storageDefinition } from './storage.definition';
import { StorageModule } from './storage.module';

/** The storage service as its own process (cluster mode). */
export const storageApp: AppSpec = {
  name: 'storage',
  defaults: clusterDefaults(storageDefinition),
  modules: [StorageModule],
};
