import { Module } from '@nestjs/common';
import { OfficeMasterModule } from '../office-master/office-master.module';
import { registryRuntime } from '../registry.runtime';
import { CertificateExpiryJob } from './certificate-expiry.job';
import { CertificateExpiryMetrics } from './certificate-expiry.metrics';
import { CertificateExpiryService } from './certificate-expiry.service';
import { OfficeCertificateWarningRepository } from './office-certificate-warning.repository';
import { OfficeRepository } from './office.repository';
import { OfficesClock } from './offices.clock';
import { OfficesController } from './offices.controller';
import { OfficesService } from './offices.service';

/** The minimal office directory (docs/exchange.md, Directory) and its certificates' expiry (docs/trust.md). */
@Module({
  imports: [registryRuntime, OfficeMasterModule],
  controllers: [OfficesController],
  providers: [
    OfficesClock,
    OfficeRepository,
    OfficesService,
    OfficeCertificateWarningRepository,
    CertificateExpiryMetrics,
    CertificateExpiryService,
    CertificateExpiryJob,
  ],
  // licences check that an applying office is active in the directory
  exports: [OfficesService],
})
export class OfficesModule {}
