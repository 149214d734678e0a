import { ServiceRuntimeModule } from '@renkei/platform';
import { certificateDefinition } from './certificate.definition';

/** The certificate schema's runtime, one instance shared by the service's feature modules (Nest 11 keys by reference). */
export const certificateRuntime = ServiceRuntimeModule.forService(certificateDefinition);
