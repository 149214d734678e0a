import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { ExitCode } from '../agent.errors';
import { runCli } from '../cli';
import type { OwnOffice } from '../platform-client';
import { saveTestProfile, TEST_ENV, testContext } from '../testing/offices';
import { authRoutes, fakeFetch, FakeRoute } from '../testing/fake-fetch';
import { InboxEntry, InboxFailureRecord, InboxJournal, InboxMark } from '../watch/inbox.journal';
import { OutboxStore, OutboxUnit } from '../watch/outbox.store';
import { officeStatus } from './office-status.command';
import { WatchStatus } from './watch-status';

const DAY_MS = 24 * 60 * 60 * 1000;
const OFFICE = '1310000004';
const NOT_AFTER = new Date(Math.floor((Date.now() + 45 * DAY_MS - 3_600_000) / 1000) * 1000);

function ownOffice(credential: DevCredential, overrides: Partial<OwnOffice> = {}): OwnOffice {
  return {
    officeNumber: OFFICE,
    serviceTypes: ['43'],
    status: 'active',
    certificateSha256: credential.fingerprint,
    version: 1,
    registeredAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    certificate: {
      notAfter: NOT_AFTER.toISOString(),
      daysLeft: 45,
      expiry: 'expiring',
      warning: { raisedAt: new Date(NOT_AFTER.getTime() - 46 * DAY_MS).toISOString(), point: 46 },
      nextWarningAt: new Date(NOT_AFTER.getTime() - 32 * DAY_MS).toISOString(),
    },
    message: '電子証明書の有効期限まであと45日です。更新してください。',
    ...overrides,
  };
}

