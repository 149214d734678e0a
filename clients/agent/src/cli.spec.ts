import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';
import { ExitCode } from './agent.errors';
import { fakeFetch } from './testing/fake-fetch';
import { setUpOffices, TEST_ENV, TestOffices } from './testing/offices';

describe(runCli.name, () => {
  let dir: string;
  let offices: TestOffices;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-cli-'));
    offices = await setUpOffices(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(argv: string[], fetchImpl?: typeof fetch) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: TEST_ENV,
      fetch: fetchImpl,
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it('prints help with exit 0, and exit 2 without a command', async () => {
    expect((await run(['--help'])).code).toBe(ExitCode.Ok);
    expect((await run([])).code).toBe(ExitCode.Usage);
  });

  it('prints one JSON error document on stdout with --json', async () => {
    const result = await run(['--json', 'status', 'not-a-uuid', '--home', offices.plannerHome]);

    expect(result.code).toBe(ExitCode.Usage);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'USAGE', message: expect.any(String) } });
  });

  it('exits 5 when the platform cannot be reached', async () => {
    const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });

    const result = await run(['--home', offices.plannerHome, 'inbox'], down.fetch);

    expect(result.code).toBe(ExitCode.Unreachable);
    expect(result.stderr).toContain('プラットフォームに接続できません');
  });

  it('exits 6 for a missing profile and 3 for invalid files', async () => {
    expect((await run(['--home', join(dir, 'none'), 'inbox'])).code).toBe(ExitCode.NotFound);
    const invalid = await run(['--home', offices.providerHome, '--json', 'send', '--dir', offices.unitDir]);
    expect(invalid.code).toBe(ExitCode.InvalidInput);
    expect(JSON.parse(invalid.stdout).error.code).toBe('SEND_VALIDATION_FAILED');
  });

  it('refuses send with both files and --dir', async () => {
    expect((await run(['--home', offices.plannerHome, 'send', 'a.CSV', '--dir', 'x'])).code).toBe(
      ExitCode.Usage,
    );
  });
});
