// Every service boots as its own process in cluster mode against the real PostgreSQL, Kafka and MinIO from
// deploy/local, reports ready, serves metrics on its own port, and stops cleanly on SIGTERM.
import { platformServices } from '@renkei/standalone';
import { signChallenge } from '@renkei/envelope';
import { HttpKeySetSource, migrateServices, TokenVerifier } from '@renkei/platform';
import { createDevCa, issueOfficeCertificate, readInfraEnv, uniqueName } from '@renkei/testing';
import { issuePlatformCertificate } from '@renkei/pki';
import path from 'node:path';
import { Client } from 'pg';
import { freePort, probe, repoRoot, RunningProcess, startProcess, waitForReady } from '@renkei/testing';

const infra = readInfraEnv();
const databaseName = uniqueName('e2e_cluster').replace(/-/g, '_');
// the certificate service issues tokens only for offices whose certificates chain to a configured anchor
const devCa = createDevCa();
// intake signs acceptance receipts with a platform certificate (required in cluster mode)
const platformReceipts = issuePlatformCertificate(devCa, { name: 'Renkei Platform Receipts — TEST ONLY' });

function databaseUrl(name: string): string {
  const url = new URL(infra.databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: infra.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function clusterEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    TZ: 'UTC',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl(databaseName),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    MINIO_ENDPOINT: `${infra.minio.useSSL ? 'https' : 'http'}://${infra.minio.endPoint}:${infra.minio.port}`,
    MINIO_ACCESS_KEY: infra.minio.accessKey,
    MINIO_SECRET_KEY: infra.minio.secretKey,
    MINIO_BUCKET: infra.minio.bucket,
    TRUST_ANCHORS_PEM: devCa.certificatePem,
    TOKEN_SIGNING_KEY_SECRET: 'e2e-token-signing-key-secret',
    RECEIPT_SIGNING_KEY_PEM: platformReceipts.privateKeyPem,
    RECEIPT_CERTIFICATE_PEM: platformReceipts.certificatePem,
    ...overrides,
  };
}

const entryOf = (name: string) => [
  path.join(repoRoot, 'tools', 'run-ts.mjs'),
  path.join(repoRoot, 'services', name, 'src', 'main.ts'),
];

