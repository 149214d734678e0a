// The variables every Renkei process understands. Defaults differ between a cluster service (Kafka, MinIO,
// an external PostgreSQL) and standalone (in-process events, a local directory, embedded PostgreSQL), but the
// declaration is one: which adapter runs is chosen purely by configuration.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { env, EnvSource, EnvValueError, VarSpec } from './env-schema';

export const EVENT_BUS_DRIVERS = ['kafka', 'inprocess'] as const;
export const OBJECT_STORE_DRIVERS = ['minio', 'local'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const AUTH_KEY_SETS = ['http', 'inprocess'] as const;
export const TRUST_ANCHOR_ROLES = ['office', 'kokuhoren', 'operator'] as const;

export type EventBusDriver = (typeof EVENT_BUS_DRIVERS)[number];
export type AuthKeySet = (typeof AUTH_KEY_SETS)[number];
export type TrustAnchorRole = (typeof TRUST_ANCHOR_ROLES)[number];
export type ObjectStoreDriver = (typeof OBJECT_STORE_DRIVERS)[number];

export interface PlatformDefaults {
  readonly port: number;
  readonly metricsPort: number;
  readonly eventBusDriver: EventBusDriver;
  readonly objectStoreDriver: ObjectStoreDriver;
  /** standalone starts an embedded PostgreSQL when DATABASE_URL is unset */
  readonly databaseUrlRequired: boolean;
  readonly logFormat: 'json' | 'pretty';
  /** where token verifiers get the key set; `http` (from CERTIFICATE_URL) unless the process hosts certificate */
  readonly authKeySet?: AuthKeySet;
  /** the process is the certificate service in a cluster: trust anchors and the key secret are required */
  readonly issuesTokens?: boolean;
  /** the process is intake in a cluster: the platform receipt key and certificate are required */
  readonly signsReceipts?: boolean;
  /** REGISTRATION_REQUIRES_OFFICE_MASTER's default: true for a cluster service, false for standalone (demo offices) */
  readonly registrationRequiresOfficeMaster?: boolean;
}

/** One or more PEM certificates, each a CA; `\n` escapes are accepted for one-line environments. */
function trustAnchorsPem(options: { description: string; requiredWhen?: VarSpec<string>['requiredWhen'] }) {
  return {
    ...env.string(options),
    kind: 'PEM certificates',
    parse: (raw: string): string => {
      const pem = raw.replace(/\\n/g, '\n');
      const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
      if (blocks.length === 0) throw new EnvValueError('must hold at least one PEM certificate');
      for (const block of blocks) {
        let ca: boolean;
        try {
          ca = new X509Certificate(block).ca;
        } catch {
          throw new EnvValueError('holds a PEM block that is not an X.509 certificate');
        }
        if (!ca) throw new EnvValueError('holds a certificate that is not a CA');
      }
      return blocks.join('\n');
    },
  };
}

/** Comma list of principal roles, each one of TRUST_ANCHOR_ROLES; default office. */
function trustAnchorRoles() {
  return {
    kind: 'comma-separated roles',
    description:
      'roles (office, kokuhoren, operator) certificates under the TRUST_ANCHORS_PEM anchors may hold',
    default: ['office'] as TrustAnchorRole[],
    parse: (raw: string): TrustAnchorRole[] => {
      const roles = [...new Set(raw.split(',').map((item) => item.trim()))].filter((item) => item !== '');
      if (roles.length === 0) throw new EnvValueError('needs at least one role');
      const unknown = roles.filter((role) => !(TRUST_ANCHOR_ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) {
        throw new EnvValueError(`each role must be one of ${TRUST_ANCHOR_ROLES.join(', ')}`);
      }
      return roles as TrustAnchorRole[];
    },
  };
}

/** A PEM private key (PKCS#8, or SEC1/PKCS#1 as OpenSSL writes them); `\n` escapes are accepted. */
function privateKeyPem(options: { description: string; requiredWhen?: VarSpec<string>['requiredWhen'] }) {
  return {
    ...env.string({ ...options, secret: true }),
    kind: 'PEM private key',
    parse: (raw: string): string => {
      const pem = raw.replace(/\\n/g, '\n');
      try {
        createPrivateKey(pem);
      } catch {
        // never echo the value: it is a secret
        throw new EnvValueError('must hold one PEM private key');
      }
      return pem;
    },
  };
}

/** PEM certificates, the first the end entity and any others its chain; `\n` escapes are accepted. */
function certificateChainPem(options: {
  description: string;
  requiredWhen?: VarSpec<string>['requiredWhen'];
}) {
  return {
    ...env.string(options),
    kind: 'PEM certificates',
    parse: (raw: string): string => {
      const pem = raw.replace(/\\n/g, '\n');
      const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
      if (blocks.length === 0) throw new EnvValueError('must hold at least one PEM certificate');
      blocks.forEach((block, i) => {
        let ca: boolean;
        try {
          ca = new X509Certificate(block).ca;
        } catch {
          throw new EnvValueError('holds a PEM block that is not an X.509 certificate');
        }
        if (i === 0 && ca) throw new EnvValueError('must start with an end-entity certificate, not a CA');
      });
      return blocks.join('\n');
    },
  };
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
    TRUST_REFRESH_INTERVAL_MS: env.int({
      description:
        'how often intake and delivery reload their trust read model without a notification (LISTEN/NOTIFY reloads sooner)',
      default: 2000,
      min: 10,
    }),
    SHUTDOWN_GRACE_MS: env.int({
      description: 'time allowed for in-flight work on SIGTERM',
      default: 10000,
      min: 0,
    }),
    CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: env.int({
      description: 'how often registry checks office certificates for expiry warnings (docs/trust.md)',
      default: 3600,
      min: 1,
      max: 86400,
    }),
    LICENCE_RENEWAL_INTERVAL_SECONDS: env.int({
      description: 'how often registry renews or expires licences whose term has ended (docs/licences.md)',
      default: 3600,
      min: 1,
      max: 86400,
    }),
    BILLING_CARRY_OVER_CYCLES: env.int({
      description:
        'how many times billing carries a not-deductible fee over to the next cycle before invoicing it (docs/billing.md)',
      default: 2,
      min: 0,
      max: 12,
    }),
    BILLING_CYCLE_DAY: env.int({
      description: "the JST day of the month from which billing's job generates the month's deduction cycles",
      default: 1,
      min: 1,
      max: 28,
    }),
    BILLING_CYCLE_INTERVAL_SECONDS: env.int({
      description: "how often billing's cycle job runs (docs/billing.md)",
      default: 3600,
      min: 1,
      max: 86400,
    }),
    INBOX_EVENTS_HEARTBEAT_MS: env.int({
      description:
        'how often delivery writes a heartbeat comment on an open GET /v1/inbox/events stream (docs/exchange.md, Push)',
      default: 15000,
      min: 100,
      max: 300000,
    }),
    INBOX_EVENTS_MAX_STREAMS_PER_OFFICE: env.int({
      description: 'open GET /v1/inbox/events streams one office may hold on one delivery process',
      default: 4,
      min: 1,
      max: 100,
    }),
    INBOX_EVENTS_MAX_STREAMS: env.int({
      description: 'open GET /v1/inbox/events streams one delivery process serves at most',
      default: 5000,
      min: 1,
      max: 100000,
    }),
    REGISTRATION_REQUIRES_OFFICE_MASTER: env.bool({
      description:
        'registry refuses PUT /v1/offices/me unless the office is active in its prefecture 事業所台帳 with its service types',
      default: defaults.registrationRequiresOfficeMaster ?? false,
    }),
    TOKEN_LIFETIME_SECONDS: env.int({
      description: 'lifetime of the tokens the certificate service issues (never beyond the certificate)',
      default: 900,
      min: 1,
      max: 3600,
    }),
    AUTH_CLOCK_SKEW_SECONDS: env.int({
      description: 'clock difference tolerated when checking a token exp, nbf and iat',
      default: 60,
      min: 0,
      max: 60,
    }),
    AUTH_KEY_SET: env.oneOf(AUTH_KEY_SETS, {
      description:
        'where tokens are verified from: http (CERTIFICATE_URL/.well-known/jwks.json) or inprocess (certificate hosted here)',
      default: defaults.authKeySet ?? 'http',
    }),
    CERTIFICATE_URL: env.url({
      description: 'base URL of the certificate service, whose key set verifies tokens (AUTH_KEY_SET=http)',
      protocols: ['http', 'https'],
      default: 'http://127.0.0.1:8082',
    }),
    TRUST_ANCHORS_PEM: trustAnchorsPem({
      description: 'CA certificates (PEM) that office certificates must chain to, for issuing tokens',
      requiredWhen: defaults.issuesTokens
        ? { describe: 'running as the certificate service', test: () => true }
        : undefined,
    }),
    TRUST_ANCHOR_ROLES: trustAnchorRoles(),
    CRL_FETCH_INTERVAL_SECONDS: env.int({
      description:
        'how often the certificate service fetches each trust anchor CRL from its distribution point (0 = never)',
      default: 0,
      min: 0,
      max: 86400,
    }),
    RECEIPT_SIGNING_KEY_PEM: privateKeyPem({
      description:
        'private key (PEM) intake signs acceptance receipts with (standalone: generated in RENKEI_DATA_DIR)',
      requiredWhen: defaults.signsReceipts
        ? { describe: 'running as the intake service', test: () => true }
        : undefined,
    }),
    RECEIPT_CERTIFICATE_PEM: certificateChainPem({
      description:
        'the platform receipt certificate (PEM) for RECEIPT_SIGNING_KEY_PEM, optionally followed by its chain',
      requiredWhen: defaults.signsReceipts
        ? { describe: 'running as the intake service', test: () => true }
        : undefined,
    }),
    TOKEN_SIGNING_KEY_SECRET: {
      ...env.string({
        description:
          'encrypts the token signing key stored in the certificate schema (standalone: generated in RENKEI_DATA_DIR)',
        secret: true,
        requiredWhen: defaults.issuesTokens
          ? { describe: 'running as the certificate service', test: () => true }
          : undefined,
      }),
      parse: (raw: string): string => {
        if (raw.length < 16) throw new EnvValueError('must be at least 16 characters');
        return raw;
      },
    },
  };
}

export type PlatformEnvSchema = ReturnType<typeof platformEnvSchema>;
