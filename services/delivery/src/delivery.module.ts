import { Module } from '@nestjs/common';
import { deliveryRuntime } from './delivery.runtime';
import { EnvelopesModule } from './envelopes/envelopes.module';

@Module({
  imports: [deliveryRuntime, EnvelopesModule],
})
export class DeliveryModule {}
