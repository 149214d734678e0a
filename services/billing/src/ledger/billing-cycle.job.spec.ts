import { Logger } from '@nestjs/common';
import type { PlatformConfig } from '@renkei/platform';
import { BillingCycleJob } from './billing-cycle.job';
import type { BillingClock } from './billing.clock';
import type { BillingLedger } from './billing.ledger';
import type { BillingMetrics } from './billing.metrics';
import type { BillingRepository } from './billing.repository';

const MANAGER = { manager: true };

function setup(now: Date, locked = true) {
  const mocks = {
    ledger: { generateLocked: jest.fn(async () => []) },
    repository: {
      transaction: jest.fn(async (work: (manager: unknown) => Promise<unknown>) => work(MANAGER)),
      tryLockGeneration: jest.fn(async () => locked),
      feeCountsByState: jest.fn(async () => [{ state: 'due', count: 3 }]),
    },
    metrics: { setFeeCounts: jest.fn() },
    clock: { now: jest.fn(() => now) },
  };
  const config = { billing: { cycleDay: 5, cycleIntervalSeconds: 60, carryOverCycles: 2 } } as PlatformConfig;
  const sut = new BillingCycleJob(
    mocks.ledger as unknown as BillingLedger,
    mocks.repository as unknown as BillingRepository,
    mocks.metrics as unknown as BillingMetrics,
    mocks.clock as unknown as BillingClock,
    config,
  );
  return { sut, mocks };
}

describe(BillingCycleJob.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('generates nothing before BILLING_CYCLE_DAY of the JST month', async () => {
    // 23:59 JST on the 4th
    const { sut, mocks } = setup(new Date('2027-05-04T14:59:00.000Z'));
    expect(await sut.runOnce()).toEqual({ locked: true, month: null });
    expect(mocks.ledger.generateLocked).not.toHaveBeenCalled();
    expect(mocks.metrics.setFeeCounts).toHaveBeenCalledWith([{ state: 'due', count: 3 }]);
  });

  it("generates the current JST month's cycles from BILLING_CYCLE_DAY, under the lock, as the system", async () => {
    // 00:00 JST on 1 June is still May in UTC
    const now = new Date('2027-05-31T15:00:00.000Z');
    const { sut, mocks } = setup(now);
    expect(await sut.runOnce()).toEqual({ locked: true, month: null });

    const fifth = new Date('2027-06-04T15:00:00.000Z');
    const later = setup(fifth);
    expect(await later.sut.runOnce()).toEqual({ locked: true, month: '202706' });
    expect(later.mocks.ledger.generateLocked).toHaveBeenCalledWith(
      MANAGER,
      { id: 'billing', role: 'system' },
      '202706',
      fifth,
    );
    expect(mocks.ledger.generateLocked).not.toHaveBeenCalled();
  });

  it('leaves the month to the replica holding the lock', async () => {
    const { sut, mocks } = setup(new Date('2027-06-10T00:00:00.000Z'), false);
    expect(await sut.runOnce()).toEqual({ locked: false, month: '202706' });
    expect(mocks.ledger.generateLocked).not.toHaveBeenCalled();
  });

  it('runs a pass at boot, then one every BILLING_CYCLE_INTERVAL_SECONDS', async () => {
    jest.useFakeTimers();
    try {
      const { sut, mocks } = setup(new Date('2027-06-10T00:00:00.000Z'));
      sut.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(59_999);
      const atBoot = mocks.repository.transaction.mock.calls.length;
      await jest.advanceTimersByTimeAsync(1);
      expect(atBoot).toBe(1);
      expect(mocks.repository.transaction).toHaveBeenCalledTimes(2);
      await sut.beforeApplicationShutdown();
    } finally {
      jest.useRealTimers();
    }
  });
});
