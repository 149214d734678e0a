// The process-wide platform: configuration, logger, metrics, health, the event bus and the object store.
// Imported once by every app root (a service's, or standalone's); feature modules inject the ports.
import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '../auth/auth.guard';
import { HttpKeySetSource, InProcessKeySet, KeySetSource } from '../auth/key-set-source';
import { TokenVerifier } from '../auth/token-verifier';
import { PlatformConfig } from '../config/platform-config';
import { DATABASE_OPTIONS, type DatabaseOptions } from '../database';
import { HealthController } from '../health/health.controller';
import { HealthRegistry } from '../health/health-registry';
import { correlationMiddleware } from '../logging/correlation';
import type { Logger as PinoLogger } from '../logging/logger';
import { EventBus } from '../messaging/event-bus';
import { httpMetricsMiddleware } from '../metrics/http-metrics';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { ObjectStore } from '../object-store/object-store';
import { createEventBus, createObjectStore } from './adapters';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { PINO_LOGGER } from './platform.tokens';

export interface PlatformRuntime {
  readonly config: PlatformConfig;
  readonly logger: PinoLogger;
  readonly metrics: MetricsRegistry;
}

class PlatformLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Platform');

  constructor(
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(ObjectStore) private readonly objects: ObjectStore,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register(`event-bus:${this.config.bus.driver}`, () => this.bus.check());
    this.health.register(`object-store:${this.config.objects.driver}`, () => this.objects.check());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus
      .close()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'event bus did not close cleanly'));
  }
}

@Global()
@Module({})
export class PlatformModule implements NestModule {
  constructor(@Inject(MetricsRegistry) private readonly metrics: MetricsRegistry) {}

  static forRoot(runtime: PlatformRuntime): DynamicModule {
    const { config, logger, metrics } = runtime;
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: PlatformConfig, useValue: config },
        { provide: PINO_LOGGER, useValue: logger },
        { provide: MetricsRegistry, useValue: metrics },
        { provide: HealthRegistry, useValue: new HealthRegistry() },
        { provide: EventBus, useFactory: () => createEventBus(config, logger, metrics) },
        { provide: ObjectStore, useFactory: () => createObjectStore(config, metrics) },
        {
          provide: DATABASE_OPTIONS,
          useFactory: (): DatabaseOptions => {
            if (!config.db.url) throw new Error('no database URL: set DATABASE_URL');
            return {
              url: config.db.url,
              poolSize: config.db.poolSize,
              applicationName: `renkei-${config.service}`,
            };
          },
        },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: InProcessKeySet, useValue: new InProcessKeySet() },
        {
          provide: KeySetSource,
          inject: [InProcessKeySet],
          useFactory: (inProcess: InProcessKeySet): KeySetSource =>
            config.auth.keySet === 'http' ? new HttpKeySetSource(config.auth.certificateUrl) : inProcess,
        },
        {
          provide: TokenVerifier,
          inject: [KeySetSource],
          useFactory: (source: KeySetSource) =>
            new TokenVerifier(source, { clockSkewSeconds: config.auth.clockSkewSeconds }),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        PlatformLifecycle,
      ],
      exports: [
        PlatformConfig,
        PINO_LOGGER,
        MetricsRegistry,
        HealthRegistry,
        EventBus,
        ObjectStore,
        DATABASE_OPTIONS,
        InProcessKeySet,
        KeySetSource,
        TokenVerifier,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(correlationMiddleware, httpMetricsMiddleware(this.metrics)).forRoutes('*path');
  }
}
