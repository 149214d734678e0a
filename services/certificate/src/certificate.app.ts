import { AppSpec, clusterDefaults } from '@renkei/platform';
import { certificateDefinition } from './certificate.definition';
import { CertificateModule } from './certificate.module';

/** The certificate service as its own process (cluster mode). */
export const certificateApp: AppSpec = {
  name: 'certificate',
  defaults: clusterDefaults(certificateDefinition),
  modules: [CertificateModule],
};
