// The typed, grouped configuration the rest of the code receives. Built once at boot from the environment.
import path from 'node:path';
import { EnvSource, parseEnv, secretNames } from './env-schema';
import {
  AuthKeySet,
  EventBusDriver,
  ObjectStoreDriver,
  PlatformDefaults,
  platformEnvSchema,
} from './platform-env.schema';

export interface MinioConfig {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
}

export interface AuthConfig {
  readonly keySet: AuthKeySet;
  readonly certificateUrl: string;
  /** PEM CA certificates for token issuance (certificate only); undefined when not configured */
  readonly trustAnchorsPem: string | undefined;
  /** secret: encrypts the stored token signing key (certificate only) */
  readonly signingKeySecret: string | undefined;
}

const DEFAULT_AUTH: AuthConfig = {
  keySet: 'http',
  certificateUrl: 'http://127.0.0.1:8082',
  trustAnchorsPem: undefined,
  signingKeySecret: undefined,
};

/** Nest injection token and value object. */
export class PlatformConfig {
  constructor(
    /** the process's name: a service (`intake`) or `standalone` */
    readonly service: string,
    readonly http: { readonly host: string; readonly port: number },
    readonly metrics: { readonly host: string; readonly port: number },
    readonly log: { readonly level: string; readonly format: 'json' | 'pretty' },
    readonly db: { readonly url: string | undefined; readonly poolSize: number },
    readonly bus: {
      readonly driver: EventBusDriver;
      readonly kafka: { readonly brokers: string[]; readonly clientId: string; readonly topicPrefix: string };
    },
    readonly objects: {
      readonly driver: ObjectStoreDriver;
      readonly minio: MinioConfig | undefined;
      readonly localRoot: string;
    },
    readonly dataDir: string,
    readonly outbox: { readonly pollIntervalMs: number },
    readonly shutdownGraceMs: number,
    /** names and values of secret variables, for log redaction; never log this object whole */
    readonly secrets: { readonly names: readonly string[]; readonly values: readonly string[] },
    readonly auth: AuthConfig = DEFAULT_AUTH,
  ) {}

  /** the same configuration pointing at another database (standalone's embedded PostgreSQL) */
  withDatabaseUrl(url: string): PlatformConfig {
    return new PlatformConfig(
      this.service,
      this.http,
      this.metrics,
      this.log,
      { ...this.db, url },
      this.bus,
      this.objects,
      this.dataDir,
      this.outbox,
      this.shutdownGraceMs,
      { names: this.secrets.names, values: [...this.secrets.values, ...secretValuesOfUrl(url)] },
      this.auth,
    );
  }
}

function secretValuesOfUrl(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password, url] : [url];
  } catch {
    return [url];
  }
}

function minioConfig(endpoint: string, accessKey: string, secretKey: string, bucket: string): MinioConfig {
  const url = new URL(endpoint);
  const useSSL = url.protocol === 'https:';
  return {
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey,
    secretKey,
    bucket,
  };
}

/** Reads the environment once; throws ConfigError listing every bad variable. */
export function loadPlatformConfig(
  service: string,
  defaults: PlatformDefaults,
  source: EnvSource = process.env,
): PlatformConfig {
  const schema = platformEnvSchema(defaults);
  const vars = parseEnv(schema, source);
  const dataDir = path.resolve(vars.RENKEI_DATA_DIR);
  const names = secretNames(schema);
  const values = [
    ...names.map((name) => source[name]).filter((value): value is string => !!value && value.length >= 4),
    ...secretValuesOfUrl(vars.DATABASE_URL),
  ];
  return new PlatformConfig(
    service,
    { host: vars.HOST, port: vars.PORT },
    { host: vars.METRICS_HOST, port: vars.METRICS_PORT },
    { level: vars.LOG_LEVEL, format: vars.LOG_FORMAT },
    { url: vars.DATABASE_URL, poolSize: vars.DATABASE_POOL_SIZE },
    {
      driver: vars.EVENT_BUS_DRIVER,
      kafka: {
        brokers: vars.KAFKA_BROKERS ?? [],
        clientId: vars.KAFKA_CLIENT_ID ?? `renkei-${service}`,
        topicPrefix: vars.KAFKA_TOPIC_PREFIX,
      },
    },
    {
      driver: vars.OBJECT_STORE_DRIVER,
      minio:
        vars.OBJECT_STORE_DRIVER === 'minio'
          ? minioConfig(
              vars.MINIO_ENDPOINT ?? '',
              vars.MINIO_ACCESS_KEY ?? '',
              vars.MINIO_SECRET_KEY ?? '',
              vars.MINIO_BUCKET,
            )
          : undefined,
      localRoot: path.join(dataDir, 'objects'),
    },
    dataDir,
    { pollIntervalMs: vars.OUTBOX_POLL_INTERVAL_MS },
    vars.SHUTDOWN_GRACE_MS,
    { names, values },
    {
      keySet: vars.AUTH_KEY_SET,
      certificateUrl: vars.CERTIFICATE_URL,
      trustAnchorsPem: vars.TRUST_ANCHORS_PEM,
      signingKeySecret: vars.TOKEN_SIGNING_KEY_SECRET,
    },
  );
}
