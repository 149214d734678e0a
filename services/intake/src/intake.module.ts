import { Module } from '@nestjs/common';
import { DirectoryModule } from './directory/directory.module';
import { EnvelopesModule } from './envelopes/envelopes.module';
import { intakeRuntime } from './intake.runtime';

@Module({
  imports: [intakeRuntime, DirectoryModule, EnvelopesModule],
})
export class IntakeModule {}
