import { Inject, Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@renkei/platform';
import type { Counter, Gauge } from 'prom-client';
import type { TrustAnchorEntity } from './trust-anchor.entity';
import type { TrustCrlEntity } from './trust-crl.entity';

/** the `anchor` label: the first 12 hex digits of the anchor certificate's SHA-256 (a handful of values) */
export function anchorLabel(anchor: TrustAnchorEntity): string {
  return anchor.certificateSha256.slice(0, 12);
}

/** Expiry and freshness of the trust configuration as Prometheus gauges (active anchors only). */
@Injectable()
export class TrustMetrics {
  private readonly anchorExpiry: Gauge<'anchor'>;
  private readonly crlNextUpdate: Gauge<'anchor'>;
  private readonly crlAge: Gauge<'anchor'>;
  private readonly version: Gauge;
  private readonly fetchFailures: Counter;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    this.anchorExpiry = metrics.gauge(
      'certificate_trust_anchor_expiry_seconds',
      'Seconds until the notAfter of each active trust anchor',
      ['anchor'],
    );
    this.crlNextUpdate = metrics.gauge(
      'certificate_crl_next_update_seconds',
      'Seconds until the nextUpdate of the latest CRL of each active anchor (negative when stale)',
      ['anchor'],
    );
    this.crlAge = metrics.gauge(
      'certificate_crl_age_seconds',
      'Seconds since the thisUpdate of the latest CRL of each active anchor',
      ['anchor'],
    );
    this.version = metrics.gauge('certificate_trust_version', 'Version of the trust configuration');
    this.fetchFailures = metrics.counter(
      'certificate_crl_fetch_failures_total',
      'CRL fetches from distribution points that failed (unreachable, too large, refused)',
    );
  }

  observe(
    version: bigint,
    anchors: readonly TrustAnchorEntity[],
    crls: readonly TrustCrlEntity[],
    now: Date,
  ): void {
    this.version.set(Number(version));
    this.anchorExpiry.reset();
    this.crlNextUpdate.reset();
    this.crlAge.reset();
    const crlOf = new Map(crls.map((crl) => [crl.anchorId, crl]));
    for (const anchor of anchors) {
      if (anchor.status !== 'active') continue;
      const anchorId = anchorLabel(anchor);
      this.anchorExpiry.set({ anchor: anchorId }, secondsBetween(now, anchor.notAfter));
      const crl = crlOf.get(anchor.id);
      if (!crl) continue;
      this.crlAge.set({ anchor: anchorId }, secondsBetween(crl.thisUpdate, now));
      if (crl.nextUpdate) this.crlNextUpdate.set({ anchor: anchorId }, secondsBetween(now, crl.nextUpdate));
    }
  }

  fetchFailed(): void {
    this.fetchFailures.inc();
  }
}

function secondsBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 1000);
}
