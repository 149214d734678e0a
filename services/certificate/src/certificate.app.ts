import { AppSpec, clusterDefaults } from '@renkei/platform';
import { certificateDefinition } from './certificate.definition';
import { CertificateModule } from './certificate.module';

/**
 * The certificate service as its own process (cluster mode). It issues tokens, so it verifies them from its
 * own key set in process, and needs TRUST_ANCHORS_PEM and TOKEN_SIGNING_KEY_SECRET.
 */
export const certificateApp: AppSpec = {
  name: 'certificate',
  defaults: { ...clusterDefaults(certificateDefinition), authKeySet: 'inprocess', issuesTokens: true },
  modules: [CertificateModule],
};
