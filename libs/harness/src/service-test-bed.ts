// The test bed of the services' integration specs: a fresh, migrated database of the local PostgreSQL, the
// platform tokens the certificate service would issue (signed by a test P-256 key, its JWKS served over HTTP
// or attached as the in-process key set) and a service booted with startApp on free ports. A service cannot
// boot another one, so the specs play the certificate service with these.
import {
  InProcessKeySet,
  JWKS_PATH,
  loadPlatformConfig,
  migrateServices,
  publicJwkOf,
  signEs256,
  startApp,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type AppSpec,
  type EnvSource,
  type JsonWebKeySet,
  type RunningApp,
  type ServiceDefinition,
  type TokenClaims,
} from '@renkei/platform';
import { readInfraEnv, readInfraEnvVars, uniqueName } from '@renkei/testing';
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** runs `work` on a client connected to `url`, closed afterwards */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface FreshDatabase {
  readonly name: string;
  readonly url: string;
  /** runs `work` on a new connection to this database */
  sql<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /** the rows of one statement */
  rows<T extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** drops the database, closing whatever is still connected */
  drop(): Promise<void>;
}

/** creates a database named after `prefix` on the local PostgreSQL and migrates the services' schemas in it */
export async function freshDatabase(
  prefix: string,
  definitions: readonly ServiceDefinition[],
): Promise<FreshDatabase> {
  const adminUrl = readInfraEnv().databaseUrl;
  const name = uniqueName(prefix);
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  const url = target.toString();
  await withClient(adminUrl, (client) => client.query(`create database ${name}`));
  await migrateServices(url, definitions);
  return {
    name,
    url,
    sql: (work) => withClient(url, work),
    rows: async <T extends object>(text: string, values: unknown[] = []) =>
      withClient(url, async (client) => (await client.query<T>(text, values)).rows),
    drop: async () => {
      await withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** whom a test token names */
export interface TokenSubject {
  readonly officeNumber: string;
  readonly serviceTypes: readonly string[];
  /** hex SHA-256 of the certificate the token is bound to (cnf x5t#S256); random when absent */
  readonly certificateSha256?: string;
}

export interface ServedJwks {
  /** the base URL to give as CERTIFICATE_URL */
  readonly url: string;
  close(): Promise<void>;
}

/** Platform tokens as the certificate service issues them, signed by a fresh test P-256 key. */
export class TestTokens {
  private readonly signingKey: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

  constructor(readonly kid = 'test-key') {}

  /** the key set verifiers read the test key from */
  get keySet(): JsonWebKeySet {
    return { keys: [publicJwkOf(this.signingKey, this.kid)] };
  }

  /** a token for `subject` (roles office, 900 s); `overrides` replace claims */
  token(subject: TokenSubject, overrides: Partial<TokenClaims> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const certificate =
      subject.certificateSha256 === undefined
        ? randomBytes(32)
        : Buffer.from(subject.certificateSha256, 'hex');
    const claims: TokenClaims = {
      sub: subject.officeNumber,
      serviceTypes: subject.serviceTypes,
      roles: ['office'],
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + 900,
      jti: randomUUID(),
      cnf: { 'x5t#S256': certificate.toString('base64url') },
      ...overrides,
    };
    return signEs256(claims, this.signingKey, this.kid);
  }

  /** serves the key set at <url>/.well-known/jwks.json on 127.0.0.1, as the certificate service would */
  async serveJwks(): Promise<ServedJwks> {
    const body = JSON.stringify(this.keySet);
    const server = createServer((request, response) => {
      if (request.url !== JWKS_PATH) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  /** attaches the key set to an app started with AUTH_KEY_SET=inprocess (it hosts no certificate module) */
  attachInProcess(running: RunningApp): void {
    const keySet = this.keySet;
    running.app.get(InProcessKeySet).attach(async () => keySet);
  }
}

/** the environment that has a service verify tokens from `jwks` over HTTP */
export const httpKeySetEnv = (jwks: ServedJwks): EnvSource => ({
  AUTH_KEY_SET: 'http',
  CERTIFICATE_URL: jwks.url,
});

/** the environment that has a service use the local MinIO */
export function minioEnv(): EnvSource {
  const vars = readInfraEnvVars();
  return {
    OBJECT_STORE_DRIVER: 'minio',
    MINIO_ENDPOINT: vars.MINIO_ENDPOINT,
    MINIO_ACCESS_KEY: vars.MINIO_ACCESS_KEY,
    MINIO_SECRET_KEY: vars.MINIO_SECRET_KEY,
    MINIO_BUCKET: vars.MINIO_BUCKET,
  };
}

/** the environment that has a service use the local Kafka, its topics under `topicPrefix` */
export const kafkaEnv = (topicPrefix: string): EnvSource => ({
  EVENT_BUS_DRIVER: 'kafka',
  KAFKA_BROKERS: readInfraEnv().kafkaBrokers.join(','),
  KAFKA_TOPIC_PREFIX: topicPrefix,
});

export interface TestApp {
  readonly running: RunningApp;
  /** closes the app and removes its data directory */
  close(): Promise<void>;
}

/**
 * boots `spec` with startApp on free ports (no metrics), quiet, on the in-process bus and local objects in a
 * temporary data directory, unless `env` says otherwise (DATABASE_URL, key set, drivers, …)
 */
export async function startTestApp(spec: AppSpec, env: EnvSource): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `renkei-${spec.name}-it-`));
  try {
    const config = loadPlatformConfig(spec.name, spec.defaults, {
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'error',
      EVENT_BUS_DRIVER: 'inprocess',
      OBJECT_STORE_DRIVER: 'local',
      // specs about registration without a 事業所台帳 stay short; the office-master specs set it true
      REGISTRATION_REQUIRES_OFFICE_MASTER: 'false',
      RENKEI_DATA_DIR: dataDir,
      ...env,
    });
    const running = await startApp(spec, { config });
    return {
      running,
      close: async () => {
        await running.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export interface ServiceUnderTestOptions {
  /** the prefix of the fresh database's name */
  readonly databasePrefix: string;
  /** the services whose schemas the database is migrated with */
  readonly definitions: readonly ServiceDefinition[];
  /** when given, the service verifies tokens over HTTP from their JWKS, served for it */
  readonly tokens?: TestTokens;
  /** more of the service's environment (drivers, trust anchors, …) */
  readonly env?: EnvSource;
}

export interface ServiceUnderTest {
  readonly running: RunningApp;
  readonly database: FreshDatabase;
  /** closes the app, stops serving the JWKS and drops the database */
  close(): Promise<void>;
}

/** a service booted by startTestApp on a fresh database, with the JWKS of `tokens` served when given */
export async function startServiceUnderTest(
  spec: AppSpec,
  options: ServiceUnderTestOptions,
): Promise<ServiceUnderTest> {
  const database = await freshDatabase(options.databasePrefix, options.definitions);
  let jwks: ServedJwks | undefined;
  let app: TestApp | undefined;
  const close = async (): Promise<void> => {
    await app?.close();
    await jwks?.close();
    await database.drop();
  };
  try {
    jwks = await options.tokens?.serveJwks();
    app = await startTestApp(spec, {
      DATABASE_URL: database.url,
      ...(jwks ? httpKeySetEnv(jwks) : {}),
      ...options.env,
    });
    return { running: app.running, database, close };
  } catch (error) {
    await close();
    throw error;
  }
}
