// `npm start` as a newcomer runs it: one process, embedded PostgreSQL, a local directory and in-process
// events, ready on http://127.0.0.1:8080 with its data under ./.renkei — and again after a restart.
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, probe, repoRoot, startProcess, waitForReady } from '@renkei/testing';

describe('standalone', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'renkei-standalone-'));
    await chmod(cwd, 0o755); // embedded PostgreSQL runs as user postgres when started by root
  });

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('boots on embedded defaults, ready on 127.0.0.1:8080 with data under ./.renkei, and again after a restart', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      TZ: 'UTC',
      LOG_FORMAT: 'json',
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
    };
    const start = () => startProcess([path.join(repoRoot, 'tools', 'start-standalone.mjs')], { cwd, env });

    const first = start();
    const ready = await waitForReady('http://127.0.0.1:8080/health/ready', first, 150000);
    const report = JSON.parse(ready.body) as { checks: Record<string, { status: string }> };
    expect(Object.keys(report.checks).sort()).toEqual(
      [
        'database:billing',
        'database:certificate',
        'database:delivery',
        'database:intake',
        'database:registry',
        'database:storage',
        'event-bus:inprocess',
        'object-store:local',
      ].sort(),
    );
    expect(existsSync(path.join(cwd, '.renkei', 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(cwd, '.renkei', 'objects'))).toBe(true);
    // no TRUST_ANCHORS_PEM: standalone made a dev CA of its own, its key readable by the owner only
    expect(existsSync(path.join(cwd, '.renkei', 'dev-ca', 'ca.pem'))).toBe(true);
    expect(statSync(path.join(cwd, '.renkei', 'dev-ca', 'ca.key.pem')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain('trusting the dev CA in the data directory');
    expect((await probe('http://127.0.0.1:9180/metrics')).body).toContain('service="standalone"');
    // every route but health, the challenge and the key set needs a token, verified in process
    const refused = await probe('http://127.0.0.1:8080/v1/auth/session');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'AUTH_TOKEN_MISSING' });
    const keySet = await probe('http://127.0.0.1:8080/.well-known/jwks.json');
    expect(keySet.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = start();
    await waitForReady('http://127.0.0.1:8080/health/ready', second, 150000);
    expect(second.output()).not.toContain('initialising embedded PostgreSQL');
    // the stored signing key survives the restart and decrypts with the secret kept in ./.renkei
    expect((await probe('http://127.0.0.1:8080/.well-known/jwks.json')).body).toBe(keySet.body);
    expect(await second.stop()).toBe(0);
  });
});
