import { Module } from '@nestjs/common';
import { provideTrustReadModel, TrustReadModel } from '@renkei/platform';
import { intakeRuntime } from '../intake.runtime';

/** consumer groups of intake's trust read model; never renamed (libs/contracts topics.ts) */
export const INTAKE_TRUST_GROUPS = { trust: 'intake.trust', revocations: 'intake.revocations' } as const;

/**
 * Intake's read model of the trust configuration (certificate.trust.changed.v1 +
 * certificate.revocation.recorded.v1), followed by every replica; the envelope checks validate against its
 * in-memory policy, so no query is added per envelope.
 */
@Module({
  imports: [intakeRuntime],
  providers: [provideTrustReadModel(INTAKE_TRUST_GROUPS)],
  exports: [TrustReadModel],
})
export class TrustModule {}
