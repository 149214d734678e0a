import { Module } from '@nestjs/common';
import { deliveryRuntime } from './delivery.runtime';
import { EnvelopesModule } from './envelopes/envelopes.module';
import { LicencesModule } from './licences/licences.module';
import { ReceiptsModule } from './receipts/receipts.module';
import { TrustModule } from './trust/trust.module';

@Module({
  imports: [deliveryRuntime, EnvelopesModule, TrustModule, ReceiptsModule, LicencesModule],
})
export class DeliveryModule {}
