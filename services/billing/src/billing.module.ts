import { Module } from '@nestjs/common';
import { BillingApiModule } from './api/billing-api.module';
import { billingRuntime } from './billing.runtime';
import { BillingLedgerModule } from './ledger/billing-ledger.module';

/** 差引: the ledger (fees, cycles, results, reconciliation, the licence consumer, the cycle job) and its HTTP APIs. */
@Module({
  imports: [billingRuntime, BillingLedgerModule, BillingApiModule],
})
export class BillingModule {}
