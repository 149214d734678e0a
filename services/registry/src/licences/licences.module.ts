import { Module } from '@nestjs/common';
import { OfficesModule } from '../offices/offices.module';
import { registryRuntime } from '../registry.runtime';
import { DirectoryController } from './directory.controller';
import { LicenceChangeRecorder } from './licence-change.recorder';
import { LicenceQueriesService } from './licence-queries.service';
import { LicenceMetrics } from './licence.metrics';
import { LicenceRepository } from './licence.repository';
import { LicenceTermJob } from './licence-term.job';
import { LicenceTermService } from './licence-term.service';
import { LicencesClock } from './licences.clock';
import { LicencesController } from './licences.controller';
import { LicencesService } from './licences.service';

/** Licences (利用申請, states, renewal, cancellation, audit) and the directory of licensed offices. */
@Module({
  imports: [registryRuntime, OfficesModule],
  controllers: [LicencesController, DirectoryController],
  providers: [
    LicencesClock,
    LicenceRepository,
    LicenceChangeRecorder,
    LicencesService,
    LicenceQueriesService,
    LicenceMetrics,
    LicenceTermService,
    LicenceTermJob,
  ],
})
export class LicencesModule {}
