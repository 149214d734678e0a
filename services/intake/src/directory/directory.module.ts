import { Module } from '@nestjs/common';
import { intakeRuntime } from '../intake.runtime';
import { KnownOfficeRepository } from './known-office.repository';
import { OfficeChangedConsumer } from './office-changed.consumer';

/** Intake's read model of the office directory (registry.office.changed.v1). */
@Module({
  imports: [intakeRuntime],
  providers: [KnownOfficeRepository, OfficeChangedConsumer],
  exports: [KnownOfficeRepository],
})
export class DirectoryModule {}
