// Jest setupFiles of the `integration` and `e2e` projects: every worker gets the infrastructure variables in process.env
// (inherited from globalSetup, else from the JSON file it wrote, else from `deploy/local/infra env`).
import { existsSync, readFileSync } from 'node:fs';
import { INFRA_ENV_FILE, INFRA_ENV_KEYS, readInfraEnvVars } from './infra-env';

if (!INFRA_ENV_KEYS.every((key) => process.env[key])) {
  const fromFile: Record<string, string> = existsSync(INFRA_ENV_FILE)
    ? JSON.parse(readFileSync(INFRA_ENV_FILE, 'utf8'))
    : {};
  for (const key of INFRA_ENV_KEYS) process.env[key] ||= fromFile[key];
  Object.assign(process.env, readInfraEnvVars());
}
