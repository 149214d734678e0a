import { Module } from '@nestjs/common';
import { deliveryRuntime } from '../delivery.runtime';
import { LicencesModule } from '../licences/licences.module';
import { EnvelopeRepository } from './envelope.repository';
import { EnvelopesConsumer } from './envelopes.consumer';
import { EnvelopesController } from './envelopes.controller';
import { EnvelopesService } from './envelopes.service';

/** Inbox, sent list and status timeline, fed by the accepted, available and downloaded events. */
@Module({
  imports: [deliveryRuntime, LicencesModule],
  controllers: [EnvelopesController],
  providers: [EnvelopeRepository, EnvelopesService, EnvelopesConsumer],
  exports: [EnvelopeRepository],
})
export class EnvelopesModule {}
