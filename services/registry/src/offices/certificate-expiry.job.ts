// Runs the expiry pass at boot and then every CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS. Every replica runs
// it; the pass's advisory lock lets one of them raise the warnings.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PeriodicJob, PlatformConfig } from '@renkei/platform';
import { CertificateExpiryService } from './certificate-expiry.service';

@Injectable()
export class CertificateExpiryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CertificateExpiryJob.name);
  private readonly job: PeriodicJob;

  constructor(
    @Inject(CertificateExpiryService) private readonly expiry: CertificateExpiryService,
    @Inject(PlatformConfig) config: PlatformConfig,
  ) {
    this.job = new PeriodicJob({
      run: () => this.pass(),
      intervalMs: config.certificateExpiry.checkIntervalSeconds * 1000,
      onError: (error) =>
        this.logger.warn(
          { err: String(error) },
          'certificate expiry pass failed; will retry at the next interval',
        ),
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
    const { locked, raised } = await this.expiry.runOnce();
    this.logger.debug({ locked, raised: raised.length }, 'certificate expiry pass done');
  }
}
