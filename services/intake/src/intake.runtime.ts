import { ServiceRuntimeModule } from '@renkei/platform';
import { intakeDefinition } from './intake.definition';

/** The intake schema's runtime, one instance shared by the service's feature modules (Nest 11 keys by reference). */
export const intakeRuntime = ServiceRuntimeModule.forService(intakeDefinition);