describe(officeStatus.name, () => {
  let dir: string;
  let home: string;
  let credential: DevCredential;
  const expiresAt = () => new Date(Date.now() + 900_000).toISOString();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-office-status-'));
    home = join(dir, 'office');
    const ca = createDevCa();
    credential = issueOfficeCertificate(ca, {
      officeNumber: OFFICE,
      serviceTypes: ['43'],
      keyType: 'ec',
      notAfter: NOT_AFTER,
    });
    await saveTestProfile(home, {
      settings: {
        version: 1,
        officeNumber: OFFICE,
        serviceTypes: ['43'],
        platformUrl: 'http://platform.test',
        certificateSha256: credential.fingerprint,
        createdAt: new Date().toISOString(),
      },
      certificatePem: credential.certificatePem,
      privateKey: credential.privateKey,
      trustAnchorsPem: ca.certificatePem,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const platform = (me: FakeRoute) => fakeFetch({ ...authRoutes(expiresAt), 'GET /v1/offices/me': me });

  it('reads the expiry from the profile certificate without asking the platform when offline', async () => {
    const { fetch, calls } = platform(() => ({ status: 500 }));

    const sut = await officeStatus(testContext({ home, fetch }), { offline: true });

    expect(sut).toEqual({
      officeNumber: OFFICE,
      serviceTypes: ['43'],
      profile: OFFICE,
      home: join(home, 'profiles', OFFICE),
      platformUrl: 'http://platform.test',
      certificate: {
        sha256: credential.fingerprint,
        notAfter: NOT_AFTER.toISOString(),
        daysLeft: 45,
        expiry: 'expiring',
        message: '電子証明書の有効期限まであと45日です。更新してください。',
      },
      platform: { state: 'offline' },
      watch: { configured: false },
    });
    expect(calls).toEqual([]);
  });

  it("adds the platform's view of the office from GET /v1/offices/me", async () => {
    const office = ownOffice(credential);
    const { fetch, calls } = platform(() => ({ status: 200, json: office }));

    const sut = await officeStatus(testContext({ home, fetch }));

    expect(sut.platform).toEqual({ state: 'ok', office, sameCertificate: true });
    expect(calls.at(-1)).toMatchObject({
      method: 'GET',
      url: 'http://platform.test/v1/offices/me',
      headers: { authorization: 'Bearer token-1' },
    });
  });

  it('notices when the platform holds another certificate than the profile', async () => {
    const { fetch } = platform(() => ({
      status: 200,
      json: ownOffice(credential, { certificateSha256: 'f'.repeat(64) }),
    }));

    const sut = await officeStatus(testContext({ home, fetch }));

    expect(sut.platform).toMatchObject({ state: 'ok', sameCertificate: false });
  });

  it('still answers when the platform is unreachable or refuses, saying why', async () => {
    const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });
    const unregistered = platform(() => ({
      status: 404,
      json: { code: 'OFFICE_NOT_FOUND', message: 'this office has not published a certificate' },
    }));

    const offline = await officeStatus(testContext({ home, fetch: down.fetch }));
    const refused = await officeStatus(testContext({ home, fetch: unregistered.fetch }));

    expect(offline.platform).toEqual({
      state: 'unreachable',
      error: {
        code: 'PLATFORM_UNREACHABLE',
        message: expect.stringContaining('プラットフォームに接続できません'),
      },
    });
    expect(refused.platform).toEqual({
      state: 'refused',
      error: { code: 'OFFICE_NOT_FOUND', message: expect.stringContaining('OFFICE_NOT_FOUND') },
    });
    expect(offline.certificate.expiry).toBe('expiring');
  });

  describe('the local renkei watch queue', () => {
    const MINUTE = 60_000;
    const HOUR = 60 * MINUTE;
    const PROVIDER = { officeNumber: '1320000001', serviceType: '11' };
    let queueDir: string;
    let t0: number;
    const ago = (ms: number) => new Date(t0 - ms);
    const keyOf = (sequence: string) => `${sequence}_${OFFICE}-43_${PROVIDER.officeNumber}-11`;
    const statusNow = async () =>
      (await officeStatus(testContext({ home }), { offline: true, now: new Date(t0) })).watch;
    const configured = (w: WatchStatus) => {
      if (!w.configured) throw new Error('expected a configured watch queue');
      return w;
    };

    beforeEach(() => {
      queueDir = join(home, 'profiles', OFFICE, 'watch');
      t0 = Date.now();
    });
    afterEach(() => rmSync(queueDir, { recursive: true, force: true }));

    async function unit(sequence: string, stagedAgo: number, changes: Partial<OutboxUnit> = {}) {
      const store = new OutboxStore(queueDir);
      await store.init();
      const staged = await store.stage(
        {
          key: keyOf(sequence),
          fileSequence: sequence,
          kind: 'plan',
          targetMonth: '202612',
          sender: { officeNumber: OFFICE, serviceType: '43' },
          recipient: PROVIDER,
        },
        [{ name: `${sequence}.csv`, mediaType: 'text/csv', content: new TextEncoder().encode('x') }],
        ago(stagedAgo),
      );
      await store.save({ ...staged, ...changes });
    }

    async function arrival(envelopeId: string, state: InboxEntry['state'], receivedAgo: number) {
      const journal = new InboxJournal(queueDir);
      await journal.init();
      await journal.save({
        version: 1,
        envelopeId,
        state,
        sender: PROVIDER,
        recipient: { officeNumber: OFFICE, serviceType: '43' },
        fileSequence: `2026120${envelopeId.slice(-1)}100000`,
        kind: 'actual',
        manifestSha256: 'a'.repeat(64),
        receivedAt: ago(receivedAgo).toISOString(),
        files: [],
      });
    }

    const lock = (pid: number) => writeFileSync(join(queueDir, 'watch.lock'), `${pid}\n`);
    /** a pid whose process has exited (and was reaped) */
    const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid as number;
    const unreachable = {
      code: 'PLATFORM_UNREACHABLE',
      message: 'プラットフォームに接続できません (platform unreachable)',
    };

    /** a month of traffic: stuck, retrying, blocked, refused, done; imports in each state; the mark at 7 */
    async function busyQueue() {
      await unit('20261201090000', 26 * HOUR, {
        state: 'archived',
        archivedAt: ago(25 * HOUR).toISOString(),
      });
      await unit('20261201091000', 10 * 24 * HOUR, {
        state: 'refused',
        refusedAt: ago(8 * 24 * HOUR).toISOString(),
        refusal: { code: 'SEND_UNIT_INVALID', message: 'old refusal' },
      });
      await unit('20261201092000', 2 * 24 * HOUR, {
        state: 'refused',
        refusedAt: ago(2 * 24 * HOUR).toISOString(),
        refusal: { code: 'SEND_UNIT_INVALID', message: '送信単位が正しくありません' },
      });
      // retrying at the post for 3 h 05 min: stalled
      await unit('20261202090000', 4 * HOUR, {
        state: 'sealed',
        envelopeId: '7d3c0d7e-8a3b-4b43-9b8e-1d6c2f0a9e11',
        sealedAt: ago(3 * HOUR + 5 * MINUTE).toISOString(),
        attempts: 9,
        nextAttemptAt: new Date(t0 + 4 * MINUTE).toISOString(),
        lastError: unreachable,
      });
      // sealed 5 h ago but held back behind it (no attempt failed): not stalled
      await unit('20261202091000', 5 * HOUR, {
        state: 'sealed',
        envelopeId: '7d3c0d7e-8a3b-4b43-9b8e-1d6c2f0a9e12',
        sealedAt: ago(5 * HOUR).toISOString(),
      });
      // staged 2 h ago, failing only since it was sealed 30 min ago: not stalled
      await unit('20261202092000', 2 * HOUR, {
        state: 'sealed',
        envelopeId: '7d3c0d7e-8a3b-4b43-9b8e-1d6c2f0a9e13',
        sealedAt: ago(30 * MINUTE).toISOString(),
        attempts: 3,
        nextAttemptAt: new Date(t0 + MINUTE).toISOString(),
        lastError: unreachable,
      });
      // retrying the seal for 50 min: not yet
      await unit('20261202093000', 50 * MINUTE, {
        attempts: 2,
        nextAttemptAt: new Date(t0 + 2 * MINUTE).toISOString(),
        lastError: { code: 'RECIPIENT_UNKNOWN', message: 'recipient unknown' },
      });
      await unit('20261202094000', 20 * MINUTE, { state: 'sent', sentAt: ago(MINUTE).toISOString() });
      await arrival('0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0001', 'receipted', 30 * HOUR);
      await arrival('0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0002', 'rejected', 29 * HOUR);
      await arrival('0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0003', 'imported', 10 * MINUTE);
      await arrival('0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0004', 'importing', 2 * HOUR + 30 * MINUTE);
      await new InboxMark(queueDir).write(7, ago(3 * HOUR));
    }

    it('reports the counts, the waiting units oldest first, the unfinished imports, the mark and a live watcher', async () => {
      await busyQueue();
      lock(process.pid);

      const sut = configured(await statusNow());

      expect(sut.running).toBe(true);
      expect(sut.pid).toBe(process.pid);
      expect(sut.staleLockPid).toBeUndefined();
      expect(sut.outbox.counts).toEqual({ staged: 1, sealed: 3, sent: 1, archived: 1, refused: 2 });
      expect(sut.outbox.waiting.total).toBe(5);
      expect(sut.outbox.waiting.units.map((u) => [u.key, u.state, u.attempts])).toEqual([
        [keyOf('20261202091000'), 'sealed', 0],
        [keyOf('20261202090000'), 'sealed', 9],
        [keyOf('20261202092000'), 'sealed', 3],
        [keyOf('20261202093000'), 'staged', 2],
        [keyOf('20261202094000'), 'sent', 0],
      ]);
      expect(sut.outbox.waiting.units[1]).toEqual({
        key: keyOf('20261202090000'),
        state: 'sealed',
        stagedAt: ago(4 * HOUR).toISOString(),
        attempts: 9,
        nextAttemptAt: new Date(t0 + 4 * MINUTE).toISOString(),
        lastError: unreachable,
      });
      expect(sut.outbox.waiting.units[0]).toMatchObject({ nextAttemptAt: null, lastError: null });
      expect(sut.inbox.counts).toEqual({ importing: 1, imported: 1, receipted: 1, rejected: 1 });
      expect(sut.inbox.waiting).toEqual({
        total: 2,
        entries: [
          {
            envelopeId: '0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0004',
            fileSequence: '20261204100000',
            state: 'importing',
            receivedAt: ago(2 * HOUR + 30 * MINUTE).toISOString(),
          },
          {
            envelopeId: '0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0003',
            fileSequence: '20261203100000',
            state: 'imported',
            receivedAt: ago(10 * MINUTE).toISOString(),
          },
        ],
      });
      expect(sut.inbox.mark).toEqual({ since: 7, updatedAt: ago(3 * HOUR).toISOString() });
      expect(sut.attention).toEqual([
        {
          code: 'WATCH_UNIT_STALLED',
          message: `送信単位 ${keyOf('20261202090000')} が 3 時間 再試行中です (送信待ち、試行 9 回、最後のエラー: [PLATFORM_UNREACHABLE] プラットフォームに接続できません (platform unreachable))`,
        },
        {
          code: 'WATCH_UNIT_REFUSED',
          message: expect.stringContaining(
            `送信単位 ${keyOf('20261201092000')} はプラットフォームに拒否されました`,
          ),
        },
        {
          code: 'WATCH_IMPORT_STALLED',
          message:
            '受信した送信単位 (封筒ID 0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0004、連番 20261204100000) が 2 時間 取込の途中のままです',
        },
      ]);
      expect(sut.attention[1].message).toContain('[SEND_UNIT_INVALID] 送信単位が正しくありません');
    });

    it('says the watcher is not running while units wait, naming a lock left by a watcher that is gone', async () => {
      await unit('20261202093000', 5 * MINUTE);
      await arrival('0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0003', 'imported', 5 * MINUTE);
      const dead = deadPid();
      lock(dead);

      const stale = configured(await statusNow());
      rmSync(join(queueDir, 'watch.lock'));
      const none = configured(await statusNow());

      expect(stale).toMatchObject({ running: false, staleLockPid: dead });
      expect(stale.pid).toBeUndefined();
      expect(stale.attention).toEqual([
        {
          code: 'WATCH_NOT_RUNNING',
          message: `renkei watch が動いていません (前回の watch pid ${dead} は終了しています)。送信待ち 1 件、取込待ち 1 件が処理されません。renkei watch を起動してください`,
        },
      ]);
      expect(none.running).toBe(false);
      expect(none.staleLockPid).toBeUndefined();
      expect(none.attention.map((a) => a.code)).toEqual(['WATCH_NOT_RUNNING']);
    });

    it('says the watcher is not running when only an import waits for its receipt', async () => {
      await arrival('0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0003', 'imported', 5 * MINUTE);

      const sut = configured(await statusNow());

      expect(sut.attention).toEqual([
        {
          code: 'WATCH_NOT_RUNNING',
          message: expect.stringContaining('送信待ち 0 件、取込待ち 1 件が処理されません'),
        },
      ]);
    });

    it('tells why receiving fails: an import conflict at once, anything else once it has lasted an hour', async () => {
      mkdirSync(queueDir, { recursive: true });
      const record = new InboxFailureRecord(queueDir);
      const unreachable = { code: 'PLATFORM_UNREACHABLE', message: 'connect ECONNREFUSED' };
      await record.failed(unreachable, 3, ago(-MINUTE), ago(50 * MINUTE));
      await record.failed(unreachable, 4, ago(-MINUTE), ago(MINUTE));

      const recent = configured(await statusNow());

      expect(recent.inbox.failing).toEqual({
        version: 1,
        failingSince: ago(50 * MINUTE).toISOString(),
        attempts: 4,
        nextAttemptAt: ago(-MINUTE).toISOString(),
        lastError: { ...unreachable, at: ago(MINUTE).toISOString() },
      });
      expect(recent.attention).toEqual([]);

      t0 += 20 * MINUTE; // failing for 70 minutes now
      expect(configured(await statusNow()).attention).toEqual([
        {
          code: 'WATCH_INBOX_FAILING',
          message: expect.stringContaining(
            '受信が 1 時間 失敗し続けています (試行 4 回、最後のエラー: [PLATFORM_UNREACHABLE]',
          ),
        },
      ]);

      await record.succeeded();
      await record.failed(
        {
          code: 'WATCH_IMPORT_CONFLICT',
          message: '取込フォルダに同じ名前で内容の違うファイルがあります: A.CSV',
        },
        1,
        ago(-MINUTE),
        ago(0),
      );
      expect(configured(await statusNow()).attention).toEqual([
        { code: 'WATCH_IMPORT_BLOCKED', message: expect.stringContaining('A.CSV') },
      ]);

      await record.succeeded();
      expect(configured(await statusNow()).inbox.failing).toBeNull();
    });

    it('needs nobody when everything is sent and imported, running or not', async () => {
      await unit('20261201090000', 3 * HOUR, { state: 'archived', archivedAt: ago(3 * HOUR).toISOString() });
      await arrival('0b6f8c52-64c4-4c8e-9a43-5d0e7c2b0001', 'receipted', 3 * HOUR);

      const sut = configured(await statusNow());

      expect(sut).toMatchObject({ running: false, attention: [] });
      expect(sut.outbox.waiting).toEqual({ total: 0, units: [] });
      expect(sut.inbox.waiting).toEqual({ total: 0, entries: [] });
      expect(sut.inbox.mark).toEqual({ since: 0, updatedAt: null });
    });

    it('reports a queue directory whose watcher never got as far as its outbox and inbox', async () => {
      mkdirSync(queueDir, { recursive: true });

      const sut = configured(await statusNow());

      expect(sut.outbox.counts).toEqual({ staged: 0, sealed: 0, sent: 0, archived: 0, refused: 0 });
      expect(sut.inbox.counts).toEqual({ importing: 0, imported: 0, receipted: 0, rejected: 0 });
      expect(sut.attention).toEqual([]);
    });

    it('lists at most 20 waiting units, the oldest, with the total', async () => {
      for (let i = 0; i < 22; i += 1) await unit(`202612020${String(i).padStart(5, '0')}`, (30 - i) * MINUTE);

      const sut = configured(await statusNow());

      expect(sut.outbox.waiting.total).toBe(22);
      expect(sut.outbox.waiting.units).toHaveLength(20);
      expect(sut.outbox.waiting.units[0].key).toBe(keyOf('20261202000000'));
      expect(sut.outbox.waiting.units[19].key).toBe(keyOf('20261202000019'));
    });

    it('leaves a staging in progress (no unit.json yet) alone, and reports an unreadable state file', async () => {
      await unit('20261202093000', 5 * MINUTE);
      const staging = join(queueDir, 'outbox', keyOf('20261202094000'), 'files');
      mkdirSync(staging, { recursive: true });
      writeFileSync(join(staging, 'half.csv'), 'half');
      const broken = join(queueDir, 'outbox', keyOf('20261202095000'));
      mkdirSync(broken);
      writeFileSync(join(broken, 'unit.json'), '{"version":1,');
      lock(process.pid);

      const sut = configured(await statusNow());

      expect(existsSync(join(staging, 'half.csv'))).toBe(true);
      expect(sut.outbox.waiting.total).toBe(1);
      expect(sut.attention).toEqual([
        {
          code: 'WATCH_QUEUE_CORRUPT',
          message: expect.stringContaining(join('outbox', keyOf('20261202095000'), 'unit.json')),
        },
      ]);
    });
  });

  describe('renkei status (CLI)', () => {
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

    it('prints the expiry warning in Japanese, and the platform view, with exit 0', async () => {
      const { fetch } = platform(() => ({ status: 200, json: ownOffice(credential) }));

      const result = await run(['--home', home, 'status'], fetch);

      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain(`事業所番号 ${OFFICE}`);
      expect(result.stdout).toContain('残り 45 日  期限間近 (expiring)');
      expect(result.stdout).toContain('警告: 電子証明書の有効期限まであと45日です。更新してください。');
      expect(result.stdout).toContain('最後の警告');
      expect(result.stdout).toContain('期限の46日前');
    });

    it('prints one JSON document with --json, and exit 0 offline', async () => {
      const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });

      const result = await run(['--home', home, '--json', 'status'], down.fetch);

      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toMatchObject({
        officeNumber: OFFICE,
        certificate: { expiry: 'expiring', daysLeft: 45 },
        platform: { state: 'unreachable', error: { code: 'PLATFORM_UNREACHABLE' } },
      });
    });

    it('shows the watch queue in Japanese, and exits 0 with things needing attention', async () => {
      const queueDir = join(home, 'profiles', OFFICE, 'watch');
      const store = new OutboxStore(queueDir);
      await store.init();
      const key = `20261202090000_${OFFICE}-43_1320000001-11`;
      const staged = await store.stage(
        {
          key,
          fileSequence: '20261202090000',
          kind: 'plan',
          targetMonth: '202612',
          sender: { officeNumber: OFFICE, serviceType: '43' },
          recipient: { officeNumber: '1320000001', serviceType: '11' },
        },
        [{ name: 'a.csv', mediaType: 'text/csv', content: new TextEncoder().encode('x') }],
        new Date(Date.now() - 4 * 3_600_000),
      );
      const nextAttemptAt = new Date('2026-12-03T08:30:00.000Z');
      await store.save({
        ...staged,
        attempts: 5,
        nextAttemptAt: nextAttemptAt.toISOString(),
        lastError: { code: 'PLATFORM_UNREACHABLE', message: 'プラットフォームに接続できません' },
      });
      try {
        const text = await run(['--home', home, 'status', '--offline']);
        const json = await run(['--home', home, '--json', 'status', '--offline']);

        expect(text.code).toBe(ExitCode.Ok);
        expect(text.stdout).toContain('自動送受信 (renkei watch): 停止中');
        expect(text.stdout).toContain('送信: 封かん待ち 1 / 送信待ち 0 / 保管待ち 0 / 保管済み 0 / 拒否 0');
        expect(text.stdout).toContain('受信: 取込中 0 / 受領証明待ち 0 / 受領済み 0 / 受領拒否 0');
        expect(text.stdout).toContain('未送信の送信単位 1 件 (古い順):');
        expect(text.stdout).toContain(
          `${key}  staged  試行 5 回  次回 2026-12-03 17:30:00 JST  [PLATFORM_UNREACHABLE]`,
        );
        expect(text.stdout).toContain('要対応 [WATCH_NOT_RUNNING] renkei watch が動いていません。');
        expect(text.stdout).toContain(`要対応 [WATCH_UNIT_STALLED] 送信単位 ${key} が 4 時間 再試行中です`);
        expect(json.code).toBe(ExitCode.Ok);
        expect(JSON.parse(json.stdout).watch).toMatchObject({
          configured: true,
          running: false,
          outbox: {
            counts: { staged: 1, sealed: 0, sent: 0, archived: 0, refused: 0 },
            waiting: { total: 1, units: [{ key, state: 'staged', attempts: 5 }] },
          },
          attention: [{ code: 'WATCH_NOT_RUNNING' }, { code: 'WATCH_UNIT_STALLED' }],
        });
      } finally {
        rmSync(queueDir, { recursive: true, force: true });
      }
    });

    it('says so when the profile never ran a watcher', async () => {
      const result = await run(['--home', home, 'status', '--offline']);

      expect(result.stdout).toContain('自動送受信 (renkei watch): このプロファイルではまだ使われていません');
    });

    it('refuses --offline with an envelope id, and two ids (exit 2)', async () => {
      const id = '7d3c0d7e-8a3b-4b43-9b8e-1d6c2f0a9e11';

      expect((await run(['--home', home, 'status', '--offline', id])).code).toBe(ExitCode.Usage);
      expect((await run(['--home', home, 'status', id, id])).code).toBe(ExitCode.Usage);
    });

    it('exits 6 without a profile', async () => {
      expect((await run(['--home', join(dir, 'none'), 'status', '--offline'])).code).toBe(ExitCode.NotFound);
    });
  });
});
