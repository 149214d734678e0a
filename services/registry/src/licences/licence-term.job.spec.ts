import { Logger } from '@nestjs/common';
import type { PlatformConfig } from '@renkei/platform';
import { LicenceTermJob } from './licence-term.job';
import type { LicenceTermPass, LicenceTermService } from './licence-term.service';

const PASS: LicenceTermPass = { locked: true, renewed: [], expired: [] };

function setup(runOnce: () => Promise<LicenceTermPass>) {
  const mocks = { terms: { runOnce: jest.fn(runOnce) } };
  const config = { licenceRenewal: { intervalSeconds: 60 } } as PlatformConfig;
  const sut = new LicenceTermJob(mocks.terms as unknown as LicenceTermService, config);
  return { sut, mocks };
}

describe(LicenceTermJob.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a pass at boot, then one every LICENCE_RENEWAL_INTERVAL_SECONDS', async () => {
    const { sut, mocks } = setup(async () => PASS);

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(59_999);
    const atBoot = mocks.terms.runOnce.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1);

    expect(atBoot).toBe(1);
    expect(mocks.terms.runOnce).toHaveBeenCalledTimes(2);
    await sut.beforeApplicationShutdown();
  });

  it('logs a failed pass and keeps running', async () => {
    const { sut, mocks } = setup(async () => PASS);
    mocks.terms.runOnce.mockRejectedValueOnce(new Error('database unavailable'));
    const warn = jest.spyOn(Logger.prototype, 'warn');

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(warn).toHaveBeenCalledWith(
      { err: 'Error: database unavailable' },
      'licence term pass failed; will retry at the next interval',
    );
    expect(mocks.terms.runOnce).toHaveBeenCalledTimes(2);
    warn.mockRestore();
    await sut.beforeApplicationShutdown();
  });

  it('lets the pass in progress finish on shutdown and starts no other', async () => {
    let finish: (pass: LicenceTermPass) => void = () => undefined;
    const { sut, mocks } = setup(() => new Promise<LicenceTermPass>((resolve) => (finish = resolve)));
    sut.onApplicationBootstrap();

    const stopping = sut.beforeApplicationShutdown();
    finish(PASS);
    await stopping;
    await jest.advanceTimersByTimeAsync(600_000);

    expect(mocks.terms.runOnce).toHaveBeenCalledTimes(1);
  });
});
