import { Module } from '@nestjs/common';
import { KnownLicenceRepository, provideLicenceReadModel } from '@renkei/platform';
import { intakeRuntime } from '../intake.runtime';
import { KnownOfficeRepository } from './known-office.repository';
import { OfficeChangedConsumer } from './office-changed.consumer';

/**
 * Intake's read models of the office directory (registry.office.changed.v1) and of the licences
 * (registry.licence.changed.v1): the send checks query them, never registry.
 */
@Module({
  imports: [intakeRuntime],
  providers: [KnownOfficeRepository, OfficeChangedConsumer, ...provideLicenceReadModel('intake.licences')],
  exports: [KnownOfficeRepository, KnownLicenceRepository],
})
export class DirectoryModule {}
