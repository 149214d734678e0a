// Runs the licence term pass at boot and then every LICENCE_RENEWAL_INTERVAL_SECONDS. Every replica runs
// it; the pass's advisory lock lets one of them renew and expire.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PlatformConfig } from '@renkei/platform';
import { LicenceTermService } from './licence-term.service';

@Injectable()
export class LicenceTermJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LicenceTermJob.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(LicenceTermService) private readonly terms: LicenceTermService,
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
      this.timer = setTimeout(() => this.tick(), this.config.licenceRenewal.intervalSeconds * 1000);
      this.timer.unref();
    });
  }

  private async pass(): Promise<void> {
    try {
      const { locked, renewed, expired } = await this.terms.runOnce();
      this.logger.debug(
        { locked, renewed: renewed.length, expired: expired.length },
        'licence term pass done',
      );
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'licence term pass failed; will retry at the next interval');
    }
  }
}
