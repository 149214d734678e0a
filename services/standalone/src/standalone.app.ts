// Standalone: all six services in one process on embedded defaults — embedded PostgreSQL (unless DATABASE_URL
// is set), a local directory for objects, in-process events. Which adapters run is configuration only: set
// EVENT_BUS_DRIVER=kafka, OBJECT_STORE_DRIVER=minio, DATABASE_URL and it runs on the real infrastructure.
import { billingDefinition, BillingModule } from '@renkei/billing';
import { certificateDefinition, CertificateModule } from '@renkei/certificate';
import { deliveryDefinition, DeliveryModule } from '@renkei/delivery';
import { intakeDefinition, IntakeModule } from '@renkei/intake';
import { Logger } from '@nestjs/common';
import {
  AppSpec,
  createLogger,
  env,
  EnvSource,
  loadPlatformConfig,
  migrateServices,
  parseEnv,
  PinoNestLogger,
  PlatformDefaults,
  Redactor,
  RunningApp,
  ServiceDefinition,
  startApp,
  withDatabaseUrl,
} from '@renkei/platform';
import {
  createDevCa,
  credentialFromPem,
  DEV_CA_CERTIFICATE_FILE,
  DEV_CA_KEY_FILE,
  issuePlatformCertificate,
} from '@renkei/pki';
import { registryDefinition, RegistryModule } from '@renkei/registry';
import { storageDefinition, StorageModule } from '@renkei/storage';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

export const standaloneDefaults: PlatformDefaults = {
  port: 8080,
  metricsPort: 9180,
  eventBusDriver: 'inprocess',
  objectStoreDriver: 'local',
  databaseUrlRequired: false,
  logFormat: 'pretty',
  // the certificate module is hosted here: tokens are verified from its key set in process
  authKeySet: 'inprocess',
  // the demo's offices are in no 事業所台帳; a standalone operator can set REGISTRATION_REQUIRES_OFFICE_MASTER=true
  registrationRequiresOfficeMaster: false,
};

/**
 * Standalone is its own operator: unless TOKEN_SIGNING_KEY_SECRET is set, it generates one once and keeps it
 * in the data directory (0600), next to the database that holds the encrypted key (docs/auth.md, limits).
 */
