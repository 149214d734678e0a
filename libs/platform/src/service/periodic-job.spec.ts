import { PeriodicJob } from './periodic-job';

function setup(run: () => Promise<void> = async () => undefined) {
  const mocks = { run: jest.fn(run), onError: jest.fn() };
  const sut = new PeriodicJob({ run: mocks.run, onError: mocks.onError, intervalMs: 60_000 });
  return { sut, mocks };
}

describe(PeriodicJob.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a pass at start, then one every interval after the previous pass ends', async () => {
    const { sut, mocks } = setup();

    sut.start();
    await jest.advanceTimersByTimeAsync(59_999);
    const atStart = mocks.run.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1);
    await jest.advanceTimersByTimeAsync(60_000);

    expect(atStart).toBe(1);
    expect(mocks.run).toHaveBeenCalledTimes(3);
    await sut.stop();
  });

  it('never starts a pass while one is in progress', async () => {
    let finish: () => void = () => undefined;
    const { sut, mocks } = setup(() => new Promise<void>((resolve) => (finish = resolve)));

    sut.start();
    await jest.advanceTimersByTimeAsync(600_000);
    const whileBusy = mocks.run.mock.calls.length;
    finish();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(whileBusy).toBe(1);
    expect(mocks.run).toHaveBeenCalledTimes(2);
    finish();
    await sut.stop();
  });

  it('hands a failed pass to onError and keeps running', async () => {
    const failure = new Error('database unavailable');
    const { sut, mocks } = setup();
    mocks.run.mockRejectedValueOnce(failure);

    sut.start();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(mocks.onError).toHaveBeenCalledTimes(1);
    expect(mocks.onError).toHaveBeenCalledWith(failure);
    expect(mocks.run).toHaveBeenCalledTimes(2);
    await sut.stop();
  });

  it('lets the pass in progress finish on stop and starts no other', async () => {
    let finish: () => void = () => undefined;
    const { sut, mocks } = setup(() => new Promise<void>((resolve) => (finish = resolve)));
    sut.start();

    let stopped = false;
    const stopping = sut.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    const stoppedBeforePassEnded = stopped;
    finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(600_000);

    expect(stoppedBeforePassEnded).toBe(false);
    expect(mocks.run).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops at once when idle between passes, cancelling the next one', async () => {
    const { sut, mocks } = setup();
    sut.start();
    await jest.advanceTimersByTimeAsync(0);

    await sut.stop();
    await jest.advanceTimersByTimeAsync(600_000);

    expect(mocks.run).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('runs again after a stop when started again', async () => {
    const { sut, mocks } = setup();
    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    await sut.stop();

    sut.start();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(mocks.run).toHaveBeenCalledTimes(3);
    await sut.stop();
  });
});
