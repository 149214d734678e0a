import { ServiceRuntimeModule } from '@renkei/platform';
import { registryDefinition } from './registry.definition';

/** The registry schema's runtime, one instance shared by the service's feature modules (Nest 11 keys by reference). */
export const registryRuntime = ServiceRuntimeModule.forService(registryDefinition);
