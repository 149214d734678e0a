// The variables every Renkei process understands. Defaults differ between a cluster service (Kafka, MinIO,
// an external PostgreSQL) and standalone (in-process events, a local directory, embedded PostgreSQL), but the
// declaration is one: which adapter runs is chosen purely by configuration.
import { env, EnvSource } from './env-schema';

export const EVENT_BUS_DRIVERS = ['kafka', 'inprocess'] as const;
export const OBJECT_STORE_DRIVERS = ['minio', 'local'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type EventBusDriver = (typeof EVENT_BUS_DRIVERS)[number];
export type ObjectStoreDriver = (typeof OBJECT_STORE_DRIVERS)[number];

export interface PlatformDefaults {
  readonly port: number;
  readonly metricsPort: number;
  readonly eventBusDriver: EventBusDriver;
  readonly objectStoreDriver: ObjectStoreDriver;
  /** standalone starts an embedded PostgreSQL when DATABASE_URL is unset */
  readonly databaseUrlRequired: boolean;
  readonly logFormat: 'json' | 'pretty';
}

const driverIs =
  (name: string, fallback: string, value: string) =>
  (source: EnvSource): boolean =>
    (source[name]?.trim() || fallback) === value;

export function platformEnvSchema(defaults: PlatformDefaults) {
  const kafka = {
    describe: 'EVENT_BUS_DRIVER=kafka',
    test: driverIs('EVENT_BUS_DRIVER', defaults.eventBusDriver, 'kafka'),
  };
  const minio = {
    describe: 'OBJECT_STORE_DRIVER=minio',
    test: driverIs('OBJECT_STORE_DRIVER', defaults.objectStoreDriver, 'minio'),
  };
  return {
    HOST: env.string({ description: 'interface the HTTP API binds to', default: '127.0.0.1' }),
    PORT: env.port({ description: 'HTTP API port', default: defaults.port }),
    METRICS_HOST: env.string({ description: 'interface of the /metrics server', default: '127.0.0.1' }),
    METRICS_PORT: env.port({
      description: 'port of the separate Prometheus /metrics server (0 = disabled)',
      default: defaults.metricsPort,
    }),
    LOG_LEVEL: env.oneOf(LOG_LEVELS, { description: 'minimum log level', default: 'info' }),
    LOG_FORMAT: env.oneOf(['json', 'pretty'] as const, {
      description: 'json for machines, pretty for a terminal',
      default: defaults.logFormat,
    }),
    DATABASE_URL: env.url({
      description: 'PostgreSQL connection URL (each service uses its own schema in it)',
      protocols: ['postgres', 'postgresql'],
      secret: true,
      requiredWhen: defaults.databaseUrlRequired
        ? { describe: 'running as a cluster service', test: () => true }
        : undefined,
    }),
    DATABASE_POOL_SIZE: env.int({
      description: 'connections per service schema',
      default: 10,
      min: 1,
      max: 200,
    }),
    EVENT_BUS_DRIVER: env.oneOf(EVENT_BUS_DRIVERS, {
      description: 'kafka (cluster) or inprocess (standalone)',
      default: defaults.eventBusDriver,
    }),
    KAFKA_BROKERS: env.list({
      description: 'bootstrap brokers, host:port[,host:port]',
      minItems: 1,
      requiredWhen: kafka,
    }),
    KAFKA_CLIENT_ID: env.string({ description: 'Kafka client id (defaults to renkei-<service>)' }),
    KAFKA_TOPIC_PREFIX: env.string({
      description: 'prefix prepended to every topic name (isolation of tests and shared clusters)',
      default: '',
    }),
    OBJECT_STORE_DRIVER: env.oneOf(OBJECT_STORE_DRIVERS, {
      description: 'minio (cluster) or local (standalone)',
      default: defaults.objectStoreDriver,
    }),
    MINIO_ENDPOINT: env.url({
      description: 'MinIO API URL',
      protocols: ['http', 'https'],
      requiredWhen: minio,
    }),
    MINIO_ACCESS_KEY: env.string({ description: 'MinIO access key', requiredWhen: minio }),
    MINIO_SECRET_KEY: env.string({ description: 'MinIO secret key', secret: true, requiredWhen: minio }),
    MINIO_BUCKET: env.string({ description: 'bucket holding envelope payloads', default: 'renkei' }),
    RENKEI_DATA_DIR: env.string({
      description: 'where standalone keeps its embedded database and local objects',
      default: './.renkei',
    }),
    OUTBOX_POLL_INTERVAL_MS: env.int({
      description: 'outbox relay polling fallback (LISTEN/NOTIFY wakes it sooner)',
      default: 1000,
      min: 10,
    }),
    SHUTDOWN_GRACE_MS: env.int({
      description: 'time allowed for in-flight work on SIGTERM',
      default: 10000,
      min: 0,
    }),
  };
}

export type PlatformEnvSchema = ReturnType<typeof platformEnvSchema>;
