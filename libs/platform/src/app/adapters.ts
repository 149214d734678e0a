// Which adapter runs is chosen by configuration only; the code above the ports is the same.
import { EventBus } from '../messaging/event-bus';
import { InProcessEventBus } from '../messaging/in-process-event-bus';
import { KafkaEventBus } from '../messaging/kafka-event-bus';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { LocalObjectStore } from '../object-store/local-object-store';
import { MinioObjectStore } from '../object-store/minio-object-store';
import { ObjectStore } from '../object-store/object-store';
import { PlatformConfig } from '../config/platform-config';
import type { Logger } from '../logging/logger';

export function createEventBus(config: PlatformConfig, logger: Logger, metrics: MetricsRegistry): EventBus {
  switch (config.bus.driver) {
    case 'kafka':
      return new KafkaEventBus({
        brokers: config.bus.kafka.brokers,
        clientId: config.bus.kafka.clientId,
        topicPrefix: config.bus.kafka.topicPrefix,
        registry: metrics.registry,
        logger: logger.child({ component: 'kafka' }),
      });
    case 'inprocess':
      return new InProcessEventBus({
        acknowledge: 'handled', // the relay marks a row published only once its consumers' effects are durable
        registry: metrics.registry,
        logger: logger.child({ component: 'event-bus' }),
      });
    default: {
      const unknown: never = config.bus.driver;
      throw new Error(`unknown event bus driver ${String(unknown)}`);
    }
  }
}

export function createObjectStore(config: PlatformConfig, metrics: MetricsRegistry): ObjectStore {
  switch (config.objects.driver) {
    case 'minio': {
      const minio = config.objects.minio;
      if (!minio) throw new Error('OBJECT_STORE_DRIVER=minio without MinIO settings');
      return new MinioObjectStore({ ...minio, registry: metrics.registry });
    }
    case 'local':
      return new LocalObjectStore({ root: config.objects.localRoot, registry: metrics.registry });
    default: {
      const unknown: never = config.objects.driver;
      throw new Error(`unknown object store driver ${String(unknown)}`);
    }
  }
}
