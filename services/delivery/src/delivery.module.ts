import { Module } from '@nestjs/common';
import { deliveryRuntime } from './delivery.runtime';
import { EnvelopesModule } from './envelopes/envelopes.module';
import { InboxEventsModule } from './inbox-events/inbox-events.module';
import { LicencesModule } from './licences/licences.module';
import { ReceiptsModule } from './receipts/receipts.module';
import { TrustModule } from './trust/trust.module';

@Module({
  imports: [deliveryRuntime, EnvelopesModule, InboxEventsModule, TrustModule, ReceiptsModule, LicencesModule],
})
export class DeliveryModule {}
