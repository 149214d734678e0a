import { Module } from '@nestjs/common';
import { certificateRuntime } from '../certificate.runtime';
import { CrlFetcher } from './crl.fetcher';
import { TrustClock } from './trust.clock';
import { TrustController } from './trust.controller';
import { TrustMetrics } from './trust.metrics';
import { TrustQueriesService } from './trust-queries.service';
import { TrustRepository } from './trust.repository';
import { TrustScheduler } from './trust.scheduler';
import { TrustService } from './trust.service';
import { TrustStore } from './trust.store';

/** Trust anchors, profiles and CRLs: stored, published as events, served to operators (docs/trust.md). */
@Module({
  imports: [certificateRuntime],
  controllers: [TrustController],
  providers: [
    TrustClock,
    TrustRepository,
    TrustStore,
    TrustService,
    TrustQueriesService,
    TrustMetrics,
    CrlFetcher,
    TrustScheduler,
  ],
  exports: [TrustStore],
})
export class TrustModule {}
