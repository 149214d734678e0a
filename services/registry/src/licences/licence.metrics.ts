import { Inject, Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@renkei/platform';
import type { Gauge } from 'prom-client';
import type { LicenceCount } from './licence.repository';

@Injectable()
export class LicenceMetrics {
  private readonly licences: Gauge<'state' | 'prefecture'>;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    // at most 47 prefectures × 5 states
    this.licences = metrics.gauge(
      'registry_licences',
      'Licences by state and prefecture (set by the licence term job)',
      ['state', 'prefecture'],
    );
  }

  setCounts(counts: readonly LicenceCount[]): void {
    // a state or prefecture that has no licence any more reads 0, not its last value
    this.licences.reset();
    for (const { state, prefecture, count } of counts) this.licences.set({ state, prefecture }, count);
  }
}
