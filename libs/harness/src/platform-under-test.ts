// The whole platform as end-to-end tests and benches drive it, in either mode:
// - standalone: `tools/start-standalone.mjs` in a fresh directory, on embedded defaults (its own dev CA, embedded
//   PostgreSQL, local objects, in-process events), on free ports;
// - cluster: the exchange services each as its own process on the real PostgreSQL (a fresh database), Kafka (topics
//   and consumer groups under a unique prefix) and MinIO (a fresh bucket), tokens verified over HTTP.
import { allTopicSpecs } from '@renkei/contracts';
import {
  createDevCa,
  credentialFromPem,
  DEV_CA_CERTIFICATE_FILE,
  DEV_CA_KEY_FILE,
  issuePlatformCertificate,
  type DevCa,
} from '@renkei/pki';
import { migrateServices, type ServiceDefinition } from '@renkei/platform';
import { createTopicsReady, deleteTestTopics, withKafkaAdmin } from '@renkei/platform/testing';
import { Client as MinioClient } from 'minio';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  freePort,
  repoRoot,
  RunningProcess,
  startProcess,
  uniqueName,
  waitForReady,
  type InfraEnv,
} from '@renkei/testing';

export type PlatformMode = 'standalone' | 'cluster';

/** The services an exchange goes through, by the role an agent calls them for. */
export const EXCHANGE_SERVICES = ['certificate', 'registry', 'intake', 'storage', 'delivery'] as const;
export type ExchangeService = (typeof EXCHANGE_SERVICES)[number];

export type StoredObject = { key: string; bytes: Buffer };

export interface PlatformUnderTest {
  readonly mode: PlatformMode;
  /** base URL of each service (all the same in standalone) */
  readonly urls: Readonly<Record<ExchangeService, string>>;
  /** base URL of every replica of each service, `urls` first (cluster: see ClusterOptions.replicas) */
  readonly replicaUrls: Readonly<Record<ExchangeService, readonly string[]>>;
  /** the CA the platform trusts; tests issue office certificates from it */
  readonly devCa: DevCa;
  /** where the platform's database is, for inspections */
  readonly databaseUrl: string;
  /** the agent's environment for reaching this platform (RENKEI_<SERVICE>_URL) */
  readonly agentEnv: Readonly<Record<string, string>>;
  /** every object the platform stored, with its bytes */
  storedObjects(): Promise<StoredObject[]>;
  /** the keys of every stored object (no bytes read) */
  storedObjectKeys(): Promise<string[]>;
  /** the processes' combined output so far (for failure messages) */
  output(): string;
  /**
   * An outage: stops the platform's processes (standalone: the one process; cluster: every service process, or
   * the named services'), keeping its data (database, objects, topics), ports and URLs. Idempotent.
   */
  down(services?: readonly ExchangeService[]): Promise<void>;
  /** starts again what down() stopped, on the same data, ports and URLs, and waits until each is ready */
  up(): Promise<void>;
  stop(): Promise<void>;
}

function agentEnvOf(urls: Record<ExchangeService, string>): Record<string, string> {
  return Object.fromEntries(
    EXCHANGE_SERVICES.map((service) => [`RENKEI_${service.toUpperCase()}_URL`, urls[service]]),
  );
}

function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], HOME: process.env['HOME'], TZ: 'UTC' };
}

