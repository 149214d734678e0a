import { ServiceRuntimeModule } from '@renkei/platform';
import { storageDefinition } from './storage.definition';

/** The storage schema's runtime, one instance shared by the service's feature modules (Nest 11 keys by reference). */
export const storageRuntime = ServiceRuntimeModule.forService(storageDefinition);
