import { Inject, Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@renkei/platform';
import type { Counter, Gauge } from 'prom-client';
import type { FeeStateCount } from './billing.repository';

@Injectable()
export class BillingMetrics {
  private readonly deductions: Counter<'prefecture' | 'result'>;
  private readonly fees: Gauge<'state'>;
  private readonly unbalanced: Counter<'prefecture'>;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    // at most 47 prefectures × 2 results
    this.deductions = metrics.counter(
      'billing_deduction_results_total',
      'Deduction results posted by the 国保連, by prefecture and result',
      ['prefecture', 'result'],
    );
    this.fees = metrics.gauge('billing_fees', 'Fees by state (set by the cycle job)', ['state']);
    this.unbalanced = metrics.counter(
      'billing_reconciliation_unbalanced_total',
      'Reconciliation reports that did not balance, by prefecture',
      ['prefecture'],
    );
  }

  resultsPosted(prefecture: string, result: string, count: number): void {
    if (count > 0) this.deductions.inc({ prefecture, result }, count);
  }

  setFeeCounts(counts: readonly FeeStateCount[]): void {
    // a state with no fee any more reads 0, not its last value
    this.fees.reset();
    for (const { state, count } of counts) this.fees.set({ state }, count);
  }

  reconciliationUnbalanced(prefecture: string): void {
    this.unbalanced.inc({ prefecture });
  }
}
