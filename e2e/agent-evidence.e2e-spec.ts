// The evidence CSV matches the platform's timeline (issue 7): on standalone, a 居宅 office A (43) sends 予定 units to
// two service offices (B fetches and receipts its unit, C leaves its unit in the inbox) and B sends a 実績 unit back
// to A, all through the agent CLI (`renkei`). Then `renkei evidence --month` for A and B: the MS932 CSV is decoded
// and every row is checked against the platform's timeline (`renkei status <id>`, i.e. GET /v1/envelopes/{id}) and
// against the SHA-256 of the files as sent and as written by `fetch`.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as iconv from 'iconv-lite';
import { FileDirection, generateUnit, GeneratedUnit, SendUnitType } from '@renkei/careplan';
import {
  AgentCli,
  planUnit,
  PLAN_UNIT_MONTH,
  PlatformUnderTest,
  startStandalonePlatform,
  type AgentOffice,
} from '@renkei/harness';
import { readCsvRows } from '@renkei/testing';

const A = { officeNumber: '1310000011', serviceType: '43' };
const B = { officeNumber: '1310000029', serviceType: '11' };
const C = { officeNumber: '1310000037', serviceType: '11' };

type Json = Record<string, unknown>;

type Office = AgentOffice;

interface TimelineItem {
  envelopeId: string;
  sender: { officeNumber: string; serviceType: string };
  recipient: { officeNumber: string; serviceType: string };
  kind: string;
  targetMonth: string;
  fileSequence: string;
  files: { name: string; size: number; sha256: string }[];
  status: string;
  acceptedAt: string;
  availableAt: string | null;
  downloadedAt: string | null;
  timeline: { step: string; at: string; proof: Json }[];
}

const HEADER = [
  '方向',
  '封筒ID',
  '種別',
  '対象年月',
  'ファイル連番',
  'ファイル名',
  'サイズ(バイト)',
  'SHA-256',
  '送信元事業所番号',
  '送信元サービス種類',
  '送信先事業所番号',
  '送信先サービス種類',
  '受付日時(JST)',
  '配信可能日時(JST)',
  'ダウンロード日時(JST)',
  '受領日時(JST)',
  '受領結果',
  '受領結果の理由',
  'マニフェストSHA-256',
  '受付証明の検証',
  '受領証明の検証',
];

