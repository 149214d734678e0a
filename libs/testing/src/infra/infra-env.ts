// Connection settings of the local real infrastructure (deploy/local/infra): from the environment when set,
// otherwise from `deploy/local/infra env`.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export interface InfraEnv {
  databaseUrl: string;
  kafkaBrokers: string[];
  minio: {
    endPoint: string;
    port: number;
    useSSL: boolean;
    accessKey: string;
    secretKey: string;
    bucket: string;
  };
}

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const INFRA_SCRIPT = path.join(REPO_ROOT, 'deploy/local/infra');
/** where globalSetup leaves the settings for workers that did not inherit them */
export const INFRA_ENV_FILE = path.join(os.tmpdir(), `renkei-infra-env-${process.getuid?.() ?? 'user'}.json`);

/** The variables `deploy/local/infra env` prints; what services read in cluster mode. */
export const INFRA_ENV_KEYS = [
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'MINIO_ENDPOINT',
  'MINIO_ACCESS_KEY',
  'MINIO_SECRET_KEY',
  'MINIO_BUCKET',
] as const;
export type InfraEnvKey = (typeof INFRA_ENV_KEYS)[number];
export type InfraEnvVars = Record<InfraEnvKey, string>;

const REQUIRED_KEYS: readonly InfraEnvKey[] = INFRA_ENV_KEYS.filter((key) => key !== 'MINIO_BUCKET');

/** Parses `export NAME=value` lines (values optionally quoted). */
export function parseEnvLines(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    vars[match[1]] = match[2].trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

function runInfraEnv(): Record<string, string> {
  try {
    return parseEnvLines(
      execFileSync('bash', [INFRA_SCRIPT, 'env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `'bash deploy/local/infra env' failed (is the infrastructure up? run 'bash deploy/local/infra up'): ${stderr.trim()}`,
    );
  }
}

/** The raw variables: process.env wins; anything missing comes from `deploy/local/infra env`. */
export function readInfraEnvVars(env: NodeJS.ProcessEnv = process.env): InfraEnvVars {
  const complete = REQUIRED_KEYS.every((key) => env[key]);
  const fromScript = complete ? {} : runInfraEnv();
  const pick = (key: InfraEnvKey): string => env[key] || fromScript[key] || '';
  const vars = Object.fromEntries(INFRA_ENV_KEYS.map((key) => [key, pick(key)])) as InfraEnvVars;
  vars.MINIO_BUCKET ||= 'renkei';
  const missing = REQUIRED_KEYS.filter((key) => !vars[key]);
  if (missing.length > 0) throw new Error(`infrastructure settings missing: ${missing.join(', ')}`);
  return vars;
}

export function toInfraEnv(vars: InfraEnvVars): InfraEnv {
  const endpoint = new URL(vars.MINIO_ENDPOINT);
  const useSSL = endpoint.protocol === 'https:';
  return {
    databaseUrl: vars.DATABASE_URL,
    kafkaBrokers: vars.KAFKA_BROKERS.split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    minio: {
      endPoint: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: vars.MINIO_ACCESS_KEY,
      secretKey: vars.MINIO_SECRET_KEY,
      bucket: vars.MINIO_BUCKET,
    },
  };
}

export function readInfraEnv(env: NodeJS.ProcessEnv = process.env): InfraEnv {
  return toInfraEnv(readInfraEnvVars(env));
}

/**
 * A short unique lowercase id (`[a-z][a-z0-9_]*`, at most 40 chars) usable as a PostgreSQL schema name,
 * a Kafka topic prefix or an object key prefix: `uniqueName('intake')` → `intake_m3x9k2_4f1a9c`.
 */
export function uniqueName(prefix = 't'): string {
  let base = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 24);
  if (!/^[a-z]/.test(base)) base = `t${base}`;
  const time = Date.now().toString(36).slice(-6);
  return `${base}_${time}_${randomBytes(3).toString('hex')}`;
}
