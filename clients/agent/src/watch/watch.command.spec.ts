import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDirection, generateUnit, SendUnitType } from '@renkei/careplan';
import { ExitCode } from '../agent.errors';
import type { ApiLogEntry } from '../api/local-api.server';
import { runCli } from '../cli';
import type { ApiListening } from '../commands/api.command';
import { watch } from '../commands/watch.command';
import { fakeFetch } from '../testing/fake-fetch';
import { PLANNER, PROVIDER, setUpOffices, TEST_ENV, testContext, TestOffices } from '../testing/offices';

const LOG_FIELDS = new Set([
  'time',
  'level',
  'event',
  'unit',
  'envelopeId',
  'fileSequence',
  'files',
  'code',
  'attempt',
  'retryInMs',
]);

describe('renkei watch (CLI)', () => {
  let dir: string;
  let offices: TestOffices;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-watch-cli-'));
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
    return { code, stdout: out.join('\n'), stderr: err };
  }

  it('--once with the platform down keeps the unit queued, logs English JSON lines and exits 5', async () => {
    const exportDir = join(dir, 'offline', 'export');
    const importDir = join(dir, 'offline', 'import');
    mkdirSync(exportDir, { recursive: true });
    cpSync(offices.unitDir, exportDir, { recursive: true });
    const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });
    const args = [
      '--home',
      offices.plannerHome,
      '--json',
      'watch',
      '--export',
      exportDir,
      '--import',
      importDir,
    ];

    const result = await run([...args, '--once', '--settle-ms', '0'], down.fetch);

    expect(result.code).toBe(ExitCode.Unreachable);
    expect(JSON.parse(result.stdout)).toMatchObject({
      profile: PLANNER.officeNumber,
      sent: 0,
      pendingOutbox: 1,
      waitingOn: 'PLATFORM_UNREACHABLE',
    });
    const lines = result.stderr.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l['event'])).toEqual(['unit.staged', 'unit.retry', 'inbox.retry']);
    for (const line of lines) for (const key of Object.keys(line)) expect(LOG_FIELDS.has(key)).toBe(true);
    // the export files stay until the unit is sent
    expect(readdirSync(exportDir).filter((n) => n.endsWith('.CSV'))).toHaveLength(offices.unit.files.length);
  });

  it("two profiles sharing an export folder: each watcher leaves the other profile's units alone", async () => {
    // one home with both offices' profiles (a corporation running a 居宅 and a 訪問介護 on one care system)
    const home = join(dir, 'shared-home');
    cpSync(join(offices.plannerHome, 'profiles'), join(home, 'profiles'), { recursive: true });
    cpSync(join(offices.providerHome, 'profiles'), join(home, 'profiles'), { recursive: true });
    const exportDir = join(dir, 'shared', 'export');
    mkdirSync(exportDir, { recursive: true });
    const theirs = generateUnit({
      seed: 12,
      direction: FileDirection.FromProvider,
      month: '202611',
      type: SendUnitType.Actual,
      planner: PLANNER,
      provider: PROVIDER,
      sequence: '20261124060000',
    });
    for (const file of theirs.files) writeFileSync(join(exportDir, file.fileName), file.bytes);
    const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });

    const result = await run(
      [
        ...['--home', home, '--profile', PLANNER.officeNumber, '--json', 'watch'],
        ...['--export', exportDir, '--import', join(dir, 'shared', 'import'), '--once', '--settle-ms', '0'],
      ],
      down.fetch,
    );

    const events = result.stderr.map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toContain('unit.skipped');
    expect(events).not.toContain('unit.rejected');
    expect(events).not.toContain('unit.staged');
    expect(JSON.parse(result.stdout)).toMatchObject({ rejected: 0 });
    expect(
      readdirSync(exportDir)
        .filter((n) => n.endsWith('.CSV'))
        .sort(),
    ).toEqual(theirs.files.map((f) => f.fileName).sort());
  });

  it('refuses a second watcher on the same profile (exit 4, WATCH_LOCKED)', async () => {
    const queue = join(offices.plannerHome, 'profiles', PLANNER.officeNumber, 'watch');
    mkdirSync(queue, { recursive: true });
    // the parent of this test process: alive
    writeFileSync(join(queue, 'watch.lock'), `${process.ppid}\n`);
    try {
      const result = await run([
        '--home',
        offices.plannerHome,
        '--json',
        'watch',
        '--export',
        join(dir, 'locked', 'export'),
        '--import',
        join(dir, 'locked', 'import'),
        '--once',
      ]);

      expect(result.code).toBe(ExitCode.Refused);
      expect(JSON.parse(result.stdout).error.code).toBe('WATCH_LOCKED');
    } finally {
      rmSync(join(queue, 'watch.lock'), { force: true });
    }
  });

  it('--api serves the local API in the watch process: a queued unit is staged while the platform is down; a stop ends both', async () => {
    const home = join(dir, 'api-home');
    cpSync(offices.plannerHome, home, { recursive: true });
    // not the queue other cases left behind
    rmSync(join(home, 'profiles', PLANNER.officeNumber, 'watch'), { recursive: true, force: true });
    const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });
    const stop = new AbortController();
    const logs: ApiLogEntry[] = [];
    let listening!: (value: ApiListening) => void;
    const listened = new Promise<ApiListening>((resolve) => (listening = resolve));
    const running = watch(testContext({ home, fetch: down.fetch }), {
      exportDir: join(dir, 'api', 'export'),
      importDir: join(dir, 'api', 'import'),
      settleMs: 0,
      scanMs: 50,
      signal: stop.signal,
      api: { port: '0', log: (e) => logs.push(e), onListening: listening },
    });
    try {
      const { url, tokenFile, profile } = await listened;
      const token = readFileSync(tokenFile, 'utf8').trim();
      const body = JSON.stringify({
        files: offices.unit.files.map((f) => ({
          name: f.fileName,
          contentBase64: Buffer.from(f.bytes).toString('base64'),
        })),
      });
      const post = () =>
        fetch(`${url}/v1/units`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': 'watch-api-1',
            prefer: 'respond-async',
          },
          body,
        });

      const answer = await post();
      const queued = (await answer.json()) as { unit: string; state: string };
      expect(profile).toBe(PLANNER.officeNumber);
      expect(answer.status).toBe(202);
      expect(queued.state).toBe('staged');
      // the loop tried (platform down): the unit waits with the failure recorded
      let state: Record<string, unknown> = {};
      for (let i = 0; i < 200 && state['lastError'] === undefined; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        const got = await fetch(`${url}${answer.headers.get('location')}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        state = (await got.json()) as Record<string, unknown>;
      }
      expect(state).toMatchObject({ state: 'staged', lastError: { code: 'PLATFORM_UNREACHABLE' } });
      expect((await post()).status).toBe(200);

      stop.abort();
      const result = await running;

      expect(result).toMatchObject({ sent: 0, pendingOutbox: 1, apiPort: Number(new URL(url).port) });
      expect(logs.map((e) => e.event)).toEqual(expect.arrayContaining(['request', 'stopping', 'stopped']));
      await expect(fetch(`${url}/v1/queue`)).rejects.toThrow();
      // the lock is released: a later watcher may run
      expect(existsSync(join(home, 'profiles', PLANNER.officeNumber, 'watch', 'watch.lock'))).toBe(false);
    } finally {
      stop.abort();
      await running.catch(() => undefined);
    }
  });

  it('usage errors: --api with --once, --api-port without --api, a bad --api-port', async () => {
    const base = ['--home', offices.plannerHome, 'watch', '--export', 'x', '--import', 'y'];
    for (const extra of [
      ['--api', '--once'],
      ['--api-port', '0'],
      ['--api', '--api-port', 'x'],
    ]) {
      const result = await run([...base, ...extra]);
      expect(result.code).toBe(ExitCode.Usage);
    }
  });

  it('usage errors: a missing folder, a bad interval, the same folder twice', async () => {
    const base = ['--home', offices.plannerHome, 'watch'];
    expect((await run([...base, '--export', 'x'])).code).toBe(ExitCode.Usage);
    expect((await run([...base, '--export', 'x', '--import', 'y', '--settle-ms', '5s'])).code).toBe(
      ExitCode.Usage,
    );
    expect((await run([...base, '--export', 'x', '--import', 'x'])).code).toBe(ExitCode.Usage);
  });
});
