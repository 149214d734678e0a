import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readInfraEnv, uniqueName } from '@renkei/testing';
import { DataSource } from 'typeorm';
import { PINO_LOGGER } from '../app/platform.tokens';
import { PlatformConfig } from '../config/platform-config';
import { createServiceDataSource, DATABASE_OPTIONS, runMigrations, type DatabaseOptions } from '../database';
import { noteMigrations } from '../database/fixtures/note.migrations';
import { HealthRegistry } from '../health/health-registry';
import { createLogger } from '../logging/logger';
import { EventBus } from '../messaging/event-bus';
import { InProcessEventBus } from '../messaging/in-process-event-bus';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { ServiceRuntimeModule } from './service-runtime.module';

describe(ServiceRuntimeModule.name, () => {
  const { databaseUrl } = readInfraEnv();
  const schema = uniqueName('db_module');

  @Global()
  @Module({
    providers: [
      {
        provide: DATABASE_OPTIONS,
        useValue: { url: databaseUrl, poolSize: 2, applicationName: 'renkei-it' } satisfies DatabaseOptions,
      },
      { provide: PlatformConfig, useValue: { outbox: { pollIntervalMs: 50 } } as PlatformConfig },
      { provide: EventBus, useValue: new InProcessEventBus() },
      { provide: MetricsRegistry, useValue: new MetricsRegistry('it') },
      { provide: PINO_LOGGER, useValue: createLogger({ service: 'it', level: 'silent', format: 'json' }) },
      { provide: HealthRegistry, useValue: new HealthRegistry() },
    ],
    exports: [DATABASE_OPTIONS, PlatformConfig, EventBus, MetricsRegistry, PINO_LOGGER, HealthRegistry],
  })
  class FakePlatformModule {}

  it('provides an initialized DataSource in the service schema, ready once migrated, closed on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FakePlatformModule,
        ServiceRuntimeModule.forService({
          name: 'billing',
          schema,
          entities: [],
          migrations: noteMigrations,
          ports: { http: 0, metrics: 0 },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    const sut = app.get(DataSource);
    const health = app.get(HealthRegistry);

    expect(sut.isInitialized).toBe(true);
    expect(await runMigrations(sut)).toHaveLength(2);
    await app.init();
    app.enableShutdownHooks();
    expect(await sut.query('SELECT current_schema() AS schema')).toEqual([{ schema }]);
    expect((await health.readiness()).status).toBe('ready');
    await app.close();
    expect(sut.isInitialized).toBe(false);
    expect((await health.readiness()).status).toBe('not-ready');
    const admin = createServiceDataSource({ url: databaseUrl, schema, entities: [], migrations: [] });
    await admin.initialize();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.destroy();
  });
});
