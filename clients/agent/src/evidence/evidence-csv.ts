// The rows of `renkei evidence`: one per file per envelope, from the platform's item and timeline (names, sizes and
// SHA-256 are the signed manifest's, as intake recorded them), plus this agent's check of the receipts. Written as
// MS932 CSV for people (CRLF, a header row, every text cell quoted and guarded against formulas) with the
// project's report writer; characters MS932 cannot hold are normalised as the codec does, else become `?`.
import {
  charProblem,
  normaliseForMs932,
  ReportCell,
  ReportCsvEncoding,
  writeReportCsv,
} from '@renkei/careplan';
import type { EnvelopeItem } from '../platform-client';
import { jstDateTime } from './evidence-month';
import {
  Direction,
  EnvelopeReceiptChecks,
  manifestSha256Of,
  ReceiptCheck,
  receiptStepOf,
} from './evidence-verify';

export const EVIDENCE_CSV_HEADER: readonly string[] = [
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

/** one row of the evidence, as --json prints it (times ISO UTC, as the platform gives them) */
export interface EvidenceRow {
  direction: Direction;
  envelopeId: string;
  kind: string;
  targetMonth: string;
  fileSequence: string;
  fileName: string;
  size: number;
  sha256: string;
  sender: { officeNumber: string; serviceType: string };
  recipient: { officeNumber: string; serviceType: string };
  acceptedAt: string | null;
  availableAt: string | null;
  downloadedAt: string | null;
  receiptedAt: string | null;
  /** the recipient's verdict, null before it receipted */
  verdict: 'accepted' | 'rejected' | null;
  reasonCodes: string[];
  manifestSha256: string | null;
  acceptanceReceipt: ReceiptCheck;
  recipientReceipt: ReceiptCheck;
}

export interface EvidenceEnvelope {
  direction: Direction;
  item: EnvelopeItem;
  checks: EnvelopeReceiptChecks;
}

/** acceptance time, then envelope id; the files in the manifest's order */
export function evidenceRows(envelopes: readonly EvidenceEnvelope[]): EvidenceRow[] {
  const sorted = [...envelopes].sort(
    (a, b) =>
      (a.item.acceptedAt ?? '').localeCompare(b.item.acceptedAt ?? '') ||
      a.item.envelopeId.localeCompare(b.item.envelopeId),
  );
  return sorted.flatMap(({ direction, item, checks }) => {
    const step = receiptStepOf(item);
    const verdict = step?.proof?.['verdict'];
    const reasons = step?.proof?.['reasonCodes'];
    return item.files.map((file): EvidenceRow => ({
      direction,
      envelopeId: item.envelopeId,
      kind: item.kind,
      targetMonth: item.targetMonth,
      fileSequence: item.fileSequence,
      fileName: file.name,
      size: file.size,
      sha256: file.sha256,
      sender: item.sender,
      recipient: item.recipient,
      acceptedAt: item.acceptedAt,
      availableAt: item.availableAt,
      downloadedAt: item.downloadedAt,
      receiptedAt: step?.at ?? null,
      verdict: verdict === 'accepted' || verdict === 'rejected' ? verdict : null,
      reasonCodes: Array.isArray(reasons) ? reasons.map(String) : [],
      manifestSha256: manifestSha256Of(item) ?? null,
      acceptanceReceipt: checks.acceptance,
      recipientReceipt: checks.recipient,
    }));
  });
}

// file names and codes come from offices and the platform and may hold anything; the CSV must still be MS932
export const ms932Text = (value: string): string =>
  [...normaliseForMs932(value)].map((c) => (charProblem(c) === null ? c : '?')).join('');

const DIRECTION_LABEL: Record<Direction, string> = { sent: '送信', received: '受信' };
/** the manifest's kind (docs/envelope.md) for people, its code kept in brackets */
const KIND_LABEL: Readonly<Record<string, string>> = {
  plan: '予定',
  actual: '実績',
  careplan: '計画書',
  delete: '削除',
};
export const kindLabel = (kind: string): string =>
  KIND_LABEL[kind] ? `${KIND_LABEL[kind]} (${kind})` : ms932Text(kind);
const VERDICT_LABEL = { accepted: '受領', rejected: '拒否' } as const;

/** 「検証済 (端末保存)」「検証済 (プラットフォーム)」「検証失敗 CODE」「なし」 */
export function receiptCheckLabel(check: ReceiptCheck, absent = 'なし'): string {
  const from = check.source === 'local' ? '端末保存' : check.source === 'platform' ? 'プラットフォーム' : '';
  switch (check.state) {
    case 'verified':
      return `検証済 (${from})`;
    case 'failed':
      return `検証失敗 ${check.code ?? ''}`.trim();
    case 'absent':
      return absent;
  }
}

export function evidenceCsvCells(row: EvidenceRow): ReportCell[] {
  return [
    DIRECTION_LABEL[row.direction],
    row.envelopeId,
    kindLabel(row.kind),
    row.targetMonth,
    row.fileSequence,
    ms932Text(row.fileName),
    row.size,
    row.sha256,
    row.sender.officeNumber,
    row.sender.serviceType,
    row.recipient.officeNumber,
    row.recipient.serviceType,
    jstDateTime(row.acceptedAt),
    jstDateTime(row.availableAt),
    jstDateTime(row.downloadedAt),
    jstDateTime(row.receiptedAt),
    row.verdict ? VERDICT_LABEL[row.verdict] : '未受領',
    ms932Text(row.reasonCodes.join(' ')),
    row.manifestSha256 ?? '',
    receiptCheckLabel(row.acceptanceReceipt),
    receiptCheckLabel(row.recipientReceipt, '未受領'),
  ];
}

/** the whole CSV: MS932, CRLF, the header row first (also when there are no rows) */
export function evidenceCsv(rows: readonly EvidenceRow[]): Buffer {
  return writeReportCsv(rows.map(evidenceCsvCells), {
    encoding: ReportCsvEncoding.Ms932,
    header: EVIDENCE_CSV_HEADER,
  });
}
