// Jest globalSetup of the `integration` and `e2e` projects: makes sure the local infrastructure runs (deploy/local/infra up,
// idempotent) unless RENKEI_INFRA=external, then hands its settings to the workers through process.env
// (workers inherit it) and a JSON file (read by setup-env.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INFRA_ENV_FILE, INFRA_SCRIPT, REPO_ROOT, readInfraEnvVars } from './infra-env';

// the integration and e2e projects share this setup; Jest runs it once per project in one process
const STARTED_MARK = 'RENKEI_INFRA_STARTED';

function startInfra(): void {
  const logDir = path.join(os.tmpdir(), 'renkei-jest');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'infra-up.log');
  const result = spawnSync('bash', [INFRA_SCRIPT, 'up'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20 * 60 * 1000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  writeFileSync(logFile, output);
  if (result.status !== 0) {
    throw new Error(
      `'bash deploy/local/infra up' failed (exit ${result.status ?? result.signal}); log ${logFile}:\n${output}`,
    );
  }
}

export default async function globalSetup(): Promise<void> {
  if (process.env.RENKEI_INFRA !== 'external' && !process.env[STARTED_MARK]) {
    startInfra();
    process.env[STARTED_MARK] = '1';
  }
  const vars = readInfraEnvVars();
  Object.assign(process.env, vars);
  writeFileSync(INFRA_ENV_FILE, JSON.stringify(vars), { mode: 0o600 });
}
