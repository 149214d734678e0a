// Runs the expiry pass at boot and then every CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS. Every replica runs
// it; the pass's advisory lock lets one of them raise the warnings.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PlatformConfig } from '@renkei/platform';
import { CertificateExpiryService } from './certificate-expiry.service';

@Injectable()
export class CertificateExpiryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CertificateExpiryJob.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(CertificateExpiryService) private readonly expiry: CertificateExpiryService,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.tick();
  }

  /** lets the pass in progress finish, then stops (before the DataSource closes) */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.config.certificateExpiry.checkIntervalSeconds * 1000);
      this.timer.unref();
    });
  }

  private async pass(): Promise<void> {
    try {
      const { locked, raised } = await this.expiry.runOnce();
      this.logger.debug({ locked, raised: raised.length }, 'certificate expiry pass done');
    } catch (error) {
      this.logger.warn(
        { err: String(error) },
        'certificate expiry pass failed; will retry at the next interval',
      );
    }
  }
}
