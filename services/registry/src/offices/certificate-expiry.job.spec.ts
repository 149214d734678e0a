import { Logger } from '@nestjs/common';
import type { PlatformConfig } from '@renkei/platform';
import { CertificateExpiryJob } from './certificate-expiry.job';
import type { CertificateExpiryService, ExpiryPass } from './certificate-expiry.service';

const PASS: ExpiryPass = {
  locked: true,
  raised: [],
  counts: { ok: 0, within60d: 0, within14d: 0, expired: 0 },
};

function setup(runOnce: () => Promise<ExpiryPass>) {
  const mocks = { expiry: { runOnce: jest.fn(runOnce) } };
  const config = { certificateExpiry: { checkIntervalSeconds: 60 } } as PlatformConfig;
  const sut = new CertificateExpiryJob(mocks.expiry as unknown as CertificateExpiryService, config);
  return { sut, mocks };
}

describe(CertificateExpiryJob.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a pass at boot, then one every CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS', async () => {
    const { sut, mocks } = setup(async () => PASS);

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(59_999);
    const atBoot = mocks.expiry.runOnce.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1);
    await jest.advanceTimersByTimeAsync(60_000);

    expect(atBoot).toBe(1);
    expect(mocks.expiry.runOnce).toHaveBeenCalledTimes(3);
    await sut.beforeApplicationShutdown();
  });

  it('keeps running after a failed pass', async () => {
    const { sut, mocks } = setup(async () => PASS);
    mocks.expiry.runOnce.mockRejectedValueOnce(new Error('database unavailable'));

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(mocks.expiry.runOnce).toHaveBeenCalledTimes(2);
    await sut.beforeApplicationShutdown();
  });

  it('lets the pass in progress finish on shutdown and starts no other', async () => {
    let finish: (pass: ExpiryPass) => void = () => undefined;
    const { sut, mocks } = setup(() => new Promise<ExpiryPass>((resolve) => (finish = resolve)));
    sut.onApplicationBootstrap();

    let stopped = false;
    const stopping = sut.beforeApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    const stoppedBeforePassEnded = stopped;
    finish(PASS);
    await stopping;
    await jest.advanceTimersByTimeAsync(600_000);

    expect(stoppedBeforePassEnded).toBe(false);
    expect(mocks.expiry.runOnce).toHaveBeenCalledTimes(1);
  });
});
