// Generates the current JST month's deduction cycles from day BILLING_CYCLE_DAY of the month, at boot and then
// every BILLING_CYCLE_INTERVAL_SECONDS. Every replica runs it; an advisory lock lets one of them generate.
// Generation is idempotent: a pass after the month's cycles exist changes nothing.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PeriodicJob, PlatformConfig } from '@renkei/platform';
import { BillingClock } from './billing.clock';
import { BILLING_SYSTEM_ACTOR, BillingLedger } from './billing.ledger';
import { BillingMetrics } from './billing.metrics';
import { BillingRepository } from './billing.repository';
import { jstDayOfMonth, jstMonth } from './billing-rules.util';

export interface CyclePass {
  /** false when another replica held the lock */
  readonly locked: boolean;
  /** the month generated, or null before the cycle day */
  readonly month: string | null;
}

@Injectable()
export class BillingCycleJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BillingCycleJob.name);
  private readonly job: PeriodicJob;
  private readonly cycleDay: number;

  constructor(
    @Inject(BillingLedger) private readonly ledger: BillingLedger,
    @Inject(BillingRepository) private readonly repository: BillingRepository,
    @Inject(BillingMetrics) private readonly metrics: BillingMetrics,
    @Inject(BillingClock) private readonly clock: BillingClock,
    @Inject(PlatformConfig) config: PlatformConfig,
  ) {
    this.cycleDay = config.billing.cycleDay;
    this.job = new PeriodicJob({
      run: () => this.pass(),
      intervalMs: config.billing.cycleIntervalSeconds * 1000,
      onError: (error) =>
        this.logger.warn(
          { err: String(error) },
          'billing cycle pass failed; will retry at the next interval',
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

  /** one pass: the current month's cycles once its cycle day has come, then the fee gauge */
  async runOnce(): Promise<CyclePass> {
    const now = this.clock.now();
    const month = jstDayOfMonth(now) >= this.cycleDay ? jstMonth(now) : null;
    let locked = true;
    if (month !== null) {
      locked = await this.repository.transaction(async (manager) => {
        if (!(await this.repository.tryLockGeneration(manager))) return false;
        await this.ledger.generateLocked(manager, BILLING_SYSTEM_ACTOR, month, now);
        return true;
      });
    }
    this.metrics.setFeeCounts(await this.repository.feeCountsByState());
    return { locked, month };
  }

  private async pass(): Promise<void> {
    const { locked, month } = await this.runOnce();
    this.logger.debug({ locked, month }, 'billing cycle pass done');
  }
}
