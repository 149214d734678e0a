// Runs the licence term pass at boot and then every LICENCE_RENEWAL_INTERVAL_SECONDS. Every replica runs
// it; the pass's advisory lock lets one of them renew and expire.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PeriodicJob, PlatformConfig } from '@renkei/platform';
import { LicenceTermService } from './licence-term.service';

@Injectable()
export class LicenceTermJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LicenceTermJob.name);
  private readonly job: PeriodicJob;

  constructor(
    @Inject(LicenceTermService) private readonly terms: LicenceTermService,
    @Inject(PlatformConfig) config: PlatformConfig,
  ) {
    this.job = new PeriodicJob({
      run: () => this.pass(),
      intervalMs: config.licenceRenewal.intervalSeconds * 1000,
      onError: (error) =>
        this.logger.warn({ err: String(error) }, 'licence term pass failed; will retry at the next interval'),
    });
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  /** lets the pass in progress finish, then stops (before the DataSource closes) */
  async beforeApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }

  private async pass(): Promise<void> {
    const { locked, renewed, expired } = await this.terms.runOnce();
    this.logger.debug({ locked, renewed: renewed.length, expired: expired.length }, 'licence term pass done');
  }
}
