import * as iconv from 'iconv-lite';
import { readCsvRows } from '@renkei/testing';
import { EVIDENCE_CSV_HEADER, evidenceCsv, evidenceCsvCells, evidenceRows, ms932Text } from './evidence-csv';
import { EnvelopeReceiptChecks } from './evidence-verify';
import { PLANNER, PROVIDER, timelineItem } from './fixtures/timeline-items';

const VERIFIED: EnvelopeReceiptChecks = {
  acceptance: { state: 'verified', source: 'local' },
  recipient: { state: 'verified', source: 'platform' },
};

describe(evidenceRows.name, () => {
  const sent = timelineItem({
    envelopeId: '00000000-0000-4000-8000-000000000002',
    acceptedAt: '2026-12-01T00:00:00.000Z',
    reasonCodes: [],
  });
  const earlier = timelineItem({
    envelopeId: '00000000-0000-4000-8000-000000000001',
    acceptedAt: '2026-11-30T15:00:00.000Z',
    sender: PROVIDER,
    recipient: PLANNER,
    reached: 'rejected',
    reasonCodes: ['SIGNATURE_INVALID', 'FILE_DIGEST_MISMATCH'],
    files: [{ name: 'only.CSV', mediaType: 'text/csv', size: 10, sha256: '33'.repeat(32) }],
  });
  const pending = timelineItem({
    envelopeId: '00000000-0000-4000-8000-000000000003',
    acceptedAt: '2026-12-02T00:00:00.000Z',
    reached: 'available',
  });

  it('writes one row per file, in acceptance order, with the timeline times, verdict and proofs', () => {
    const rows = evidenceRows([
      { direction: 'sent', item: sent, checks: VERIFIED },
      { direction: 'sent', item: pending, checks: { ...VERIFIED, recipient: { state: 'absent' } } },
      { direction: 'received', item: earlier, checks: VERIFIED },
    ]);
    expect(rows.map((r) => [r.envelopeId.slice(-1), r.fileName])).toEqual([
      ['1', 'only.CSV'],
      ['2', 'A_file_1.CSV'],
      ['2', 'B_file_2.CSV'],
      ['3', 'A_file_1.CSV'],
      ['3', 'B_file_2.CSV'],
    ]);
    const timeline = sent.timeline ?? [];
    expect(rows[1]).toEqual({
      direction: 'sent',
      envelopeId: sent.envelopeId,
      kind: 'plan',
      targetMonth: '202612',
      fileSequence: '20261201093000',
      fileName: 'A_file_1.CSV',
      size: 1234,
      sha256: '11'.repeat(32),
      sender: PLANNER,
      recipient: PROVIDER,
      acceptedAt: timeline[0].at,
      availableAt: timeline[1].at,
      downloadedAt: timeline[2].at,
      receiptedAt: timeline[3].at,
      verdict: 'accepted',
      reasonCodes: [],
      manifestSha256: 'ab'.repeat(32),
      acceptanceReceipt: VERIFIED.acceptance,
      recipientReceipt: VERIFIED.recipient,
    });
    expect(rows[0]).toMatchObject({
      direction: 'received',
      verdict: 'rejected',
      reasonCodes: ['SIGNATURE_INVALID', 'FILE_DIGEST_MISMATCH'],
    });
    expect(rows[3]).toMatchObject({ downloadedAt: null, receiptedAt: null, verdict: null });
  });

  it('labels the cells for people in JST', () => {
    const [row] = evidenceRows([{ direction: 'received', item: earlier, checks: VERIFIED }]);
    expect(evidenceCsvCells(row)).toEqual([
      '受信',
      earlier.envelopeId,
      '予定 (plan)',
      '202612',
      '20261201093000',
      'only.CSV',
      10,
      '33'.repeat(32),
      PROVIDER.officeNumber,
      PROVIDER.serviceType,
      PLANNER.officeNumber,
      PLANNER.serviceType,
      '2026-12-01 00:00:00',
      '2026-12-01 00:00:02',
      '2026-12-01 00:00:04',
      '2026-12-01 00:00:06',
      '拒否',
      'SIGNATURE_INVALID FILE_DIGEST_MISMATCH',
      'ab'.repeat(32),
      '検証済 (端末保存)',
      '検証済 (プラットフォーム)',
    ]);
    const [open] = evidenceRows([
      {
        direction: 'sent',
        item: pending,
        checks: {
          acceptance: { state: 'failed', source: 'platform', code: 'RECEIPT_UNVERIFIED' },
          recipient: { state: 'absent' },
        },
      },
    ]);
    expect(evidenceCsvCells(open).slice(14)).toEqual([
      '',
      '',
      '未受領',
      '',
      'ab'.repeat(32),
      '検証失敗 RECEIPT_UNVERIFIED',
      '未受領',
    ]);
  });
});

describe(evidenceCsv.name, () => {
  it('is MS932 with CRLF, a header row and quoted text; decoding gives the cells back', () => {
    const item = timelineItem({
      envelopeId: '00000000-0000-4000-8000-000000000009',
      acceptedAt: '2026-12-10T01:02:03.000Z',
      files: [{ name: '利用票_①−〜.CSV', mediaType: 'text/csv', size: 77, sha256: '44'.repeat(32) }],
    });
    const csv = evidenceCsv(evidenceRows([{ direction: 'sent', item, checks: VERIFIED }]));
    // MS932, not UTF-8: 送 is 0x91 0x97 in Shift_JIS
    expect(csv.includes(Buffer.from('送信', 'utf8'))).toBe(false);
    expect(csv.includes(iconv.encode('送信', 'cp932'))).toBe(true);
    const [header, row] = readCsvRows(iconv.decode(csv, 'cp932'));
    expect(header).toEqual(EVIDENCE_CSV_HEADER);
    expect(row[0]).toBe('送信');
    expect(row[5]).toBe(ms932Text('利用票_①−〜.CSV'));
    expect(row[6]).toBe('77');
    expect(row[12]).toBe('2026-12-10 10:02:03');
  });

  it('normalises what MS932 cannot hold as the codec does, else writes ?', () => {
    // U+2212 MINUS SIGN and U+301C WAVE DASH map to MS932's forms; an emoji has none
    expect(ms932Text('a−b〜c😀')).toBe('a－b～c?');
  });

  it('writes only the header for a month without traffic', () => {
    const text = iconv.decode(evidenceCsv([]), 'cp932');
    expect(readCsvRows(text)).toEqual([[...EVIDENCE_CSV_HEADER]]);
  });
});
