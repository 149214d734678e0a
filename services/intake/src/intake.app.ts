import { AppSpec, clusterDefaults } from '@renkei/platform';
import { intakeDefinition } from './intake.definition';
import { IntakeModule } from './intake.module';

/** The intake service as its own process (cluster mode). */
export const intakeApp: AppSpec = {
  name: 'intake',
  defaults: clusterDefaults(intakeDefinition),
  modules: [IntakeModule],
};
