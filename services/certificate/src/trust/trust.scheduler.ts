// The trust store's background work: seed TRUST_ANCHORS_PEM at boot, keep the expiry/freshness gauges current,
// and (CRL_FETCH_INTERVAL_SECONDS > 0) fetch each active anchor's CRL from its distribution point every interval
// and soon after a recorded CRL's nextUpdate — one replica at a time (advisory lock).
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { derCertificatesFromPem } from '@renkei/envelope';
import { PlatformConfig } from '@renkei/platform';
import { CrlFetcher } from './crl.fetcher';
import { crlDerOf } from './crl.util';
import { TrustClock } from './trust.clock';
import { TrustError } from './trust.errors';
import { anchorLabel, TrustMetrics } from './trust.metrics';
import { TrustRepository } from './trust.repository';
import { TrustService } from './trust.service';

const METRICS_INTERVAL_MS = 30_000;
const SEED_RETRY_MS = 5_000;
const CRL_FETCH_LOCK = 'certificate.crl-fetch';
// a CRL published at nextUpdate is fetched this long after it, not at the same instant
const AFTER_NEXT_UPDATE_MS = 30_000;
const MIN_FETCH_DELAY_MS = 5_000;

@Injectable()
export class TrustScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TrustScheduler.name);
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(TrustService) private readonly trust: TrustService,
    @Inject(TrustRepository) private readonly repository: TrustRepository,
    @Inject(CrlFetcher) private readonly fetcher: CrlFetcher,
    @Inject(TrustMetrics) private readonly metrics: TrustMetrics,
    @Inject(TrustClock) private readonly clock: TrustClock,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seeded = await this.seed();
    if (!seeded)
      this.every(
        SEED_RETRY_MS,
        () => this.seed(),
        (done) => done,
      );
    await this.trust.observe();
    this.every(METRICS_INTERVAL_MS, () => this.trust.observe());
    const interval = this.config.auth.crlFetchIntervalSeconds;
    if (interval > 0) this.schedule(0, () => this.fetchLoop(interval * 1000));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running.catch(() => undefined);
  }

  /** fetches every active anchor's CRL once (if no other replica is at it); the number of failures */
  async fetchAll(): Promise<number | undefined> {
    const locked = await this.repository.whileLocked(CRL_FETCH_LOCK, async () => {
      let failures = 0;
      for (const anchor of await this.repository.anchors()) {
        if (anchor.status !== 'active' || !anchor.crlDistributionPoint) continue;
        try {
          const body = await this.fetcher.fetch(anchor.crlDistributionPoint);
          await this.trust.recordCrl(crlDerOf(body), 'fetch');
        } catch (error) {
          if (!(error instanceof TrustError)) throw error;
          failures++;
          this.metrics.fetchFailed();
          this.logger.warn(
            { anchor: anchorLabel(anchor), code: error.code },
            `CRL fetch failed: ${error.message}`,
          );
        }
      }
      return failures;
    });
    await this.trust.observe();
    return locked?.result;
  }

  private async fetchLoop(intervalMs: number): Promise<void> {
    try {
      await this.fetchAll();
    } catch (error) {
      this.logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        'CRL fetch round failed',
      );
    }
    this.schedule(await this.nextFetchDelay(intervalMs), () => this.fetchLoop(intervalMs));
  }

  /** the interval, or sooner: just after the earliest nextUpdate still ahead */
  private async nextFetchDelay(intervalMs: number): Promise<number> {
    const now = this.clock.now().getTime();
    let delay = intervalMs;
    try {
      for (const crl of await this.repository.crls()) {
        if (!crl.nextUpdate) continue;
        const due = crl.nextUpdate.getTime() + AFTER_NEXT_UPDATE_MS - now;
        if (due > 0 && due < delay) delay = due;
      }
    } catch {
      // the database is away: try again after the interval
    }
    return Math.max(delay, Math.min(intervalMs, MIN_FETCH_DELAY_MS));
  }

  private async seed(): Promise<boolean> {
    try {
      const certificates = derCertificatesFromPem(this.config.auth.trustAnchorsPem);
      if (await this.trust.seed(certificates, this.config.auth.trustAnchorRoles)) {
        this.logger.log({ certificates: certificates.length }, 'trust anchors from TRUST_ANCHORS_PEM seeded');
      }
      return true;
    } catch (error) {
      this.logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        'seeding TRUST_ANCHORS_PEM failed; retrying',
      );
      return false;
    }
  }

  /** runs `work` every `ms` until stopped (or until `until` says done) */
  private every<T>(ms: number, work: () => Promise<T>, until: (result: T) => boolean = () => false): void {
    this.schedule(ms, async () => {
      const result = await work();
      if (!until(result)) this.every(ms, work, until);
    });
  }

  private schedule(ms: number, work: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      this.running = work().catch((error: unknown) => {
        this.logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'trust task failed',
        );
      });
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}