/** reads a DevCa back from the PEM files standalone keeps under <data dir>/dev-ca */
export async function readDevCa(dir: string): Promise<DevCa> {
  return credentialFromPem(
    await readFile(path.join(dir, DEV_CA_CERTIFICATE_FILE), 'utf8'),
    await readFile(path.join(dir, DEV_CA_KEY_FILE), 'utf8'),
  );
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

export async function startStandalonePlatform(
  options: { logLevel?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<PlatformUnderTest> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'renkei-platform-'));
  await chmod(cwd, 0o755); // embedded PostgreSQL runs as an unprivileged user when started by root
  const port = await freePort();
  const postgresPort = await freePort();
  const env = {
    ...baseEnv(),
    LOG_FORMAT: 'json',
    LOG_LEVEL: options.logLevel ?? 'warn',
    PORT: String(port),
    METRICS_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(postgresPort),
    ...options.env,
  };
  const url = `http://127.0.0.1:${port}`;
  let proc: RunningProcess | undefined;
  /** output of the processes already stopped (an outage), so output() tells the whole story */
  let earlierOutput = '';
  const start = async (): Promise<void> => {
    proc = startProcess([path.join(repoRoot, 'tools', 'start-standalone.mjs')], { cwd, env });
    await waitForReady(`${url}/health/ready`, proc, 150_000);
  };
  const halt = async (): Promise<void> => {
    const running = proc;
    proc = undefined;
    if (!running) return;
    await running.stop(60_000);
    earlierOutput += running.output();
  };
  try {
    await start();
  } catch (error) {
    await halt();
    await rm(cwd, { recursive: true, force: true });
    throw error;
  }
  const dataDir = path.join(cwd, '.renkei');
  const objectRoot = path.join(dataDir, 'objects');
  const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
  const urls = Object.fromEntries(EXCHANGE_SERVICES.map((service) => [service, url])) as Record<
    ExchangeService,
    string
  >;
  return {
    mode: 'standalone',
    urls,
    replicaUrls: Object.fromEntries(EXCHANGE_SERVICES.map((service) => [service, [url]])) as Record<
      ExchangeService,
      string[]
    >,
    devCa: await readDevCa(path.join(dataDir, 'dev-ca')),
    // embedded-postgres.ts: user and database `renkei`, password generated into the data directory
    databaseUrl: `postgres://renkei:${encodeURIComponent(password)}@127.0.0.1:${postgresPort}/renkei`,
    agentEnv: agentEnvOf(urls),
    storedObjects: async () => {
      const files = await listFiles(objectRoot);
      return Promise.all(
        files.map(async (file) => ({ key: path.relative(objectRoot, file), bytes: await readFile(file) })),
      );
    },
    storedObjectKeys: async () =>
      (await listFiles(objectRoot)).map((file) => path.relative(objectRoot, file)),
    output: () => `${earlierOutput}${proc?.output() ?? ''}`,
    down: halt,
    up: async () => {
      if (!proc) await start();
    },
    stop: async () => {
      await halt();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

export interface ClusterOptions {
  readonly infra: InfraEnv;
  /** the service definitions to migrate (standalone's platformServices) */
  readonly definitions: readonly ServiceDefinition[];
  readonly logLevel?: string;
  /** extra environment for every service process */
  readonly env?: Readonly<Record<string, string>>;
  /** processes per service (default 1): replicas share the database, topics and consumer groups */
  readonly replicas?: Readonly<Partial<Record<ExchangeService, number>>>;
}

export async function startClusterPlatform(options: ClusterOptions): Promise<PlatformUnderTest> {
  const { infra } = options;
  const name = uniqueName('cluster').replace(/-/g, '_');
  const databaseUrl = (() => {
    const url = new URL(infra.databaseUrl);
    url.pathname = `/${name}`;
    return url.toString();
  })();
  const topicPrefix = `${name}.`;
  const bucket = name.replace(/_/g, '-').toLowerCase().slice(0, 63);
  const devCa = createDevCa();
  // intake signs acceptance receipts with a platform certificate of the same CA, so agents verify them
  const platformReceipts = issuePlatformCertificate(devCa, { name: 'Renkei Platform Receipts — TEST ONLY' });
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: infra.databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const minio = new MinioClient({
    endPoint: infra.minio.endPoint,
    port: infra.minio.port,
    useSSL: infra.minio.useSSL,
    accessKey: infra.minio.accessKey,
    secretKey: infra.minio.secretKey,
  });
  await admin(`create database ${name}`);
  await migrateServices(databaseUrl, options.definitions);
  await minio.makeBucket(bucket);
  // every registry topic and its .dlq, with the registry's partitions, in one admin round trip
  await withKafkaAdmin(infra.kafkaBrokers, (kafka) =>
    createTopicsReady(
      kafka,
      allTopicSpecs().map((spec) => ({
        topic: `${topicPrefix}${spec.name}`,
        numPartitions: spec.partitions,
        replicationFactor: 1,
      })),
    ),
  );
  const ports = Object.fromEntries(
    await Promise.all(EXCHANGE_SERVICES.map(async (service) => [service, await freePort()] as const)),
  ) as Record<ExchangeService, number>;
  const urls = Object.fromEntries(
    EXCHANGE_SERVICES.map((service) => [service, `http://127.0.0.1:${ports[service]}`]),
  ) as Record<ExchangeService, string>;
  const common: NodeJS.ProcessEnv = {
    ...baseEnv(),
    LOG_LEVEL: options.logLevel ?? 'warn',
    LOG_FORMAT: 'json',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    MINIO_ENDPOINT: `${infra.minio.useSSL ? 'https' : 'http'}://${infra.minio.endPoint}:${infra.minio.port}`,
    MINIO_ACCESS_KEY: infra.minio.accessKey,
    MINIO_SECRET_KEY: infra.minio.secretKey,
    MINIO_BUCKET: bucket,
    TRUST_ANCHORS_PEM: devCa.certificatePem,
    // the dev CA vouches for every role, so tests can sign in as an operator or a 国保連 (as standalone does)
    TRUST_ANCHOR_ROLES: 'office,kokuhoren,operator',
    TOKEN_SIGNING_KEY_SECRET: `cluster-secret-${name}`,
    RECEIPT_SIGNING_KEY_PEM: platformReceipts.privateKeyPem,
    RECEIPT_CERTIFICATE_PEM: `${platformReceipts.certificatePem}${devCa.certificatePem}`,
    CERTIFICATE_URL: urls.certificate,
    // tests and benches enrol offices that are in no 事業所台帳 unless they set it (e2e/kokuhoren-api does)
    REGISTRATION_REQUIRES_OFFICE_MASTER: 'false',
    ...options.env,
  };
  /** every running service process, by its port (one per replica) */
  const procs = new Map<number, { service: ExchangeService; proc: RunningProcess }>();
  /** the ports down() stopped, for up() */
  const stopped: { service: ExchangeService; port: number }[] = [];
  let earlierOutput = '';
  const stopProcesses = async (which: (service: ExchangeService) => boolean): Promise<void> => {
    const chosen = [...procs.entries()].filter(([, entry]) => which(entry.service));
    for (const [port] of chosen) procs.delete(port);
    await Promise.all(chosen.map(([, entry]) => entry.proc.stop(60_000)));
    for (const [port, entry] of chosen) {
      earlierOutput += entry.proc.output();
      stopped.push({ service: entry.service, port });
    }
  };
  const stopAll = async (): Promise<void> => {
    await stopProcesses(() => true);
  };
  const cleanUp = async (): Promise<void> => {
    await admin(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await deleteTestTopics(infra.kafkaBrokers, topicPrefix).catch(() => undefined);
    const keys = await objectKeys(minio, bucket).catch(() => [] as string[]);
    if (keys.length > 0) await minio.removeObjects(bucket, keys).catch(() => undefined);
    await minio.removeBucket(bucket).catch(() => undefined);
  };
  const replicaUrls = Object.fromEntries(
    EXCHANGE_SERVICES.map((service) => [service, [urls[service]]]),
  ) as Record<ExchangeService, string[]>;
  const startService = async (service: ExchangeService, port: number): Promise<void> => {
    const proc = startProcess(
      [
        path.join(repoRoot, 'tools', 'run-ts.mjs'),
        path.join(repoRoot, 'services', service, 'src', 'main.ts'),
      ],
      { env: { ...common, PORT: String(port), METRICS_PORT: String(await freePort()) } },
    );
    procs.set(port, { service, proc });
    await waitForReady(`http://127.0.0.1:${port}/health/ready`, proc, 120_000);
  };
  try {
    // certificate first: the others fetch its key set when they verify a token
    for (const group of [['certificate'], EXCHANGE_SERVICES.filter((s) => s !== 'certificate')] as const) {
      await Promise.all(group.map((service) => startService(service, ports[service])));
    }
    for (const service of EXCHANGE_SERVICES) {
      for (let replica = 1; replica < (options.replicas?.[service] ?? 1); replica++) {
        const port = await freePort();
        await startService(service, port);
        replicaUrls[service].push(`http://127.0.0.1:${port}`);
      }
    }
  } catch (error) {
    await stopAll();
    await cleanUp();
    throw error;
  }
  return {
    mode: 'cluster',
    urls,
    replicaUrls,
    devCa,
    databaseUrl,
    agentEnv: agentEnvOf(urls),
    storedObjects: async () => {
      const keys = await objectKeys(minio, bucket);
      return Promise.all(
        keys.map(async (key) => {
          const stream = await minio.getObject(bucket, key);
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          return { key, bytes: Buffer.concat(chunks) };
        }),
      );
    },
    storedObjectKeys: () => objectKeys(minio, bucket),
    output: () => `${earlierOutput}${[...procs.values()].map((entry) => entry.proc.output()).join('\n')}`,
    down: (services = EXCHANGE_SERVICES) => stopProcesses((service) => services.includes(service)),
    up: async () => {
      const again = stopped.splice(0);
      // certificate first, as at boot: the others fetch its key set
      for (const first of [true, false]) {
        await Promise.all(
          again
            .filter((entry) => (entry.service === 'certificate') === first)
            .map((entry) => startService(entry.service, entry.port)),
        );
      }
    },
    stop: async () => {
      await stopAll();
      await cleanUp();
    },
  };
}

async function objectKeys(minio: MinioClient, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, '', true)) {
    const name = (item as { name?: string }).name;
    if (name) keys.push(name);
  }
  return keys;
}
