import type { ServiceDefinition } from '@renkei/platform';
import { AuthChallengeEntity } from './auth/auth-challenge.entity';
import { TokenSigningKeyEntity } from './auth/token-signing-key.entity';
import { CreateCertificateSchema1767225600000 } from './migrations/1767225600000-CreateCertificateSchema';
import { CreateAuthTables1767312000000 } from './migrations/1767312000000-CreateAuthTables';
import { CreateTrustTables1767484800000 } from './migrations/1767484800000-CreateTrustTables';
import { RevokedCertificateEntity } from './trust/revoked-certificate.entity';
import { TrustAnchorEntity } from './trust/trust-anchor.entity';
import { TrustCrlEntity } from './trust/trust-crl.entity';
import { TrustStateEntity } from './trust/trust-state.entity';

/** 証明書検証: trust anchors, CRLs, chain validation, office binding, challenge→token, revocation events. */
export const certificateDefinition: ServiceDefinition = {
  name: 'certificate',
  schema: 'certificate',
  entities: [
    AuthChallengeEntity,
    TokenSigningKeyEntity,
    TrustAnchorEntity,
    TrustCrlEntity,
    RevokedCertificateEntity,
    TrustStateEntity,
  ],
  migrations: [
    CreateCertificateSchema1767225600000,
    CreateAuthTables1767312000000,
    CreateTrustTables1767484800000,
  ],
  ports: { http: 8082, metrics: 9182 },
};
