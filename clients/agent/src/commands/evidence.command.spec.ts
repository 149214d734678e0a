import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as iconv from 'iconv-lite';
import { signReceipt } from '@renkei/envelope';
import { DevCredential, issuePlatformCertificate } from '@renkei/pki';
import { ExitCode } from '../agent.errors';
import { runCli } from '../cli';
import { EVIDENCE_CSV_HEADER } from '../evidence/evidence-csv';
import { timelineItem } from '../evidence/fixtures/timeline-items';
import type { EnvelopeItem } from '../platform-client';
import { ProgressStream } from '../progress';
import { signRecipientReceipt } from '../receipts.util';
import { authRoutes, fakeFetch, FakeCall } from '../testing/fake-fetch';
import { PLANNER, setUpOffices, TEST_ENV, TestOffices } from '../testing/offices';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const MANIFEST = 'ab'.repeat(32);

describe('renkei evidence / sent', () => {
  let dir: string;
  let offices: TestOffices;
  let platformSigner: DevCredential;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-evidence-'));
    offices = await setUpOffices(dir);
    platformSigner = issuePlatformCertificate(offices.ca, { name: 'TEST ONLY platform' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const acceptanceOf = (item: EnvelopeItem): Uint8Array =>
    signReceipt(
      {
        type: 'acceptance',
        version: 1,
        envelopeId: item.envelopeId,
        manifestSha256: MANIFEST,
        contentSha256: 'cd'.repeat(32),
        objectSha256: 'cd'.repeat(32),
        sender: item.sender,
        recipient: item.recipient,
        acceptedAt: item.acceptedAt as string,
        platform: 'renkei',
      },
      { certificate: platformSigner.certificate, privateKey: platformSigner.privateKey },
    );

  /** delivery and intake as fakes: /v1/sent in pages of `pageSize`, the inbox in one */
  function platform(
    sent: EnvelopeItem[],
    received: EnvelopeItem[],
    receipts: Map<string, Uint8Array>,
    pageSize = 2,
  ) {
    const byId = new Map([...sent, ...received].map((i) => [i.envelopeId, i]));
    const sentPage = (call: FakeCall) => {
      const after = Number(new URL(call.url).searchParams.get('after') ?? 0);
      const items = sent.slice(after, after + pageSize);
      return {
        status: 200,
        json: { items, next: after + pageSize < sent.length ? String(after + pageSize) : null },
      };
    };
    const routes: Parameters<typeof fakeFetch>[0] = {
      ...authRoutes(inAnHour),
      'GET /v1/sent': sentPage,
      'GET /v1/inbox': (call) => {
        expect(new URL(call.url).searchParams.get('status')).toBe('all');
        return { status: 200, json: { items: received, next: null } };
      },
    };
    for (const item of byId.values()) {
      routes[`GET /v1/envelopes/${item.envelopeId}/acceptance-receipt`] = () => ({
        status: 200,
        bytes: acceptanceOf(item),
      });
      const receipt = receipts.get(item.envelopeId);
      if (receipt)
        routes[`GET /v1/envelopes/${item.envelopeId}/receipts/recipient`] = () => ({
          status: 200,
          bytes: receipt,
        });
    }
    return fakeFetch(routes);
  }

  async function run(argv: string[], fetchImpl: typeof fetch, progressStream?: ProgressStream) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--home', offices.plannerHome, ...argv], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: TEST_ENV,
      fetch: fetchImpl,
      secretStore: null,
      progressStream,
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it('lists every page of what was sent, and keeps the month (JST) of acceptance', async () => {
    const sent = [
      timelineItem({ envelopeId: id(1), acceptedAt: '2026-11-30T14:59:59.000Z' }), // 2026-11-30 23:59:59 JST
      timelineItem({
        envelopeId: id(2),
        acceptedAt: '2026-11-30T15:00:00.000Z',
        reached: 'rejected',
        reasonCodes: ['SIGNATURE_INVALID'],
      }),
      timelineItem({ envelopeId: id(3), acceptedAt: '2026-12-20T00:00:00.000Z', reached: 'available' }),
    ];
    const fake = platform(sent, [], new Map());
    const all = await run(['--json', 'sent'], fake.fetch);
    expect(all.code).toBe(ExitCode.Ok);
    expect(JSON.parse(all.stdout).items).toHaveLength(3);
    expect(fake.calls.filter((c) => c.path === '/v1/sent')).toHaveLength(2);

    const december = JSON.parse((await run(['--json', 'sent', '--month', '202612'], fake.fetch)).stdout);
    expect(december).toEqual({
      month: '202612',
      items: [
        expect.objectContaining({
          envelopeId: id(2),
          status: 'rejected',
          verdict: 'rejected',
          reasonCodes: ['SIGNATURE_INVALID'],
        }),
        expect.objectContaining({ envelopeId: id(3), status: 'available', verdict: null, receiptedAt: null }),
      ],
    });
    const text = await run(['sent', '--month', '202612'], fake.fetch);
    expect(text.stdout).toContain('送信した封筒 2 件 (2026年12月に受付、日本時間):');
    expect(text.stdout).toContain('受領拒否 (SIGNATURE_INVALID)');
    expect((await run(['sent', '--month', '2026-12'], fake.fetch)).code).toBe(ExitCode.Usage);
  });

  it('writes the month as MS932 CSV, both directions, with the kept and served receipts checked', async () => {
    const draft = timelineItem({ envelopeId: id(11), acceptedAt: '2026-12-01T01:00:00.000Z' });
    const recipientReceipt = signRecipientReceipt(offices.provider, {
      envelopeId: draft.envelopeId,
      manifestSha256: MANIFEST,
      sender: draft.sender,
      recipient: draft.recipient,
      reasons: [],
      receivedAt: new Date(),
    });
    const receipted = timelineItem({
      envelopeId: id(11),
      acceptedAt: '2026-12-01T01:00:00.000Z',
      receiptSha256: createHash('sha256').update(recipientReceipt).digest('hex'),
    });
    const older = timelineItem({ envelopeId: id(12), acceptedAt: '2026-11-01T01:00:00.000Z' });
    const received = timelineItem({
      envelopeId: id(13),
      acceptedAt: '2026-12-02T01:00:00.000Z',
      sender: draft.recipient,
      recipient: draft.sender,
      reached: 'downloaded',
      files: [{ name: 'jisseki.CSV', mediaType: 'text/csv', size: 99, sha256: '55'.repeat(32) }],
    });
    // the acceptance receipt `send` kept for id(11)
    const receipts = join(offices.plannerHome, 'profiles', PLANNER.officeNumber, 'receipts');
    mkdirSync(receipts, { recursive: true });
    writeFileSync(join(receipts, `${id(11)}.acceptance.der`), acceptanceOf(receipted));
    const fake = platform([older, receipted], [received], new Map([[id(11), recipientReceipt]]));
    const out = join(dir, 'evidence-202612.csv');

    const result = await run(['--json', 'evidence', '--month', '202612', '--out', out], fake.fetch);
    expect(result.code).toBe(ExitCode.Ok);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      month: '202612',
      officeNumber: PLANNER.officeNumber,
      file: out,
      envelopes: { sent: 1, received: 1 },
    });
    const [header, ...rows] = iconv
      .decode(readFileSync(out), 'cp932')
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(',').map((cell) => cell.replace(/^"|"$/g, '')));
    expect(header).toEqual(EVIDENCE_CSV_HEADER);
    expect(rows.map((r) => [r[0], r[1], r[5], r[16], r[19], r[20]])).toEqual([
      ['送信', id(11), 'A_file_1.CSV', '受領', '検証済 (端末保存)', '検証済 (プラットフォーム)'],
      ['送信', id(11), 'B_file_2.CSV', '受領', '検証済 (端末保存)', '検証済 (プラットフォーム)'],
      ['受信', id(13), 'jisseki.CSV', '未受領', '検証済 (プラットフォーム)', '未受領'],
    ]);
    // the kept copy was used: intake was not asked for id(11)'s acceptance receipt
    expect(fake.calls.map((c) => c.path)).not.toContain(`/v1/envelopes/${id(11)}/acceptance-receipt`);

    const again = await run(['evidence', '--month', '202612', '--out', out], fake.fetch);
    expect(again.code).toBe(ExitCode.InvalidInput);
    expect(again.stderr).toContain('上書きしません');
    expect((await run(['evidence', '--out', out], fake.fetch)).code).toBe(ExitCode.Usage);
  });

  it('draws a progress bar on a terminal for a long month, none with --json or off a terminal', async () => {
    const sent = Array.from({ length: 25 }, (_, i) =>
      timelineItem({
        envelopeId: id(100 + i),
        acceptedAt: `2026-12-0${1 + (i % 9)}T00:00:00.000Z`,
        reached: 'available',
      }),
    );
    const fake = platform(sent, [], new Map(), 10);
    const writes: string[] = [];
    const tty: ProgressStream = { isTTY: true, columns: 80, write: (t) => writes.push(t) };
    const drawn = await run(
      ['evidence', '--month', '202612', '--out', join(dir, 'bar.csv')],
      fake.fetch,
      tty,
    );
    expect(drawn.code).toBe(ExitCode.Ok);
    expect(drawn.stdout).toContain('送信 25 件');
    expect(writes.some((w) => w.includes('証跡を作成中') && w.includes('25/25'))).toBe(true);
    expect(writes.at(-1)).toBe('\r\x1b[K');

    writes.length = 0;
    await run(
      ['--json', 'evidence', '--month', '202612', '--out', join(dir, 'bar-json.csv')],
      fake.fetch,
      tty,
    );
    expect(writes).toEqual([]);
    const pipe: ProgressStream = { isTTY: false, write: (t) => writes.push(t) };
    await run(['evidence', '--month', '202612', '--out', join(dir, 'bar-pipe.csv')], fake.fetch, pipe);
    expect(writes).toEqual([]);
  });
});