const JST_MS = 9 * 3_600_000;
const jst = (iso: string | null | undefined): string =>
  iso ? new Date(Date.parse(iso) + JST_MS).toISOString().slice(0, 19).replace('T', ' ') : '';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('agent evidence CSV (standalone)', () => {
  let platform: PlatformUnderTest;
  let work: string;
  let a: Office;
  let b: Office;
  let cli: AgentCli;

  const runRenkei = (office: Office, args: string[]) => cli.run(office, args);
  const renkei = <T = Json>(office: Office, args: string[]): Promise<T> => cli.json<T>(office, args);

  async function office(party: Office['party']): Promise<Office> {
    const created = await cli.enrol(platform.devCa, party, {
      keyType: party.serviceType === '43' ? 'rsa' : 'ec',
      register: false,
    });
    expect(await renkei(created, ['register'])).toMatchObject({ state: 'active' });
    return created;
  }

  /** sends the unit's files from their own folder; the envelope id */
  async function sendUnit(from: Office, unit: GeneratedUnit, folder: string): Promise<string> {
    const dir = path.join(work, folder);
    await mkdir(dir, { recursive: true });
    for (const file of unit.files) await writeFile(path.join(dir, file.fileName), file.bytes);
    const sent = await renkei<{ envelopes: { envelopeId: string }[] }>(from, ['send', '--dir', dir]);
    expect(sent.envelopes).toHaveLength(1);
    return sent.envelopes[0].envelopeId;
  }

  async function fetchWhenAvailable(to: Office, envelopeId: string, out: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const inbox = await renkei<{ items: { envelopeId: string }[] }>(to, ['inbox']);
      if (inbox.items.some((item) => item.envelopeId === envelopeId)) {
        await renkei(to, ['fetch', envelopeId, '--out', path.join(work, out)]);
        return;
      }
      await sleep(250);
    }
    throw new Error(`${envelopeId} never reached ${to.party.officeNumber}'s inbox`);
  }

  async function statusOf(who: Office, envelopeId: string, until?: string): Promise<TimelineItem> {
    for (let i = 0; ; i++) {
      const item = await renkei<TimelineItem>(who, ['status', envelopeId]);
      if (until === undefined || item.status === until || i >= 60) return item;
      await sleep(250);
    }
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'renkei-e2e-evidence-'));
    platform = await startStandalonePlatform();
    cli = new AgentCli({ cwd: work, platformEnv: platform.agentEnv });
    a = await office(A);
    b = await office(B);
    // C only receives (its unit stays in its inbox); it needs a licence to be sent to
    await office(C);
  });

  afterAll(async () => {
    await platform?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('writes, for both offices, one MS932 row per file that agrees with the timeline and the files', async () => {
    const toB = planUnit({ seed: 701, sender: A, recipient: B, users: 2, sequence: '20261201090000' });
    const toC = planUnit({ seed: 702, sender: A, recipient: C, users: 1, sequence: '20261201090100' });
    const actual = generateUnit({
      seed: 703,
      direction: FileDirection.FromProvider,
      month: PLAN_UNIT_MONTH,
      type: SendUnitType.Actual,
      planner: A,
      provider: B,
      users: 2,
      sequence: '20261202100000',
    });
    const plan = await sendUnit(a, toB, 'out-a-1');
    const unread = await sendUnit(a, toC, 'out-a-2');
    const back = await sendUnit(b, actual, 'out-b-1');
    await fetchWhenAvailable(b, plan, 'in-b');
    await fetchWhenAvailable(a, back, 'in-a');
    expect((await statusOf(a, plan, 'receipted')).status).toBe('receipted');
    expect((await statusOf(b, back, 'receipted')).status).toBe('receipted');
    expect((await statusOf(a, unread, 'available')).status).toBe('available');

    // the acceptance month (JST) of these envelopes: the month of the send, give or take a midnight
    const accepted = await statusOf(a, plan);
    const month = jst(accepted.acceptedAt).slice(0, 7).replace('-', '');

    // `renkei sent --month`: A's two sends with where they stand
    const sent = await renkei<{
      month: string;
      items: { envelopeId: string; status: string; verdict: string | null }[];
    }>(a, ['sent', '--month', month]);
    expect(sent.month).toBe(month);
    expect(sent.items.map((i) => [i.envelopeId, i.status, i.verdict]).sort()).toEqual(
      [
        [plan, 'receipted', 'accepted'],
        [unread, 'available', null],
      ].sort(),
    );

    const bytesOf = (dir: string, unit: GeneratedUnit) =>
      new Map(unit.files.map((f) => [f.fileName, path.join(work, dir, f.fileName)]));
    const cases = [
      {
        who: a,
        expected: new Map([
          [plan, { direction: '送信', unit: toB, files: bytesOf('out-a-1', toB) }],
          [unread, { direction: '送信', unit: toC, files: bytesOf('out-a-2', toC) }],
          [back, { direction: '受信', unit: actual, files: bytesOf('in-a', actual) }],
        ]),
      },
      {
        who: b,
        expected: new Map([
          [plan, { direction: '受信', unit: toB, files: bytesOf('in-b', toB) }],
          [back, { direction: '送信', unit: actual, files: bytesOf('out-b-1', actual) }],
        ]),
      },
    ];

    for (const { who, expected } of cases) {
      const out = path.join(work, `evidence-${who.party.officeNumber}.csv`);
      const result = await renkei<{
        file: string;
        rows: unknown[];
        envelopes: { sent: number; received: number };
      }>(who, ['evidence', '--month', month, '--out', out]);
      expect(result.file).toBe(out);
      const csv = await readFile(out);
      // MS932: the Japanese header is in Shift_JIS bytes, not UTF-8
      expect(csv.includes(Buffer.from('方向', 'utf8'))).toBe(false);
      const [header, ...rows] = readCsvRows(iconv.decode(csv, 'cp932'));
      expect(header).toEqual(HEADER);
      expect(rows).toHaveLength(result.rows.length);
      const fileCount = [...expected.values()].reduce((n, e) => n + e.unit.files.length, 0);
      expect(rows).toHaveLength(fileCount);
      expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(expected.keys()));

      for (const row of rows) {
        const [, envelopeId, kind, targetMonth, fileSequence, fileName, size, digest] = row;
        const want = expected.get(envelopeId);
        if (!want) throw new Error(`unexpected envelope ${envelopeId}`);
        // the platform's timeline, as this office sees it (GET /v1/envelopes/{id})
        const item = await statusOf(who, envelopeId);
        const step = (name: string) => item.timeline.find((s) => s.step === name);
        const receipt = step('receipted') ?? step('rejected');
        const file = item.files.find((f) => f.name === fileName);
        expect(file).toBeDefined();
        expect(row).toEqual([
          want.direction,
          item.envelopeId,
          `${item.kind === 'plan' ? '予定' : '実績'} (${item.kind})`,
          item.targetMonth,
          item.fileSequence,
          file?.name,
          String(file?.size),
          file?.sha256,
          item.sender.officeNumber,
          item.sender.serviceType,
          item.recipient.officeNumber,
          item.recipient.serviceType,
          jst(item.acceptedAt),
          jst(item.availableAt),
          jst(item.downloadedAt),
          jst(receipt?.at),
          receipt ? '受領' : '未受領',
          '',
          step('accepted')?.proof['manifestSha256'],
          want.direction === '送信' ? '検証済 (端末保存)' : '検証済 (プラットフォーム)',
          receipt ? '検証済 (プラットフォーム)' : '未受領',
        ]);
        expect(kind).toMatch(item.kind === 'plan' ? /^予定/ : /^実績/);
        expect([targetMonth, fileSequence]).toEqual([PLAN_UNIT_MONTH, want.unit.sequence]);
        // the file as sent (A's or B's folder) and as fetch wrote it has exactly this size and digest
        const bytes = await readFile(want.files.get(fileName) as string);
        expect([size, digest]).toEqual([String(bytes.length), sha256(bytes)]);
      }
    }
  });

  it('writes only the header for a month without traffic, and keeps an existing file unless --overwrite', async () => {
    const out = path.join(work, 'evidence-empty.csv');
    const empty = await renkei<{ rows: unknown[]; envelopes: Json }>(a, [
      'evidence',
      '--month',
      '202001',
      '--out',
      out,
    ]);
    expect(empty).toMatchObject({ rows: [], envelopes: { sent: 0, received: 0 } });
    expect(readCsvRows(iconv.decode(await readFile(out), 'cp932'))).toEqual([HEADER]);

    const again = await runRenkei(a, ['evidence', '--month', '202001', '--out', out]);
    expect(again.exitCode).toBe(3);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'FILE_EXISTS' } });
    expect(
      (await runRenkei(a, ['evidence', '--month', '202001', '--out', out, '--overwrite'])).exitCode,
    ).toBe(0);

    const bad = await runRenkei(a, ['evidence', '--month', '2020-01']);
    expect(bad.exitCode).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });
});
