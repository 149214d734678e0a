import { createDevCa, issuePlatformCertificate } from '@renkei/testing';
import { ConfigError, env, parseEnv, secretNames } from './env-schema';
import { loadPlatformConfig } from './platform-config';
import { PlatformDefaults } from './platform-env.schema';

const cluster: PlatformDefaults = {
  port: 8083,
  metricsPort: 9083,
  eventBusDriver: 'kafka',
  objectStoreDriver: 'minio',
  databaseUrlRequired: true,
  logFormat: 'json',
};
const standalone: PlatformDefaults = {
  ...cluster,
  port: 8080,
  metricsPort: 9080,
  eventBusDriver: 'inprocess',
  objectStoreDriver: 'local',
  databaseUrlRequired: false,
};

const clusterEnv = {
  DATABASE_URL: 'postgres://renkei:s3cret-pw@127.0.0.1:55432/renkei',
  KAFKA_BROKERS: '127.0.0.1:59092, 127.0.0.1:59093',
  MINIO_ENDPOINT: 'http://127.0.0.1:59000',
  MINIO_ACCESS_KEY: 'renkei',
  MINIO_SECRET_KEY: 'minio-secret-value',
};

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadPlatformConfig', () => {
  it('groups a valid cluster environment into typed sections', () => {
    const sut = loadPlatformConfig('intake', cluster, clusterEnv);

    expect(sut.http).toEqual({ host: '127.0.0.1', port: 8083 });
    expect(sut.bus.kafka).toEqual({
      brokers: ['127.0.0.1:59092', '127.0.0.1:59093'],
      clientId: 'renkei-intake',
      topicPrefix: '',
    });
    expect(sut.objects.minio).toEqual({
      endPoint: '127.0.0.1',
      port: 59000,
      useSSL: false,
      accessKey: 'renkei',
      secretKey: 'minio-secret-value',
      bucket: 'renkei',
    });
  });

  it('lists every bad variable at once, by name', () => {
    const error = configErrorOf(() =>
      loadPlatformConfig('intake', cluster, { PORT: 'eighty', LOG_LEVEL: 'loud', MINIO_ENDPOINT: 'ftp://x' }),
    );

    expect(error.issues.map((issue) => issue.name).sort()).toEqual(
      [
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'LOG_LEVEL',
        'MINIO_ACCESS_KEY',
        'MINIO_ENDPOINT',
        'MINIO_SECRET_KEY',
        'PORT',
      ].sort(),
    );
    expect(error.message).toContain('PORT: must be a TCP port');
    expect(error.message).toContain('KAFKA_BROKERS: is required when EVENT_BUS_DRIVER=kafka');
  });

  it('never echoes the value of a secret variable in its error', () => {
    const error = configErrorOf(() =>
      loadPlatformConfig('intake', cluster, { ...clusterEnv, DATABASE_URL: 'not a url with hunter2' }),
    );

    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('needs neither Kafka, MinIO nor a database URL with standalone defaults', () => {
    const sut = loadPlatformConfig('standalone', standalone, { RENKEI_DATA_DIR: '/tmp/renkei-test' });

    expect(sut.bus.driver).toBe('inprocess');
    expect(sut.objects).toEqual({ driver: 'local', minio: undefined, localRoot: '/tmp/renkei-test/objects' });
    expect(sut.db.url).toBeUndefined();
    expect(sut.http.port).toBe(8080);
  });

  it('requires Kafka brokers in standalone once EVENT_BUS_DRIVER=kafka is chosen', () => {
    const error = configErrorOf(() =>
      loadPlatformConfig('standalone', standalone, { EVENT_BUS_DRIVER: 'kafka' }),
    );

    expect(error.issues).toEqual([
      { name: 'KAFKA_BROKERS', problem: 'is required when EVENT_BUS_DRIVER=kafka' },
    ]);
  });

  it('collects secret values, including the database password, for redaction', () => {
    const sut = loadPlatformConfig('intake', cluster, clusterEnv);

    expect(sut.secrets.names).toEqual(expect.arrayContaining(['DATABASE_URL', 'MINIO_SECRET_KEY']));
    expect(sut.secrets.values).toEqual(expect.arrayContaining(['s3cret-pw', 'minio-secret-value']));
  });
});

describe('parseEnv', () => {
  const schema = {
    COUNT: env.int({ description: 'n', default: 3, min: 1, max: 5 }),
    FLAG: env.bool({ description: 'f', default: false }),
    TOKEN: env.string({ description: 't', secret: true }),
  };

  it('applies defaults and bounds', () => {
    expect(parseEnv(schema, {})).toEqual({ COUNT: 3, FLAG: false, TOKEN: undefined });
    expect(parseEnv(schema, { COUNT: '5', FLAG: 'yes' })).toMatchObject({ COUNT: 5, FLAG: true });
    expect(() => parseEnv(schema, { COUNT: '6' })).toThrow('COUNT: must be ≤ 5');
  });

  it('names the secret variables', () => {
    expect(secretNames(schema)).toEqual(['TOKEN']);
  });
});

