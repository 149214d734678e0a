import { WakeSignal } from './wake-signal';

describe(WakeSignal.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends a wait early when woken', async () => {
    const sut = new WakeSignal();
    let done = false;
    const waiting = sut.wait(60_000).then(() => (done = true));

    sut.wake();
    await waiting;

    expect(done).toBe(true);
  });

  it('remembers a wake that came while nobody waited, so the next wait returns at once', async () => {
    const sut = new WakeSignal();

    sut.wake(); // a notification during a busy pass
    let done = false;
    const waiting = sut.wait(60_000).then(() => (done = true));
    await Promise.resolve();
    await waiting;

    expect(done).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('forgets a wake once it has been consumed', async () => {
    const sut = new WakeSignal();
    sut.wake();
    await sut.wait(60_000);

    let done = false;
    void sut.wait(60_000).then(() => (done = true));
    await Promise.resolve();

    expect(done).toBe(false);
    jest.advanceTimersByTime(60_000);
    await Promise.resolve();
    expect(done).toBe(true);
  });
});
