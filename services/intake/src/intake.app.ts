import { AppSpec, clusterDefaults } from '@renkei/platform';
import { intakeDefinition } from './intake.definition';
import { IntakeModule } from './intake.module';

/** The intake service as its own process (cluster mode). */
export const intakeApp: AppSpec = {
  name: 'intake',
  // a cluster intake signs every acceptance receipt: RECEIPT_SIGNING_KEY_PEM and RECEIPT_CERTIFICATE_PEM required
  defaults: { ...clusterDefaults(intakeDefinition), signsReceipts: true },
  modules: [IntakeModule],
};
