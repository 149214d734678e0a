// Jest globalSetup of the `integration` project: makes sure the local infrastructure runs (deploy/local/infra up,
// idempotent) unless RENKEI_INFRA=external, then hands its settings to the workers through process.env
// (workers inherit it) and a JSON file (read by setup-env.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INFRA_SCRIPT, REPO_ROOT, readInfraEnvVars } from './infra-env';

export const INFRA_ENV_FILE = path.join(os.tmpdir(), `renkei-infra-env-${process.getuid?.() ?? 'user'}.json`);

function startInfra(): void {
  const logDir = path.join(os.tmpdir(), 'renkei-jest');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'infra-up.log');
  const result = spawnSync('bash', [INFRA_SCRIPT, 'up'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20 * 60 * 1000,
  });
  writeFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) {
    const output = readFileSync(logFile, 'utf8');
    throw new Error(
      `'bash deploy/local/infra up' failed (exit ${result.status ?? result.signal}); log ${logFile}:\n${output}`,
    );
  }
}

export default async function globalSetup(): Promise<void> {
  if (process.env.RENKEI_INFRA !== 'external') startInfra();
  const vars = readInfraEnvVars();
  Object.assign(process.env, vars);
  writeFileSync(INFRA_ENV_FILE, JSON.stringify(vars), { mode: 0o600 });
}