describe('loadPlatformConfig: authentication', () => {
  const certificate: PlatformDefaults = { ...cluster, authKeySet: 'inprocess', issuesTokens: true };

  it('verifies tokens over HTTP from the certificate service by default', () => {
    const sut = loadPlatformConfig('intake', cluster, { ...clusterEnv, CERTIFICATE_URL: 'http://cert:8082' });

    expect(sut.auth).toMatchObject({ keySet: 'http', certificateUrl: 'http://cert:8082' });
  });

  it('requires trust anchors and the signing key secret for the certificate service', () => {
    const error = configErrorOf(() => loadPlatformConfig('certificate', certificate, clusterEnv));

    expect(error.issues.map((issue) => issue.name).sort()).toEqual([
      'TOKEN_SIGNING_KEY_SECRET',
      'TRUST_ANCHORS_PEM',
    ]);
  });

  it('accepts a CA certificate as trust anchor, with escaped newlines too, and redacts the secret', () => {
    const pem = createDevCa().certificatePem;
    const sut = loadPlatformConfig('certificate', certificate, {
      ...clusterEnv,
      TRUST_ANCHORS_PEM: pem.replace(/\n/g, '\\n'),
      TOKEN_SIGNING_KEY_SECRET: 'a-long-enough-secret-value',
    });

    expect(sut.auth.keySet).toBe('inprocess');
    expect(sut.auth.trustAnchorsPem).toContain('-----BEGIN CERTIFICATE-----');
    expect(sut.secrets.values).toContain('a-long-enough-secret-value');
  });

  it('refuses trust anchors that are not PEM certificates and a short secret', () => {
    const error = configErrorOf(() =>
      loadPlatformConfig('certificate', certificate, {
        ...clusterEnv,
        TRUST_ANCHORS_PEM: 'not a pem',
        TOKEN_SIGNING_KEY_SECRET: 'short',
      }),
    );

    expect(error.message).toContain('TRUST_ANCHORS_PEM: must hold at least one PEM certificate');
    expect(error.message).toContain('TOKEN_SIGNING_KEY_SECRET: must be at least 16 characters');
    expect(error.message).not.toContain('short');
  });
});

describe('loadPlatformConfig: trust store', () => {
  it('defaults to office-only configured anchors and no CRL fetching', () => {
    const sut = loadPlatformConfig('certificate', cluster, clusterEnv);

    expect(sut.auth).toMatchObject({ trustAnchorRoles: ['office'], crlFetchIntervalSeconds: 0 });
  });

  it('reads the roles of the configured anchors and the CRL fetch interval', () => {
    const sut = loadPlatformConfig('certificate', cluster, {
      ...clusterEnv,
      TRUST_ANCHOR_ROLES: ' operator, office ,operator',
      CRL_FETCH_INTERVAL_SECONDS: '3600',
    });

    expect(sut.auth).toMatchObject({
      trustAnchorRoles: ['operator', 'office'],
      crlFetchIntervalSeconds: 3600,
    });
  });

  it('refuses an unknown role and a negative interval', () => {
    const error = configErrorOf(() =>
      loadPlatformConfig('certificate', cluster, {
        ...clusterEnv,
        TRUST_ANCHOR_ROLES: 'office,admin',
        CRL_FETCH_INTERVAL_SECONDS: '-1',
      }),
    );

    expect(error.message).toContain(
      'TRUST_ANCHOR_ROLES: each role must be one of office, kokuhoren, operator',
    );
    expect(error.message).toContain('CRL_FETCH_INTERVAL_SECONDS');
  });
});

describe('loadPlatformConfig: platform receipt key', () => {
  const intake: PlatformDefaults = { ...cluster, signsReceipts: true };
  const ca = createDevCa();
  const platform = issuePlatformCertificate(ca, { name: 'Renkei Platform Receipts — TEST ONLY' });

  it('requires the receipt key and certificate for a cluster intake only', () => {
    const error = configErrorOf(() => loadPlatformConfig('intake', intake, clusterEnv));

    expect(error.issues.map((issue) => issue.name).sort()).toEqual([
      'RECEIPT_CERTIFICATE_PEM',
      'RECEIPT_SIGNING_KEY_PEM',
    ]);
    expect(loadPlatformConfig('storage', cluster, clusterEnv).receipts).toEqual({
      signingKeyPem: undefined,
      certificatePem: undefined,
    });
  });

  it('reads the key (a secret) and the certificate with its chain, escaped newlines too', () => {
    const sut = loadPlatformConfig('intake', intake, {
      ...clusterEnv,
      RECEIPT_SIGNING_KEY_PEM: platform.privateKeyPem.replace(/\n/g, '\\n'),
      RECEIPT_CERTIFICATE_PEM: `${platform.certificatePem}${ca.certificatePem}`,
    });

    expect(sut.receipts.signingKeyPem).toBe(platform.privateKeyPem);
    expect(sut.receipts.certificatePem?.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(sut.secrets.names).toContain('RECEIPT_SIGNING_KEY_PEM');
    expect(sut.secrets.names).not.toContain('RECEIPT_CERTIFICATE_PEM');
  });

  it('refuses a key that is not PEM without echoing it, and a CA in place of the certificate', () => {
    const error = configErrorOf(() =>
      loadPlatformConfig('intake', intake, {
        ...clusterEnv,
        RECEIPT_SIGNING_KEY_PEM: 'not-a-key-but-a-secret',
        RECEIPT_CERTIFICATE_PEM: ca.certificatePem,
      }),
    );

    expect(error.message).toContain('RECEIPT_SIGNING_KEY_PEM: must hold one PEM private key');
    expect(error.message).toContain('RECEIPT_CERTIFICATE_PEM: must start with an end-entity certificate');
    expect(error.message).not.toContain('not-a-key-but-a-secret');
  });
});
