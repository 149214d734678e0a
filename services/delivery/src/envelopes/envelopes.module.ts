import { Module } from '@nestjs/common';
import { deliveryRuntime } from '../delivery.runtime';
import { EnvelopeRepository } from './envelope.repository';
import { EnvelopesConsumer } from './envelopes.consumer';
import { EnvelopesController } from './envelopes.controller';
import { EnvelopesService } from './envelopes.service';

/** Inbox, sent list and status timeline, fed by the accepted, available and downloaded events. */
@Module({
  imports: [deliveryRuntime],
  controllers: [EnvelopesController],
  providers: [EnvelopeRepository, EnvelopesService, EnvelopesConsumer],
})
export class EnvelopesModule {}
