import { charProblem, normaliseForMs932 } from '../codec/ms932-charset.util';
import { ReportCell, ReportCsvEncoding, writeReportCsv } from '../report-csv/report-csv.writer';
import { CONFORMANCE_PATTERN_LABELS, ConformancePattern } from './conformance-pattern.constants';
import { ConformanceFile, ConformanceReport, ConformanceStatus, ConformanceUnit } from './conformance.report';
import { partyText, passLabel, severityLabel, statusLabel } from './report-labels.util';

/** column titles of conformanceReportCsv, in order */
export const CONFORMANCE_CSV_HEADER: readonly string[] = [
  'パターン',
  'パターン名',
  'パターン判定',
  'ファイル連番',
  '送信元',
  '送信先',
  '送信単位種類',
  '送信単位判定',
  'ファイル',
  '行数',
  'エラー件数',
  '警告件数',
  '区分',
  '行',
  '列番号',
  '列名',
  'コード',
  '内容',
];

type Row = ReportCell[];
type Lead = readonly [ReportCell, ReportCell, ReportCell];

// file names come from an office's folder and may hold anything; the report must still be writable as MS932
const ms932Text = (text: string): string =>
  [...normaliseForMs932(text)].map((c) => (charProblem(c) === null ? c : '?')).join('');

const text = (value: string | null): ReportCell => (value === null ? null : ms932Text(value));

const fileRows = (prefix: readonly ReportCell[], file: ConformanceFile): Row[] => [
  [...prefix, text(file.fileName), file.rows, file.errors, file.warnings],
  ...file.issues.map((i): Row => [
    ...prefix,
    text(file.fileName),
    null,
    null,
    null,
    severityLabel(i.severity),
    i.row === 0 ? null : i.row,
    i.column,
    text(i.columnName),
    i.code,
    text(i.message),
  ]),
];

const unitRows = (lead: Lead, unit: ConformanceUnit): Row[] => {
  const prefix: ReportCell[] = [
    ...lead,
    unit.fileSequence,
    partyText(unit.sender),
    partyText(unit.recipient),
    unit.type,
    passLabel(unit.passed),
  ];
  const problems = unit.problems.map((p): Row => [
    ...prefix,
    null,
    null,
    null,
    null,
    'エラー',
    null,
    null,
    null,
    p.code,
    text(p.message),
  ]);
  return [...problems, ...unit.files.flatMap((f) => fileRows(prefix, f))];
};

const patternLead = (pattern: ConformancePattern, status: ConformanceStatus): Lead => [
  pattern,
  CONFORMANCE_PATTERN_LABELS[pattern],
  statusLabel(status),
];

/**
 * The conformance report as an MS932 CSV for people (Excel on Japanese Windows): one row per unit problem, per
 * file and per file issue, a row for each pattern not exercised. Written by writeReportCsv, so no cell can start
 * a formula.
 */
export const conformanceReportCsv = (report: ConformanceReport): Buffer => {
  const rows: Row[] = [];
  for (const result of report.patterns) {
    const lead = patternLead(result.pattern, result.status);
    if (result.units.length === 0) rows.push([...lead]);
    rows.push(...result.units.flatMap((u) => unitRows(lead, u)));
  }
  rows.push(...report.unclassified.flatMap((u) => unitRows([null, 'パターン外', null], u)));
  const none: ReportCell[] = [null, '送信単位なし', null, null, null, null, null, null];
  rows.push(...report.ungroupedFiles.flatMap((f) => fileRows(none, f)));
  return writeReportCsv(rows, { encoding: ReportCsvEncoding.Ms932, header: CONFORMANCE_CSV_HEADER });
};
