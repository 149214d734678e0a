import { Module } from '@nestjs/common';
import { billingRuntime } from '../billing.runtime';
import { BillingCycleJob } from './billing-cycle.job';
import { BillingClock } from './billing.clock';
import { BillingLedger } from './billing.ledger';
import { BillingMetrics } from './billing.metrics';
import { BILLING_LEDGER } from './billing.ports';
import { BillingRepository } from './billing.repository';
import { LicenceChangedConsumer } from './licence-changed.consumer';

/** The billing ledger: the licence consumer, fees, cycles, results, reconciliation, and the cycle job. */
@Module({
  imports: [billingRuntime],
  providers: [
    BillingClock,
    BillingRepository,
    BillingMetrics,
    BillingLedger,
    { provide: BILLING_LEDGER, useExisting: BillingLedger },
    LicenceChangedConsumer,
    BillingCycleJob,
  ],
  exports: [BILLING_LEDGER],
})
export class BillingLedgerModule {}
