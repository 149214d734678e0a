// The MS932 CSV of a cycle's deductions (docs/billing.md "MS932 CSV"): a header row, then one row per
// deduction, CRLF, encoded batch by batch so a cycle is never one string in memory.
import { charProblem, Ms932Codec, normaliseForMs932 } from '@renkei/careplan';
import type { DeductionResult, DeductionView } from '../../ledger/billing.ports';

export const DEDUCTIONS_CSV_HEADER = [
  '控除ID',
  '事業所番号',
  '事業所名',
  '都道府県',
  '対象年月',
  '回数',
  '金額',
  'ライセンス期間開始',
  'ライセンス期間終了',
  '結果',
  '理由コード',
  '理由',
] as const;

/** the short form of a results upload */
export const RESULTS_CSV_SHORT_HEADER = ['控除ID', '事業所番号', '結果', '理由コード', '理由'] as const;

export const RESULT_LABELS: Readonly<Record<DeductionResult, string>> = {
  deducted: '控除済',
  not_deductible: '控除不能',
};

export const DEDUCTIONS_CSV_MEDIA_TYPE = 'text/csv; charset=Shift_JIS';

// 〓 (geta) is the customary mark for a character the charset lacks; never a silent '?'
const GETA = '\u3013';
const JST_OFFSET_MS = 9 * 3600 * 1000;
// free text in the 事業所名 and 理由 columns is quoted
const QUOTED_COLUMNS = new Set([2, 11]);

const codec = new Ms932Codec();

/** the JST calendar date (YYYY-MM-DD) of an ISO instant */
export function jstDate(instant: string): string {
  return new Date(Date.parse(instant) + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Text the export can always carry: the usual MS932 normalisation, then 〓 for what MS932 still lacks. Only
 * 事業所名 (from the 事業所台帳) can hold such a character; reasons are checked when they are posted.
 */
export function ms932Printable(text: string): string {
  const normalised = normaliseForMs932(text);
  let out = '';
  for (const char of normalised) out += charProblem(char) === null ? char : GETA;
  return out;
}

export function deductionCsvFields(deduction: DeductionView): string[] {
  return [
    deduction.deductionId,
    deduction.officeNumber,
    ms932Printable(deduction.officeName ?? ''),
    deduction.prefecture,
    deduction.month,
    String(deduction.attempt),
    String(deduction.amountYen),
    jstDate(deduction.termStart),
    jstDate(deduction.termEnd),
    deduction.result === null ? '' : RESULT_LABELS[deduction.result],
    deduction.reasonCode ?? '',
    ms932Printable(deduction.reason ?? ''),
  ];
}

const encode = (rows: readonly (readonly string[])[]): Buffer =>
  codec.encode(rows, { quoteColumn: (column) => QUOTED_COLUMNS.has(column) });

/** the header row's bytes */
export const deductionsCsvHeader = (): Buffer => encode([DEDUCTIONS_CSV_HEADER]);

/** one batch of deductions as CSV rows' bytes */
export const deductionsCsvRows = (batch: readonly DeductionView[]): Buffer =>
  encode(batch.map(deductionCsvFields));

/** `deductions-13-202705.csv` */
export const deductionsCsvFileName = (prefecture: string, month: string): string =>
  `deductions-${prefecture}-${month}.csv`;
