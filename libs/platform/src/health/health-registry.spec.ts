import { HealthRegistry } from './health-registry';

describe(HealthRegistry.name, () => {
  it('is ready only when every check passes', async () => {
    const sut = new HealthRegistry(100);
    sut.register('database:intake', async () => undefined);
    sut.register('event-bus', async () => {
      throw new Error('broker unreachable');
    });

    const report = await sut.readiness();

    expect(report.status).toBe('not-ready');
    expect(report.checks['database:intake']?.status).toBe('up');
    expect(report.checks['event-bus']).toMatchObject({ status: 'down', error: 'broker unreachable' });
  });

  it('fails a check that hangs past its timeout', async () => {
    const sut = new HealthRegistry(20);
    sut.register('object-store', () => new Promise<void>(() => undefined));

    const report = await sut.readiness();

    expect(report.checks['object-store']).toMatchObject({ status: 'down', error: 'timed out after 20 ms' });
  });

  it('is not ready with no checks registered', async () => {
    await expect(new HealthRegistry().readiness()).resolves.toEqual({ status: 'not-ready', checks: {} });
  });

  it('refuses a name registered twice', () => {
    const sut = new HealthRegistry();
    sut.register('event-bus', async () => undefined);

    expect(() => sut.register('event-bus', async () => undefined)).toThrow('registered twice');
  });
});
