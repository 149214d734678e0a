// The Nest provider of a service's TrustReadModel, built on the service's runtime (its schema, DataSource and
// consumers) and the platform configuration. Nest calls its onModuleInit (register the consumers, load) and
// beforeApplicationShutdown (stop following).
import type { FactoryProvider } from '@nestjs/common';
import type { TrustRole } from '@renkei/envelope';
import { DataSource } from 'typeorm';
import { PINO_LOGGER } from '../app/platform.tokens';
import { PlatformConfig } from '../config/platform-config';
import type { Logger as PinoLogger } from '../logging/logger';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { EventConsumers } from '../service/event-consumers';
import type { ServiceDefinition } from '../service/service-definition';
import { SERVICE_DEFINITION } from '../service/service-runtime.module';
import { TrustReadModel, type TrustConsumerGroups } from './trust-read-model';

/** `TrustReadModel` for the service whose runtime module the providing module imports. */
export function provideTrustReadModel(groups: TrustConsumerGroups): FactoryProvider<TrustReadModel> {
  return {
    provide: TrustReadModel,
    inject: [SERVICE_DEFINITION, DataSource, EventConsumers, PlatformConfig, MetricsRegistry, PINO_LOGGER],
    useFactory: (
      definition: ServiceDefinition,
      dataSource: DataSource,
      consumers: EventConsumers,
      config: PlatformConfig,
      metrics: MetricsRegistry,
      logger: PinoLogger,
    ) =>
      new TrustReadModel({
        dataSource,
        schema: definition.schema,
        service: definition.name,
        consumers,
        groups,
        fallbackPem: config.auth.trustAnchorsPem,
        fallbackRoles: config.auth.trustAnchorRoles as readonly TrustRole[],
        refreshIntervalMs: config.trust.refreshIntervalMs,
        registry: metrics.registry,
        logger: logger.child({ component: 'trust-read-model', schema: definition.schema }),
      }),
  };
}
