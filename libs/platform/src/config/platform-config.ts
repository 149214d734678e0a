// The typed, grouped configuration the rest of the code receives. Built once at boot from the environment.
import path from 'node:path';
import { EnvSource, parseEnv, secretNames } from './env-schema';
import {
  AuthKeySet,
  EventBusDriver,
  ObjectStoreDriver,
  PlatformDefaults,
  platformEnvSchema,
  TrustAnchorRole,
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
  /** lifetime of issued tokens (certificate only) */
  readonly tokenLifetimeSeconds: number;
  /** tolerated clock difference when verifying tokens */
  readonly clockSkewSeconds: number;
  /** roles certificates under the TRUST_ANCHORS_PEM anchors may hold (TRUST_ANCHOR_ROLES) */
  readonly trustAnchorRoles: readonly TrustAnchorRole[];
  /** seconds between CRL fetches from the anchors' distribution points; 0 = off (certificate only) */
  readonly crlFetchIntervalSeconds: number;
}

export interface ReceiptsConfig {
  /** secret: PEM private key of the platform receipt certificate */
  readonly signingKeyPem: string | undefined;
  /** PEM: the platform receipt certificate, then its chain */
  readonly certificatePem: string | undefined;
}

/**
 * Built once by `loadPlatformConfig`; a plain readonly object. The class exists only to be the Nest injection
 * token (`@Inject(PlatformConfig)`); it is never instantiated.
 */
export abstract class PlatformConfig {
  /** the process's name: a service (`intake`) or `standalone` */
  abstract readonly service: string;
  abstract readonly http: { readonly host: string; readonly port: number };
  abstract readonly metrics: { readonly host: string; readonly port: number };
  abstract readonly log: { readonly level: string; readonly format: 'json' | 'pretty' };
  abstract readonly db: { readonly url: string | undefined; readonly poolSize: number };
  abstract readonly bus: {
    readonly driver: EventBusDriver;
    readonly kafka: { readonly brokers: string[]; readonly clientId: string; readonly topicPrefix: string };
  };
  abstract readonly objects: {
    readonly driver: ObjectStoreDriver;
    readonly minio: MinioConfig | undefined;
    readonly localRoot: string;
  };
  abstract readonly dataDir: string;
  abstract readonly outbox: { readonly pollIntervalMs: number };
  abstract readonly shutdownGraceMs: number;
  /** the trust read model of intake and delivery: fallback reload interval (TRUST_REFRESH_INTERVAL_MS) */
  abstract readonly trust: { readonly refreshIntervalMs: number };
  /** registry's office certificate expiry job (docs/trust.md) */
  abstract readonly certificateExpiry: { readonly checkIntervalSeconds: number };
  /** registry's office registration: whether the office must be active in the 事業所台帳 (docs/registry.md) */
  abstract readonly registration: { readonly requiresOfficeMaster: boolean };
  /** registry's licence term job: renews or expires licences whose term ended */
  abstract readonly licenceRenewal: { readonly intervalSeconds: number };
  /** billing's deduction cycles (docs/billing.md) */
  abstract readonly billing: {
    readonly carryOverCycles: number;
    readonly cycleDay: number;
    readonly cycleIntervalSeconds: number;
  };
  /** delivery's push of inbox arrivals (GET /v1/inbox/events, docs/exchange.md) */
  abstract readonly inboxEvents: {
    readonly heartbeatMs: number;
    readonly maxStreamsPerOffice: number;
    readonly maxStreams: number;
  };
  /** names and values of secret variables, for log redaction; never log this object whole */
  abstract readonly secrets: { readonly names: readonly string[]; readonly values: readonly string[] };
  abstract readonly auth: AuthConfig;
  /** the platform receipt key (intake; docs/envelope.md §10); undefined where not configured */
  abstract readonly receipts: ReceiptsConfig;
}

/** the same configuration pointing at another database (standalone's embedded PostgreSQL) */
export function withDatabaseUrl(config: PlatformConfig, url: string): PlatformConfig {
  return {
    ...config,
    db: { ...config.db, url },
    secrets: { ...config.secrets, values: [...config.secrets.values, ...secretValuesOfUrl(url)] },
  };
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
  return {
    service,
    http: { host: vars.HOST, port: vars.PORT },
    metrics: { host: vars.METRICS_HOST, port: vars.METRICS_PORT },
    log: { level: vars.LOG_LEVEL, format: vars.LOG_FORMAT },
    db: { url: vars.DATABASE_URL, poolSize: vars.DATABASE_POOL_SIZE },
    bus: {
      driver: vars.EVENT_BUS_DRIVER,
      kafka: {
        brokers: vars.KAFKA_BROKERS ?? [],
        clientId: vars.KAFKA_CLIENT_ID ?? `renkei-${service}`,
        topicPrefix: vars.KAFKA_TOPIC_PREFIX,
      },
    },
    objects: {
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
    outbox: { pollIntervalMs: vars.OUTBOX_POLL_INTERVAL_MS },
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    trust: { refreshIntervalMs: vars.TRUST_REFRESH_INTERVAL_MS },
    certificateExpiry: { checkIntervalSeconds: vars.CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS },
    registration: { requiresOfficeMaster: vars.REGISTRATION_REQUIRES_OFFICE_MASTER },
    licenceRenewal: { intervalSeconds: vars.LICENCE_RENEWAL_INTERVAL_SECONDS },
    billing: {
      carryOverCycles: vars.BILLING_CARRY_OVER_CYCLES,
      cycleDay: vars.BILLING_CYCLE_DAY,
      cycleIntervalSeconds: vars.BILLING_CYCLE_INTERVAL_SECONDS,
    },
    inboxEvents: {
      heartbeatMs: vars.INBOX_EVENTS_HEARTBEAT_MS,
      maxStreamsPerOffice: vars.INBOX_EVENTS_MAX_STREAMS_PER_OFFICE,
      maxStreams: vars.INBOX_EVENTS_MAX_STREAMS,
    },
    secrets: { names, values },
    auth: {
      keySet: vars.AUTH_KEY_SET,
      certificateUrl: vars.CERTIFICATE_URL,
      trustAnchorsPem: vars.TRUST_ANCHORS_PEM,
      signingKeySecret: vars.TOKEN_SIGNING_KEY_SECRET,
      tokenLifetimeSeconds: vars.TOKEN_LIFETIME_SECONDS,
      clockSkewSeconds: vars.AUTH_CLOCK_SKEW_SECONDS,
      trustAnchorRoles: vars.TRUST_ANCHOR_ROLES,
      crlFetchIntervalSeconds: vars.CRL_FETCH_INTERVAL_SECONDS,
    },
    receipts: {
      signingKeyPem: vars.RECEIPT_SIGNING_KEY_PEM,
      certificatePem: vars.RECEIPT_CERTIFICATE_PEM,
    },
  };
}
