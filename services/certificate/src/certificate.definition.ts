import type { ServiceDefinition } from '@renkei/platform';
import { CreateCertificateSchema1767225600000 } from './migrations/1767225600000-CreateCertificateSchema';

/** 証明書検証: trust anchors, CRLs, chain validation, office binding, challenge→token, revocation events. */
export const certificateDefinition: ServiceDefinition = {
  name: 'certificate',
  schema: 'certificate',
  entities: [],
  migrations: [CreateCertificateSchema1767225600000],
  ports: { http: 8082, metrics: 9182 },
};