function signingKeySecretIn(dataDir: string): string {
  const file = path.join(dataDir, 'token-signing-key.secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

/** Where standalone keeps its dev CA, relative to the data directory; `renkei demo` looks for it there. */
export const DEV_CA_DIR = 'dev-ca';
/** the roles standalone's own dev CA may vouch for (TRUST_ANCHOR_ROLES unless set) */
const DEV_CA_ROLES = 'office,kokuhoren,operator';

/**
 * Standalone on embedded defaults is a development platform: unless TRUST_ANCHORS_PEM is set, it trusts a dev
 * CA of its own, created once under <data dir>/dev-ca (ca.pem, and ca.key.pem 0600 so that `renkei pki issue`
 * and `renkei demo` can issue office certificates from it). TEST ONLY: never a production trust anchor.
 */
function devCaIn(dataDir: string): { pem: string; dir: string; created: boolean } {
  const dir = path.join(dataDir, DEV_CA_DIR);
  const certificateFile = path.join(dir, DEV_CA_CERTIFICATE_FILE);
  let created = false;
  if (!existsSync(certificateFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = createDevCa({ keyType: 'ec' });
    writeFileSync(path.join(dir, DEV_CA_KEY_FILE), ca.privateKeyPem, { mode: 0o600, flag: 'wx' });
    writeFileSync(certificateFile, ca.certificatePem, { flag: 'wx' });
    created = true;
  }
  return { pem: readFileSync(certificateFile, 'utf8'), dir, created };
}

/** Where standalone keeps its platform receipt key and certificate, relative to the data directory. */
const PLATFORM_RECEIPTS_DIR = 'platform-receipts';

/**
 * Unless RECEIPT_SIGNING_KEY_PEM and RECEIPT_CERTIFICATE_PEM are set, standalone signs acceptance receipts with a
 * platform certificate its dev CA issues once, kept under <data dir>/platform-receipts (certificate.pem followed
 * by the dev CA, and key.pem 0600). TEST ONLY, like the dev CA.
 */
function platformReceiptKeyIn(dataDir: string): { keyPem: string; certificatePem: string; created: boolean } {
  const dir = path.join(dataDir, PLATFORM_RECEIPTS_DIR);
  const keyFile = path.join(dir, 'key.pem');
  const certificateFile = path.join(dir, 'certificate.pem');
  let created = false;
  if (!existsSync(certificateFile)) {
    const devCa = devCaIn(dataDir);
    const ca = credentialFromPem(devCa.pem, readFileSync(path.join(devCa.dir, DEV_CA_KEY_FILE), 'utf8'));
    const platform = issuePlatformCertificate(ca, { name: 'Renkei Platform Receipts — TEST ONLY' });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, platform.privateKeyPem, { mode: 0o600, flag: 'wx' });
    writeFileSync(certificateFile, `${platform.certificatePem}${ca.certificatePem}`, { flag: 'wx' });
    created = true;
  }
  return {
    keyPem: readFileSync(keyFile, 'utf8'),
    certificatePem: readFileSync(certificateFile, 'utf8'),
    created,
  };
}

export const standaloneEnvSchema = {
  EMBEDDED_POSTGRES_PORT: env.port({
    description: 'port of the embedded PostgreSQL (127.0.0.1)',
    default: 55433,
  }),
};

/** The six services of the platform, in one place: standalone hosts them, `npm run migrate` migrates them. */
export const platformServices: readonly ServiceDefinition[] = [
  registryDefinition,
  certificateDefinition,
  intakeDefinition,
  storageDefinition,
  deliveryDefinition,
  billingDefinition,
];

export const standaloneApp: AppSpec = {
  name: 'standalone',
  defaults: standaloneDefaults,
  modules: [RegistryModule, CertificateModule, IntakeModule, StorageModule, DeliveryModule, BillingModule],
};

export async function startStandalone(source: EnvSource = process.env): Promise<RunningApp> {
  // both schemas are parsed before anything starts, so every bad variable is reported together
  const extra = parseEnv(standaloneEnvSchema, source);
  let config = loadPlatformConfig('standalone', standaloneDefaults, source);
  if (!config.auth.signingKeySecret) {
    config = loadPlatformConfig('standalone', standaloneDefaults, {
      ...source,
      TOKEN_SIGNING_KEY_SECRET: signingKeySecretIn(config.dataDir),
    });
  }
  const devCa = config.auth.trustAnchorsPem ? undefined : devCaIn(config.dataDir);
  if (devCa) {
    config = loadPlatformConfig('standalone', standaloneDefaults, {
      ...source,
      TOKEN_SIGNING_KEY_SECRET: config.auth.signingKeySecret,
      TRUST_ANCHORS_PEM: devCa.pem,
      // the dev CA vouches for every role, so a dev operator or 国保連 certificate works too (TEST ONLY)
      TRUST_ANCHOR_ROLES: source['TRUST_ANCHOR_ROLES'] ?? DEV_CA_ROLES,
    });
  }
  const receipts =
    config.receipts.signingKeyPem && config.receipts.certificatePem
      ? undefined
      : platformReceiptKeyIn(config.dataDir);
  if (receipts) {
    config = {
      ...config,
      receipts: { signingKeyPem: receipts.keyPem, certificatePem: receipts.certificatePem },
      // the generated key is a secret like the configured one: never logged
      secrets: { ...config.secrets, values: [...config.secrets.values, receipts.keyPem] },
    };
  }
  // the embedded database's generated password joins the redaction list once it is known
  const redactor = new Redactor(config.secrets.values);
  const logger = createLogger({
    service: 'standalone',
    level: config.log.level,
    format: config.log.format,
    redactor,
  });
  Logger.overrideLogger(new PinoNestLogger(logger));
  if (receipts) {
    logger.warn(
      { dir: path.join(config.dataDir, PLATFORM_RECEIPTS_DIR), created: receipts.created },
      'RECEIPT_SIGNING_KEY_PEM is not set: signing acceptance receipts with a dev platform certificate (TEST ONLY)',
    );
  }
  if (devCa) {
    logger.warn(
      { devCaDir: devCa.dir, created: devCa.created },
      'TRUST_ANCHORS_PEM is not set: trusting the dev CA in the data directory (TEST ONLY, never in production)',
    );
  }
  const embedded = config.db.url
    ? undefined
    : await startEmbeddedPostgres(config.dataDir, extra.EMBEDDED_POSTGRES_PORT);
  try {
    if (embedded) {
      config = withDatabaseUrl(config, embedded.url);
      redactor.add(config.secrets.values);
    }
    // standalone is its own operator: it applies its migrations before serving, as `npm run migrate` would
    await migrateServices(config.db.url ?? '', platformServices);
    const running = await startApp(standaloneApp, { config, logger });
    running.logger.info(
      { dataDir: config.dataDir, embeddedDatabase: embedded !== undefined },
      'standalone ready',
    );
    return {
      ...running,
      close: async () => {
        await running.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
