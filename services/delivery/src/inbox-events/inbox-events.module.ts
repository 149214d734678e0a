import { Module } from '@nestjs/common';
import { deliveryRuntime } from '../delivery.runtime';
import { EnvelopesModule } from '../envelopes/envelopes.module';
import { LicencesModule } from '../licences/licences.module';
import { InboxArrivals } from './inbox-arrivals';
import { InboxEventsController } from './inbox-events.controller';
import { InboxEventsHub } from './inbox-events.hub';

/** GET /v1/inbox/events: arrivals pushed to connected agents, woken across replicas by NOTIFY. */
@Module({
  imports: [deliveryRuntime, EnvelopesModule, LicencesModule],
  controllers: [InboxEventsController],
  providers: [InboxArrivals, InboxEventsHub],
})
export class InboxEventsModule {}
