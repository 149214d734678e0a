import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli';
import { ExitCode } from '../agent.errors';
import { ApiErrorCode } from '../api/api.errors';
import { ApiLogEntry, DEFAULT_API_PORT } from '../api/local-api.server';
import { authRoutes, fakeFetch } from '../testing/fake-fetch';
import {
  PLANNER,
  setUpOffices,
  TEST_ENV,
  TEST_PASSPHRASE,
  testContext,
  TestOffices,
} from '../testing/offices';
import { ApiListening, checkApiHost, parseApiPort, runApi } from './api.command';

describe(runApi.name, () => {
  let dir: string;
  let offices: TestOffices;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-api-cmd-'));
    offices = await setUpOffices(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the profile on 127.0.0.1 with its token until told to stop, and logs no secret', async () => {
    const fake = fakeFetch({
      ...authRoutes(() => new Date(Date.now() + 3_600_000).toISOString()),
      'GET /health/live': () => ({ status: 200, json: { status: 'ok' } }),
      'GET /v1/offices/me': () => ({ status: 404, json: { code: 'OFFICE_NOT_FOUND', message: 'no' } }),
      'GET /v1/licences/me': () => ({ status: 404, json: { code: 'LICENCE_NOT_FOUND', message: 'no' } }),
    });
    const logs: ApiLogEntry[] = [];
    let listening: ApiListening | undefined;
    let token = '';
    const result = await runApi(testContext({ home: offices.plannerHome, fetch: fake.fetch }), {
      port: '0',
      log: (entry) => logs.push(entry),
      onListening: (l) => (listening = l),
      stopSignal: async () => {
        token = readFileSync(listening?.tokenFile ?? '', 'utf8').trim();
        const response = await fetch(`${listening?.url}/v1/status`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          officeNumber: PLANNER.officeNumber,
          platform: {
            reachable: true,
            office: null,
            licence: null,
            problems: [{ code: 'OFFICE_NOT_FOUND' }, { code: 'LICENCE_NOT_FOUND' }],
          },
        });
        return 'SIGTERM';
      },
    });
    expect(listening).toMatchObject({ profile: PLANNER.officeNumber, tokenCreated: true });
    expect(listening?.url).toBe(`http://127.0.0.1:${result.port}`);
    expect(result).toMatchObject({ stopped: true, reason: 'SIGTERM' });
    expect(logs.map((l) => l.event)).toEqual(['request', 'stopping', 'stopped']);
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(TEST_PASSPHRASE);
  });

  it('listens on 127.0.0.1 only and port 18080 unless told another port', () => {
    expect(parseApiPort(undefined)).toBe(DEFAULT_API_PORT);
    expect(parseApiPort('0')).toBe(0);
    expect(() => parseApiPort('65536')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => parseApiPort('80a')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => checkApiHost('127.0.0.1')).not.toThrow();
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '::1']) {
      expect(() => checkApiHost(host)).toThrow(
        expect.objectContaining({ code: ApiErrorCode.API_HOST_REFUSED }),
      );
    }
  });

  it('refuses --host other than 127.0.0.1 from the command line with exit 2', async () => {
    const out: string[] = [];
    const code = await runCli(['--json', '--home', offices.plannerHome, 'api', '--host', '0.0.0.0'], {
      stdout: (t) => out.push(t),
      stderr: () => undefined,
      env: TEST_ENV,
    });
    expect(code).toBe(ExitCode.Usage);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ error: { code: ApiErrorCode.API_HOST_REFUSED } });
  });
});
