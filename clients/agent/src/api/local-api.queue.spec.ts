// The queued send of the local API (`renkei watch --api`, `Prefer: respond-async`): the API stages into a real
// Watcher's outbox (the watch/testing fake platform behind it) and answers from it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDirection, generateUnit, SendUnitType } from '@renkei/careplan';
import { OpenApiResponseChecker } from '@renkei/testing';
import { openSession, Session } from '../agent.context';
import { AgentError } from '../agent.errors';
import { PLANNER, PROVIDER, setUpOffices, testContext, TestOffices } from '../testing/offices';
import { OutboxStore } from '../watch/outbox.store';
import { FakePlatform } from '../watch/testing/fake-platform';
import { WatchClient, Watcher, WatcherOptions } from '../watch/watcher';
import { ApiError, ApiErrorCode } from './api.errors';
import { LOCAL_API_DOCUMENT } from './api.openapi';
import { ApiServer, startApiServer } from './local-api.server';
import { LocalApiService, UnitFileInput } from './local-api.service';

const NO_WAIT = { initialMs: 1, maxMs: 1 };
const TOKEN = 'Q'.repeat(43);

describe('local API queued send (renkei watch --api)', () => {
  let dir: string;
  let offices: TestOffices;
  let session: Session;
  let platform: FakePlatform;
  let work: string;
  let files: UnitFileInput[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-api-queue-'));
    offices = await setUpOffices(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    work = mkdtempSync(join(dir, 'case-'));
    platform = new FakePlatform(offices.ca);
    platform.publish(PLANNER.officeNumber, offices.planner.certificatePem);
    platform.publish(PROVIDER.officeNumber, offices.provider.certificatePem);
    session = await openSession(testContext({ home: offices.plannerHome }));
    files = offices.unit.files.map((f) => ({ name: f.fileName, content: f.bytes }));
  });

  const folders = () => ({
    exportDir: join(work, 'export'),
    importDir: join(work, 'import'),
    archiveDir: join(work, 'archive'),
    rejectedDir: join(work, 'rejected'),
    queueDir: join(work, 'queue'),
  });

  function watcher(extra: Partial<WatcherOptions> = {}, client?: WatchClient): Watcher {
    return new Watcher(session.profile, client ?? platform.clientFor(PLANNER), {
      ...folders(),
      once: true,
      settleMs: 0,
      backoff: NO_WAIT,
      push: false,
      ...extra,
    });
  }

  const serviceWith = (queue?: Watcher) =>
    new LocalApiService(testContext({ home: offices.plannerHome }), session, { queue });

  /** a fresh Idempotency-Key per case: the profile (and its journal) is shared */
  let keys = 0;
  const newKey = () => `queue-key-${process.pid}-${(keys += 1)}-${Date.now()}`;

  it('queues while the platform is down (staged, lastError after a pass), delivers once when it is up', async () => {
    const w = watcher();
    const api = serviceWith(w);
    const key = newKey();
    platform.down = true;

    const queued = await api.queueUnit(key, files);

    expect(queued).toEqual({
      status: 202,
      body: {
        unit: expect.any(String),
        state: 'staged',
        fileSequence: '20261124053000',
        recipient: PROVIDER,
      },
    });
    const unitKey = queued.body.unit;
    expect(await w.run()).toMatchObject({ sent: 0, pendingOutbox: 1, waitingOn: 'PLATFORM_UNREACHABLE' });
    const waiting = await api.getQueued(unitKey);
    expect(waiting).toMatchObject({
      unit: unitKey,
      state: 'staged',
      attempts: 1,
      nextAttemptAt: expect.any(String),
      lastError: { code: 'PLATFORM_UNREACHABLE' },
      files: files.map((f) => f.name).sort(),
    });
    expect((await api.listQueued()).items.map((u) => u.unit)).toEqual([unitKey]);
    expect(await api.queueUnit(key, files)).toEqual({ status: 200, body: queued.body });

    platform.down = false;
    expect(await watcher().run()).toMatchObject({ sent: 1, archived: 1, pendingOutbox: 0 });

    expect(platform.posts).toHaveLength(1);
    const [envelopeId] = platform.posts;
    const done = await api.getQueued(unitKey);
    expect(done).toMatchObject({ unit: unitKey, state: 'archived', envelopeId, attempts: 0 });
    expect(done.lastError).toBeUndefined();
    // no export files: the staged copies are archived under the envelope id
    for (const file of files) {
      expect(readFileSync(join(folders().archiveDir, envelopeId, file.name))).toEqual(
        Buffer.from(file.content),
      );
    }
    expect((await api.listQueued()).items).toEqual([]);
    // the same key again: the same unit, now archived; another key for it: already sent, nothing queued
    expect(await api.queueUnit(key, files)).toEqual({
      status: 200,
      body: { ...queued.body, state: 'archived', envelopeId },
    });
    await expect(api.queueUnit(newKey(), files)).rejects.toMatchObject({
      status: 409,
      code: 'UNIT_ALREADY_SENT',
    });
    expect(await watcher().run()).toMatchObject({ sent: 0 });
    expect(platform.posts).toHaveLength(1);
  });

  it('a running watcher is woken by a queued unit and sends it at once', async () => {
    const w = watcher({ once: false, scanIntervalMs: 60_000, pollIntervalMs: 60_000 });
    const api = serviceWith(w);
    const running = w.run();
    try {
      // the first pass has looked at the inbox: the loop is (about to be) pausing for a minute
      while (platform.listings.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const queued = await api.queueUnit(newKey(), files);
      const deadline = Date.now() + 10_000;
      let state = queued.body.state;
      while (state !== 'archived' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        state = (await api.getQueued(queued.body.unit)).state;
      }
      expect(state).toBe('archived');
      expect(platform.posts).toHaveLength(1);
    } finally {
      w.stop();
      await running;
    }
  });

  it('the same key with other content is IDEMPOTENCY_KEY_REUSED; nothing more is queued', async () => {
    const w = watcher();
    const api = serviceWith(w);
    const key = newKey();
    await api.queueUnit(key, files);
    const other = generateUnit({
      seed: 9,
      direction: FileDirection.FromPlanner,
      month: '202611',
      type: SendUnitType.ServiceUsagePlan,
      planner: PLANNER,
      provider: PROVIDER,
      sequence: '20261124060000',
    }).files.map((f) => ({ name: f.fileName, content: f.bytes }));

    await expect(api.queueUnit(key, other)).rejects.toMatchObject({
      status: 409,
      code: ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
    });
    expect((await w.queuedUnits()).map((u) => u.fileSequence)).toEqual(['20261124053000']);
    // and a synchronous send with a queued key is refused rather than sending it a second way
    await expect(serviceWith(w).sendUnit(key, files)).rejects.toMatchObject({
      status: 409,
      code: ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
    });
  });

  it('checks the files as a synchronous send does: nothing queued, no journal entry', async () => {
    const w = watcher();
    const api = serviceWith(w);
    const key = newKey();
    const broken = files.map((f, i) => (i === 0 ? { ...f, content: new Uint8Array([0x41, 0x2c]) } : f));

    await expect(api.queueUnit(key, broken)).rejects.toMatchObject({ code: 'SEND_VALIDATION_FAILED' });
    await expect(api.queueUnit(undefined, files)).rejects.toMatchObject({
      status: 400,
      code: ApiErrorCode.IDEMPOTENCY_KEY_REQUIRED,
    });
    expect(await w.queuedUnits()).toEqual([]);
    expect(await api.journal.read(key)).toBeUndefined();
  });

  it('an unknown unit key is 404 QUEUED_UNIT_NOT_FOUND', async () => {
    const api = serviceWith(watcher());
    for (const unitKey of ['20261124053000_1310000004-43_1320000001-11', '../etc', '']) {
      await expect(api.getQueued(unitKey)).rejects.toMatchObject({
        status: 404,
        code: ApiErrorCode.QUEUED_UNIT_NOT_FOUND,
      });
    }
  });

  it('without a watcher (plain renkei api) respond-async and the queue routes are 409 QUEUE_NOT_AVAILABLE', async () => {
    const api = serviceWith(undefined);
    for (const call of [
      () => api.queueUnit(newKey(), files),
      () => api.getQueued('x'),
      () => api.listQueued(),
    ]) {
      const error = (await call().catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect({ status: error.status, code: error.code }).toEqual({
        status: 409,
        code: ApiErrorCode.QUEUE_NOT_AVAILABLE,
      });
      expect(error.message).toContain('renkei watch --api');
    }
  });

  it('a queued unit the platform refuses is refused with its code, its files in rejected/<key>/ with 理由.txt', async () => {
    const client = platform.clientFor(PLANNER);
    const refusing: WatchClient = {
      ...client,
      postEnvelope: () =>
        Promise.reject(new AgentError('SEND_UNIT_INVALID', 'not a legal send unit', 4, { status: 422 })),
    };
    const w = watcher({}, refusing);
    const api = serviceWith(w);
    const queued = await api.queueUnit(newKey(), files);

    expect(await w.run()).toMatchObject({ sent: 0, rejected: 1, pendingOutbox: 0 });

    expect(await api.getQueued(queued.body.unit)).toMatchObject({
      state: 'refused',
      refusal: { code: 'SEND_UNIT_INVALID' },
    });
    const rejected = join(folders().rejectedDir, queued.body.unit);
    expect(readdirSync(rejected).sort()).toEqual([...files.map((f) => f.name), '理由.txt'].sort());
    for (const file of files) {
      expect(readFileSync(join(rejected, file.name))).toEqual(Buffer.from(file.content));
    }
    expect(readFileSync(join(rejected, '理由.txt'), 'utf8')).toContain('SEND_UNIT_INVALID');
    expect(platform.posts).toEqual([]);
  });

  it('a unit still queued handed over again (a crash between staging and the journal) is answered, not staged twice', async () => {
    const w = watcher();
    const first = await w.enqueue(files);
    const api = serviceWith(w);

    const answer = await api.queueUnit(newKey(), files);

    expect(first.created).toBe(true);
    expect(answer).toEqual({
      status: 200,
      body: expect.objectContaining({ unit: first.unit.key, state: 'staged' }),
    });
    const store = new OutboxStore(folders().queueDir);
    expect((await store.load()).map((u) => u.key)).toEqual([first.unit.key]);
  });

  describe('over HTTP', () => {
    let server: ApiServer;
    const checker = new OpenApiResponseChecker(LOCAL_API_DOCUMENT);
    afterEach(() => server.close());

    async function post(port: number, key: string, prefer?: string) {
      const response = await fetch(`http://127.0.0.1:${port}/v1/units`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': key,
          ...(prefer ? { prefer } : {}),
        },
        body: JSON.stringify({
          files: files.map((f) => ({
            name: f.name,
            contentBase64: Buffer.from(f.content).toString('base64'),
          })),
        }),
      });
      const body = (await response.json()) as Record<string, unknown>;
      expect(checker.check('POST', '/v1/units', response.status, 'application/json', body)).toEqual([]);
      return { response, body };
    }

    it('answers 202 with Preference-Applied and Location, and GET /v1/queue/{unitKey} gives the state', async () => {
      const w = watcher();
      server = await startApiServer({ api: serviceWith(w), token: TOKEN, port: 0, log: () => undefined });
      platform.down = true;

      const { response, body } = await post(server.port, newKey(), 'wait=5, respond-async');

      expect(response.status).toBe(202);
      expect(response.headers.get('preference-applied')).toBe('respond-async');
      expect(response.headers.get('location')).toBe(`/v1/queue/${body.unit as string}`);
      expect(platform.posts).toEqual([]);
      const state = await fetch(`http://127.0.0.1:${server.port}${response.headers.get('location')}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const stateBody = (await state.json()) as Record<string, unknown>;
      expect(state.status).toBe(200);
      expect(stateBody).toMatchObject({ unit: body.unit, state: 'staged', attempts: 0 });
      expect(checker.check('GET', '/v1/queue/{unitKey}', 200, 'application/json', stateBody)).toEqual([]);
      const list = await fetch(`http://127.0.0.1:${server.port}/v1/queue`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const listBody = await list.json();
      expect(checker.check('GET', '/v1/queue', 200, 'application/json', listBody)).toEqual([]);
      const missing = await fetch(`http://127.0.0.1:${server.port}/v1/queue/nothing_here`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: ApiErrorCode.QUEUED_UNIT_NOT_FOUND });
    });

    it('plain renkei api answers respond-async with 409 QUEUE_NOT_AVAILABLE and sends nothing', async () => {
      server = await startApiServer({
        api: serviceWith(undefined),
        token: TOKEN,
        port: 0,
        log: () => undefined,
      });

      const { response, body } = await post(server.port, newKey(), 'respond-async');

      expect(response.status).toBe(409);
      expect(body).toMatchObject({ code: ApiErrorCode.QUEUE_NOT_AVAILABLE });
      expect(response.headers.get('preference-applied')).toBeNull();
      expect(existsSync(folders().queueDir)).toBe(false);
    });
  });
});
