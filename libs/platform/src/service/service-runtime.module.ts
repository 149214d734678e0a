// What every service gets from the platform for its own schema: a DataSource, the transactional outbox and
// its relay, the inbox for idempotent consumers, and a readiness check (database reachable, no pending
// migration). Standalone hosts six of these side by side; each is scoped to the module that imports it.
import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../config/platform-config';
import { checkDatabase, createServiceDataSource, DATABASE_OPTIONS, type DatabaseOptions } from '../database';
import { HealthRegistry } from '../health/health-registry';
import { EventBus } from '../messaging/event-bus';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { Inbox, Outbox, OutboxRelay } from '../outbox';
import { PINO_LOGGER } from '../app/platform.tokens';
import type { Logger as PinoLogger } from '../logging/logger';
import { EventConsumers } from './event-consumers';
import type { ServiceDefinition } from './service-definition';

export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');

class ServiceRuntimeLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger: Logger;
  private migrated = false;

  constructor(
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
  ) {
    this.logger = new Logger(`${definition.name}:runtime`);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register(`database:${this.definition.schema}`, () => this.checkSchema());
    await this.relay.start();
    this.logger.log(`outbox relay started for schema ${this.definition.schema}`);
    await this.consumers.start();
    if (this.consumers.registered.length > 0) {
      this.logger.log(`consuming as ${this.consumers.registered.join(', ')}`);
    }
  }

  /**
   * reachable, and migrated: a service never serves a schema its code does not match. Once migrated, a
   * schema stays so for this process's code, so only reachability is checked again on later probes.
   */
  private async checkSchema(): Promise<void> {
    await checkDatabase(this.dataSource);
    if (this.migrated) return;
    const schema = this.definition.schema;
    const table: unknown[] = await this.dataSource.query(
      `select 1 from information_schema.tables where table_schema = $1 and table_name = 'migrations'`,
      [schema],
    );
    if (table.length === 0 || (await this.dataSource.showMigrations())) {
      throw new Error(`schema ${schema} has pending migrations: run npm run migrate`);
    }
    this.migrated = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class ServiceRuntimeModule {
  static forService(definition: ServiceDefinition): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      providers: [
        { provide: SERVICE_DEFINITION, useValue: definition },
        {
          provide: DataSource,
          inject: [DATABASE_OPTIONS],
          useFactory: async (options: DatabaseOptions) => {
            const dataSource = createServiceDataSource({
              ...options,
              applicationName: `${options.applicationName ?? 'renkei'}:${definition.name}`,
              schema: definition.schema,
              entities: definition.entities,
              migrations: definition.migrations,
            });
            return dataSource.initialize();
          },
        },
        { provide: Outbox, useValue: new Outbox(definition.schema) },
        {
          provide: Inbox,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new Inbox(dataSource, definition.schema),
        },
        {
          provide: EventConsumers,
          inject: [EventBus, Inbox],
          useFactory: (bus: EventBus, inbox: Inbox) => new EventConsumers(bus, inbox),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, EventBus, PlatformConfig, MetricsRegistry, PINO_LOGGER],
          useFactory: (
            dataSource: DataSource,
            bus: EventBus,
            config: PlatformConfig,
            metrics: MetricsRegistry,
            logger: PinoLogger,
          ) =>
            new OutboxRelay({
              dataSource,
              bus,
              schema: definition.schema,
              pollIntervalMs: config.outbox.pollIntervalMs,
              registry: metrics.registry,
              logger: logger.child({ component: 'outbox-relay', schema: definition.schema }),
            }),
        },
        ServiceRuntimeLifecycle,
      ],
      exports: [SERVICE_DEFINITION, DataSource, Outbox, Inbox, EventConsumers],
    };
  }
}
