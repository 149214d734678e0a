import { Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@renkei/platform';
import { billingDefinition } from './billing.definition';

// Business capabilities arrive with their issues; until then the service owns its schema, outbox, inbox,
// health and metrics, and serves nothing that would pretend to be a feature.
@Module({
  imports: [ServiceRuntimeModule.forService(billingDefinition)],
})
export class BillingModule {}
