// The LISTEN connection of the outbox relay and the trust read model, on the real PostgreSQL.
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PlatformLogger } from '../messaging/platform-logger';
import { PgNotificationListener } from './pg-notification-listener';
import { createServiceDataSource } from './service-data-source';

const SOON = { timeoutMs: 10_000 };

describe(PgNotificationListener.name, () => {
  const { databaseUrl } = readInfraEnv();
  const applicationName = uniqueName('pg-listener');
  const channel = uniqueName('listener_it');
  let dataSource: DataSource;
  let listeners: PgNotificationListener[];

  const pool = (): Pool => (dataSource.driver as unknown as { master: Pool }).master;
  const checkedOut = (): number => pool().totalCount - pool().idleCount;
  const listeningBackends = async (): Promise<number> => {
    const [{ count }] = (await dataSource.query(
      `select count(*)::int as count from pg_stat_activity where application_name = $1 and query like 'LISTEN%'`,
      [applicationName],
    )) as [{ count: number }];
    return count;
  };
  const setup = (overrides: { channel?: string } = {}) => {
    const mocks = {
      onNotification: jest.fn(),
      onListening: jest.fn(),
      logger: {
        debug: jest.fn(),
        info: jest.fn(),
        warn: jest.fn(),
        error: jest.fn(),
      } satisfies PlatformLogger,
    };
    const sut = new PgNotificationListener({
      dataSource,
      channel: overrides.channel ?? channel,
      label: 'Probe',
      schema: 'probe_schema',
      logger: mocks.logger,
      onNotification: mocks.onNotification,
      onListening: mocks.onListening,
    });
    listeners.push(sut);
    return { sut, mocks };
  };

  beforeAll(async () => {
    dataSource = createServiceDataSource({
      url: databaseUrl,
      schema: 'public',
      entities: [],
      migrations: [],
      poolSize: 3,
      applicationName,
    });
    await dataSource.initialize();
  });

  beforeEach(() => {
    listeners = [];
  });

  afterEach(async () => {
    await Promise.all(listeners.map((listener) => listener.unlisten()));
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('listens on the channel and hands each notification over', async () => {
    const { sut, mocks } = setup();

    await sut.listen();
    await dataSource.query(`select pg_notify($1, 'x')`, [channel]);

    expect(sut.listening).toBe(true);
    expect(mocks.onListening).toHaveBeenCalledTimes(1);
    await expectEventually(() => expect(mocks.onNotification).toHaveBeenCalledTimes(1), SOON);
    expect(mocks.logger.warn).not.toHaveBeenCalled();
  });

  it('notices a dropped connection, gives it back once, and listens again when asked', async () => {
    const { sut, mocks } = setup();
    await sut.listen();

    await dataSource.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and query like 'LISTEN%'`,
      [applicationName],
    );
    await expectEventually(() => expect(sut.listening).toBe(false), SOON);
    await sut.unlisten(); // nothing left to release: must not release the dead connection twice
    await sut.listen();
    await dataSource.query(`select pg_notify($1, 'x')`, [channel]);

    expect(mocks.logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ schema: 'probe_schema' }),
      'Probe LISTEN connection lost; polling until it is back.',
    );
    expect(sut.listening).toBe(true);
    expect(mocks.onListening).toHaveBeenCalledTimes(2);
    await expectEventually(() => expect(mocks.onNotification).toHaveBeenCalledTimes(1), SOON);
    expect(await listeningBackends()).toBe(1);
  });

  it('logs a failed LISTEN, stays not listening and gives the connection back', async () => {
    const { sut, mocks } = setup({ channel: 'not"a channel' });

    await sut.listen();

    expect(sut.listening).toBe(false);
    expect(mocks.onListening).not.toHaveBeenCalled();
    expect(mocks.logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ schema: 'probe_schema' }),
      'Probe LISTEN failed; polling only.',
    );
    expect(checkedOut()).toBe(0);
  });

  it('unlistens and gives the connection back to the pool', async () => {
    const { sut } = setup();
    await sut.listen();
    const whileListening = checkedOut();

    await sut.unlisten();
    await dataSource.query(`select pg_notify($1, 'x')`, [channel]);

    expect(whileListening).toBe(1);
    expect(sut.listening).toBe(false);
    expect(checkedOut()).toBe(0);
    expect(await listeningBackends()).toBe(0);
  });
});