describe('cluster mode', () => {
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    await admin((client) => client.query(`create database ${databaseName}`));
    await migrateServices(databaseUrl(databaseName), platformServices);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((proc) => proc.stop()));
  });

  afterAll(async () => {
    await admin((client) => client.query(`drop database if exists ${databaseName} with (force)`));
  });

  it('boots all six services at once, each ready on PostgreSQL, Kafka and MinIO with metrics on its own port', async () => {
    const booted = await Promise.all(
      platformServices.map(async (definition) => {
        const port = await freePort();
        const metricsPort = await freePort();
        const proc = startProcess(entryOf(definition.name), {
          env: clusterEnv({ PORT: String(port), METRICS_PORT: String(metricsPort) }),
        });
        running.push(proc);
        return { definition, port, metricsPort, proc };
      }),
    );

    for (const { definition, port, metricsPort, proc } of booted) {
      const ready = await waitForReady(`http://127.0.0.1:${port}/health/ready`, proc);
      const report = JSON.parse(ready.body) as { status: string; checks: Record<string, { status: string }> };
      expect(report.status).toBe('ready');
      expect(Object.keys(report.checks).sort()).toEqual(
        [`database:${definition.schema}`, 'event-bus:kafka', 'object-store:minio'].sort(),
      );
      expect((await probe(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
      const metrics = await probe(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain(
        `renkei_http_requests_total{method="GET",route="/health/ready",status_code="200",service="${definition.name}"}`,
      );
      expect((await probe(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    }

    const exits = await Promise.all(running.splice(0).map((proc) => proc.stop()));
    expect(exits).toEqual(platformServices.map(() => 0));
  });

  it('answers an unknown route with a JSON error carrying a stable code and the correlation id', async () => {
    const port = await freePort();
    const proc = startProcess(entryOf('intake'), {
      env: clusterEnv({ PORT: String(port), METRICS_PORT: '0' }),
    });
    running.push(proc);
    await waitForReady(`http://127.0.0.1:${port}/health/ready`, proc);

    const response = await fetch(`http://127.0.0.1:${port}/v1/nothing-here`, {
      headers: { 'x-correlation-id': 'e2e-corr-1' },
    });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-correlation-id')).toBe('e2e-corr-1');
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', correlationId: 'e2e-corr-1' });
  });

  it('refuses a protected route without a token, and issues a token that verifies from the published key set', async () => {
    const [certPort, intakePort] = [await freePort(), await freePort()];
    const certificate = startProcess(entryOf('certificate'), {
      env: clusterEnv({ PORT: String(certPort), METRICS_PORT: '0' }),
    });
    running.push(certificate);
    const certificateUrl = `http://127.0.0.1:${certPort}`;
    const intake = startProcess(entryOf('intake'), {
      env: clusterEnv({ PORT: String(intakePort), METRICS_PORT: '0', CERTIFICATE_URL: certificateUrl }),
    });
    running.push(intake);
    await waitForReady(`${certificateUrl}/health/ready`, certificate);
    await waitForReady(`http://127.0.0.1:${intakePort}/health/ready`, intake);

    const refused = await fetch(`${certificateUrl}/v1/auth/session`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'AUTH_TOKEN_MISSING' });

    const office = issueOfficeCertificate(devCa, {
      officeNumber: '2710000009',
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    const challenge = (await (
      await fetch(`${certificateUrl}/v1/auth/challenges`, { method: 'POST' })
    ).json()) as {
      challengeId: string;
      nonce: string;
    };
    const signedData = Buffer.from(
      signChallenge(challenge.nonce, { certificate: office.certificate, privateKey: office.privateKey }),
    ).toString('base64');
    const issued = await fetch(`${certificateUrl}/v1/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challengeId: challenge.challengeId, signedData }),
    });
    expect(issued.status).toBe(200);
    const { token } = (await issued.json()) as { token: string };

    const claims = await new TokenVerifier(new HttpKeySetSource(certificateUrl)).verify(token);
    expect(claims).toMatchObject({ sub: '2710000009', serviceTypes: ['43'] });
    const session = await fetch(`${certificateUrl}/v1/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ officeNumber: '2710000009' });
  });

  it('is not ready while its schema has pending migrations', async () => {
    const fresh = uniqueName('e2e_unmigrated').replace(/-/g, '_');
    await admin((client) => client.query(`create database ${fresh}`));
    try {
      const port = await freePort();
      const proc = startProcess(entryOf('billing'), {
        env: clusterEnv({ PORT: String(port), METRICS_PORT: '0', DATABASE_URL: databaseUrl(fresh) }),
      });
      running.push(proc);
      await waitForReady(`http://127.0.0.1:${port}/health/live`, proc);

      const ready = await probe(`http://127.0.0.1:${port}/health/ready`);

      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body).checks['database:billing']).toMatchObject({
        status: 'down',
        error: expect.stringContaining('pending migrations'),
      });
      expect(await proc.stop()).toBe(0);
    } finally {
      await admin((client) => client.query(`drop database if exists ${fresh} with (force)`));
    }
  });

  it('refuses to start with a bad environment, listing every bad variable and never a secret', async () => {
    const proc = startProcess(entryOf('intake'), {
      env: {
        PATH: process.env['PATH'],
        PORT: 'eighty',
        LOG_LEVEL: 'chatty',
        MINIO_ENDPOINT: 'http://127.0.0.1:59000',
        MINIO_SECRET_KEY: 'very-secret-value',
        DATABASE_URL: 'mysql://root:hunter22@db/renkei',
      },
    });

    expect(await proc.exited()).toBe(78);
    const output = proc.output();
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'KAFKA_BROKERS', 'MINIO_ACCESS_KEY']) {
      expect(output).toContain(`- ${name}:`);
    }
    expect(output).not.toContain('hunter22');
    expect(output).not.toContain('very-secret-value');
  });
});
