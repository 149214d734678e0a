import { Module } from '@nestjs/common';
import { intakeRuntime } from '../intake.runtime';
import { KnownLicenceRepository } from './known-licence.repository';
import { KnownOfficeRepository } from './known-office.repository';
import { LicenceChangedConsumer } from './licence-changed.consumer';
import { OfficeChangedConsumer } from './office-changed.consumer';

/**
 * Intake's read models of the office directory (registry.office.changed.v1) and of the licences
 * (registry.licence.changed.v1): the send checks query them, never registry.
 */
@Module({
  imports: [intakeRuntime],
  providers: [KnownOfficeRepository, OfficeChangedConsumer, KnownLicenceRepository, LicenceChangedConsumer],
  exports: [KnownOfficeRepository, KnownLicenceRepository],
})
export class DirectoryModule {}
