// The agent's local REST API (`renkei api`) between two offices on a standalone platform: office A's care
// software sends a unit through A's API (retried with the same Idempotency-Key: one envelope on the platform),
// office B's lists what it received and fetches it through B's API (files byte-identical, receipt recorded),
// and A sees the unit receipted. Calls without the token are refused.
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  AGENT_BIN,
  AgentCli,
  planUnit,
  PlatformUnderTest,
  startStandalonePlatform,
  waitUntilLicensed,
  type AgentOffice,
} from '@renkei/harness';
import { OpenApiResponseChecker, openApiProblems } from '@renkei/testing';

const A = { officeNumber: '1310000011', serviceType: '43' };
const B = { officeNumber: '1310000029', serviceType: '11' };

type Office = AgentOffice;

interface RunningApi {
  readonly process: ChildProcess;
  readonly url: string;
  readonly token: string;
  readonly tokenFile: string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('agent local API (standalone)', () => {
  let platform: PlatformUnderTest;
  let work: string;
  let a: Office;
  let b: Office;
  let apiA: RunningApi;
  let apiB: RunningApi;
  let checker: OpenApiResponseChecker;
  let cli: AgentCli;

  async function office(party: Office['party']): Promise<Office> {
    const created = await cli.enrol(platform.devCa, party, {
      keyType: party.serviceType === '43' ? 'rsa' : 'ec',
      register: false,
    });
    expect(await cli.json(created, ['register'])).toMatchObject({ state: 'active' });
    return created;
  }

  /** `renkei api --port 0 --json` as `office`, once it says where it listens */
  function startApi(who: Office): Promise<RunningApi> {
    const child = spawn(process.execPath, [AGENT_BIN, '--home', who.home, '--json', 'api', '--port', '0'], {
      cwd: work,
      env: cli.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`renkei api did not start:\n${err}`)), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString('utf8');
        for (const line of err.split('\n')) {
          if (!line.includes('"listening"')) continue;
          const listening = JSON.parse(line) as { url: string; tokenFile: string };
          clearTimeout(timer);
          void readFile(listening.tokenFile, 'utf8').then((token) =>
            resolve({
              process: child,
              url: listening.url,
              token: token.trim(),
              tokenFile: listening.tokenFile,
              stderr: () => err,
              exited,
            }),
          );
          return;
        }
      });
      void exited.then((code) => reject(new Error(`renkei api exited ${code}:\n${err}`)));
    });
  }

  async function call(
    api: RunningApi,
    method: string,
    route: string,
    options: { token?: string | null; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const token = options.token === undefined ? api.token : options.token;
    const response = await fetch(`${api.url}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
    });
    const body = (await response.json()) as Record<string, unknown>;
    const documented = route.split('?')[0].replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, '{envelopeId}');
    expect(checker.check(method, documented, response.status, 'application/json', body)).toEqual([]);
    return { status: response.status, body };
  }

  async function storedEnvelopes(): Promise<number> {
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ n: string }>('select count(*) as n from intake.envelope');
      return Number(rows.rows[0].n);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'renkei-e2e-api-'));
    platform = await startStandalonePlatform();
    cli = new AgentCli({ cwd: work, platformEnv: platform.agentEnv, env: { RENKEI_SECRET_STORE: 'none' } });
    a = await office(A);
    b = await office(B);
    await waitUntilLicensed(platform, [A.officeNumber, B.officeNumber]);
    [apiA, apiB] = await Promise.all([startApi(a), startApi(b)]);
    const document = (await (await fetch(`${apiA.url}/openapi.json`)).json()) as Record<string, unknown>;
    checker = new OpenApiResponseChecker(document as never);
    expect(openApiProblems(document as never)).toEqual([]);
  });

  afterAll(async () => {
    for (const api of [apiA, apiB]) if (api && api.process.exitCode === null) api.process.kill('SIGKILL');
    await platform?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('keeps the token in the profile, 0600, and refuses calls without it', async () => {
    expect(apiA.tokenFile).toBe(path.join(a.home, 'profiles', A.officeNumber, 'api-token'));
    expect(apiA.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(apiA.tokenFile)).mode & 0o777).toBe(0o600);
    const without = await call(apiA, 'GET', '/v1/status', { token: null });
    expect({ status: without.status, code: without.body['code'] }).toEqual({
      status: 401,
      code: 'API_TOKEN_REQUIRED',
    });
    const wrong = await call(apiA, 'GET', '/v1/status', { token: apiB.token });
    expect({ status: wrong.status, code: wrong.body['code'] }).toEqual({
      status: 401,
      code: 'API_TOKEN_INVALID',
    });
    const status = await call(apiA, 'GET', '/v1/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      officeNumber: A.officeNumber,
      certificate: { expiry: 'ok' },
      platform: { reachable: true, licence: { state: 'active' }, problems: [] },
    });
  });

  it('sends a unit through A, retried with the same key (one envelope), fetched byte-identical through B', async () => {
    const unit = planUnit({ seed: 77, sender: A, recipient: B, users: 2 });
    const body = {
      files: unit.files.map((f) => ({
        name: f.fileName,
        contentBase64: Buffer.from(f.bytes).toString('base64'),
      })),
    };
    const key = randomUUID();
    const before = await storedEnvelopes();

    const sent = await call(apiA, 'POST', '/v1/units', { json: body, headers: { 'idempotency-key': key } });
    const retried = await call(apiA, 'POST', '/v1/units', {
      json: body,
      headers: { 'idempotency-key': key },
    });

    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({
      status: 'accepted',
      acceptanceReceipt: { verified: true },
      recipient: B,
    });
    const envelopeId = sent.body['envelopeId'] as string;
    expect(retried).toEqual({ status: 200, body: sent.body });
    expect(await storedEnvelopes()).toBe(before + 1);
    const reused = await call(apiA, 'POST', '/v1/units', {
      json: { files: body.files.slice(0, 1) },
      headers: { 'idempotency-key': key },
    });
    expect({ status: reused.status, code: reused.body['code'] }).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });

    let received: Answer = { status: 0, body: {} };
    for (let i = 0; i < 60; i++) {
      received = await call(apiB, 'GET', '/v1/received?status=available');
      if (JSON.stringify(received.body).includes(envelopeId)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((received.body['items'] as { envelopeId: string }[]).map((i) => i.envelopeId)).toContain(
      envelopeId,
    );

    const fetched = await call(apiB, 'POST', `/v1/received/${envelopeId}/fetch`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({
      envelopeId,
      sender: A,
      receipt: { state: 'recorded', verdict: 'accepted' },
    });
    const files = fetched.body['files'] as { name: string; contentBase64: string }[];
    expect(files.map((f) => f.name).sort()).toEqual(unit.files.map((f) => f.fileName).sort());
    for (const file of unit.files) {
      const got = files.find((f) => f.name === file.fileName);
      expect(Buffer.compare(Buffer.from(got?.contentBase64 ?? '', 'base64'), file.bytes)).toBe(0);
    }

    let status: Answer = { status: 0, body: {} };
    for (let i = 0; i < 40 && status.body['status'] !== 'receipted'; i++) {
      status = await call(apiA, 'GET', `/v1/units/${envelopeId}`);
      if (status.body['status'] !== 'receipted') await new Promise((r) => setTimeout(r, 250));
    }
    const timeline = status.body['timeline'] as { step: string }[];
    expect(timeline.map((s) => s.step)).toEqual(['accepted', 'available', 'downloaded', 'receipted']);
    const sentList = await call(apiA, 'GET', '/v1/sent?limit=100');
    expect((sentList.body['items'] as { envelopeId: string }[]).map((i) => i.envelopeId)).toContain(
      envelopeId,
    );
    const again = await call(apiB, 'POST', `/v1/received/${envelopeId}/fetch`);
    expect(again.body).toMatchObject({ receipt: { state: 'already-recorded' } });
    expect((await call(apiB, 'GET', '/v1/received?status=downloaded')).body['items']).toEqual(
      expect.arrayContaining([expect.objectContaining({ envelopeId })]),
    );
  });

  it('answers 422 with the problems for files that fail the check, sending nothing', async () => {
    const before = await storedEnvelopes();
    const answer = await call(apiA, 'POST', '/v1/units', {
      json: {
        files: [{ name: 'NOT_A_CAREPLAN.CSV', contentBase64: Buffer.from('x\r\n').toString('base64') }],
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect({ status: answer.status, code: answer.body['code'] }).toEqual({
      status: 422,
      code: 'SEND_VALIDATION_FAILED',
    });
    expect((answer.body['details'] as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
    expect(await storedEnvelopes()).toBe(before);
  });

  it('renkei watch --api queues a unit while the platform is down (202) and delivers it once when it is back', async () => {
    const dirs = { export: path.join(work, 'queued', 'export'), import: path.join(work, 'queued', 'import') };
    const watcher = cli.start(a, [
      ...['watch', '--export', dirs.export, '--import', dirs.import, '--scan-ms', '200', '--poll-ms', '1500'],
      ...['--api', '--api-port', '0'],
    ]);
    try {
      let listening: { url: string; tokenFile: string } | undefined;
      for (let i = 0; i < 200 && !listening; i++) {
        const line = watcher
          .output()
          .split('\n')
          .find((l) => l.includes('"event":"listening"'));
        if (line) listening = JSON.parse(line.slice(line.indexOf('{'))) as typeof listening;
        else await new Promise((r) => setTimeout(r, 100));
      }
      if (!listening) throw new Error(`renkei watch --api did not listen:\n${watcher.output()}`);
      const { url } = listening;
      const token = (await readFile(listening.tokenFile, 'utf8')).trim();
      const unit = planUnit({ seed: 78, sender: A, recipient: B, sequence: '20261230235900' });
      const body = JSON.stringify({
        files: unit.files.map((f) => ({
          name: f.fileName,
          contentBase64: Buffer.from(f.bytes).toString('base64'),
        })),
      });
      const key = randomUUID();
      const send = () =>
        fetch(`${url}/v1/units`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
            prefer: 'respond-async',
          },
          body,
        });
      const stateOf = async (location: string): Promise<Record<string, unknown>> => {
        const answer = await fetch(`${url}${location}`, { headers: { authorization: `Bearer ${token}` } });
        const state = (await answer.json()) as Record<string, unknown>;
        expect(answer.status).toBe(200);
        expect(checker.check('GET', '/v1/queue/{unitKey}', 200, 'application/json', state)).toEqual([]);
        return state;
      };
      const before = await storedEnvelopes();

      await platform.down();
      const queued = await send();
      const queuedBody = (await queued.json()) as Record<string, unknown>;
      expect(queued.status).toBe(202);
      expect(checker.check('POST', '/v1/units', 202, 'application/json', queuedBody)).toEqual([]);
      expect(queued.headers.get('preference-applied')).toBe('respond-async');
      expect(queuedBody).toMatchObject({ state: 'staged', fileSequence: '20261230235900', recipient: B });
      const location = queued.headers.get('location') as string;
      expect(location).toBe(`/v1/queue/${queuedBody['unit'] as string}`);
      let state = await stateOf(location);
      for (let i = 0; i < 100 && state['lastError'] === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = await stateOf(location);
      }
      // the watcher tried and waits: still queued, nothing sent
      expect(state).toMatchObject({ state: 'staged', lastError: { code: 'PLATFORM_UNREACHABLE' } });
      expect((await send()).status).toBe(200);

      await platform.up();
      for (let i = 0; i < 450 && state['state'] !== 'archived'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = await stateOf(location);
      }
      expect(state).toMatchObject({ state: 'archived', envelopeId: expect.any(String) });
      expect(await storedEnvelopes()).toBe(before + 1);
      const again = await send();
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ state: 'archived', envelopeId: state['envelopeId'] });
      expect(await storedEnvelopes()).toBe(before + 1);
    } finally {
      await platform.up();
      expect(await watcher.stop()).toBe(0);
    }
    expect(watcher.output()).toContain('"event":"stopped"');
  }, 90_000);

  it('stops on SIGTERM with exit 0, never having logged the token', async () => {
    for (const api of [apiA, apiB]) {
      api.process.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      expect(api.stderr()).not.toContain(api.token);
      expect(api.stderr()).toContain('"event":"stopped"');
    }
  });
});
