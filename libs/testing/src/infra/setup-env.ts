// Jest setupFiles of the `integration` project: every worker gets the infrastructure variables in process.env
// (inherited from globalSetup, else from the JSON file it wrote, else from `deploy/local/infra env`).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INFRA_ENV_KEYS, readInfraEnvVars } from './infra-env';

const envFile = path.join(os.tmpdir(), `renkei-infra-env-${process.getuid?.() ?? 'user'}.json`);

if (!INFRA_ENV_KEYS.every((key) => process.env[key])) {
  const fromFile: Record<string, string> = existsSync(envFile)
    ? JSON.parse(readFileSync(envFile, 'utf8'))
    : {};
  for (const key of INFRA_ENV_KEYS) process.env[key] ||= fromFile[key];
  Object.assign(process.env, readInfraEnvVars());
}
