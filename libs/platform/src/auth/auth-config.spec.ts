import { createDevCa } from '@renkei/testing';
import { ConfigError } from '../config/env-schema';
import { loadPlatformConfig } from '../config/platform-config';
import { PlatformDefaults } from '../config/platform-env.schema';

const cluster: PlatformDefaults = {
  port: 8083,
  metricsPort: 9083,
  eventBusDriver: 'kafka',
  objectStoreDriver: 'minio',
  databaseUrlRequired: true,
  logFormat: 'json',
};

const clusterEnv = {
  DATABASE_URL: 'postgres://renkei:s3cret-pw@127.0.0.1:55432/renkei',
  KAFKA_BROKERS: '127.0.0.1:59092',
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
