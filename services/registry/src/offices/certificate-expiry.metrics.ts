import { Inject, Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@renkei/platform';
import type { Counter, Gauge } from 'prom-client';
import type { WarningPoint } from './certificate-expiry.schedule';
import type { ExpiryCounts } from './office.repository';

/** the bucket label of registry_office_certificates: four values */
export type ExpiryBucket = 'ok' | 'within_60d' | 'within_14d' | 'expired';

@Injectable()
export class CertificateExpiryMetrics {
  private readonly certificates: Gauge<'expiry'>;
  private readonly warnings: Counter<'point'>;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    this.certificates = metrics.gauge(
      'registry_office_certificates',
      'Certificates of active offices by time left: ok, within_60d, within_14d, expired (set by the expiry job)',
      ['expiry'],
    );
    this.warnings = metrics.counter(
      'registry_certificate_expiry_warnings_total',
      'Office certificate expiry warnings raised, by point (days before notAfter: 60, 46, 32, 18, 4; or expired)',
      ['point'],
    );
  }

  setCounts(counts: ExpiryCounts): void {
    const buckets: Record<ExpiryBucket, number> = {
      ok: counts.ok,
      within_60d: counts.within60d,
      within_14d: counts.within14d,
      expired: counts.expired,
    };
    for (const [expiry, count] of Object.entries(buckets)) this.certificates.set({ expiry }, count);
  }

  countWarning(point: WarningPoint): void {
    this.warnings.inc({ point: point === 0 ? 'expired' : String(point) });
  }
}
