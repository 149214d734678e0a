import { FILE_KINDS } from '../file-names/file-kind.constants';
import { ValidationIssue } from '../validation/validation.types';
import { CheckedFile, CheckedUnit, CheckReport, UnitProblem } from './check-report.types';
import { CONFORMANCE_PATTERN_LABELS } from './conformance-pattern.constants';
import {
  ConformanceFile,
  ConformancePatternResult,
  ConformanceReport,
  ConformanceUnit,
} from './conformance.report';
import { partyText, passLabel, severityLabel, statusLabel } from './report-labels.util';

const dash = (value: string | number | null): string => (value === null || value === 0 ? '-' : String(value));

const issueLine = (issue: ValidationIssue): string => {
  const line = issue.line !== null && issue.line !== issue.row ? ` (物理行 ${issue.line})` : '';
  return (
    `  ${severityLabel(issue.severity)} 行 ${dash(issue.row)}${line} 列番号 ${dash(issue.column)} ` +
    `列名 ${dash(issue.columnName)} コード ${issue.code}: ${issue.message}`
  );
};

const problemLine = (indent: string, problem: UnitProblem): string =>
  `${indent}エラー コード ${problem.code}: ${problem.message}`;

const fileBlock = (file: CheckedFile): string[] => {
  const kind = file.kind === null ? '不明' : `${file.kind} ${FILE_KINDS[file.kind].japaneseName}`;
  return [
    file.fileName,
    `  種別 ${kind} / 行数 ${file.rows} / エラー ${file.errors} 件 / 警告 ${file.warnings} 件`,
    ...file.issues.map(issueLine),
  ];
};

const unitBlock = (unit: CheckedUnit, index: number): string[] => {
  const pattern = unit.pattern === null ? '-' : `${unit.pattern} ${CONFORMANCE_PATTERN_LABELS[unit.pattern]}`;
  return [
    `${index + 1}. ファイル連番 ${unit.fileSequence} 送信元 ${partyText(unit.sender)} → 送信先 ${partyText(unit.recipient)}`,
    `   種類 ${unit.type ?? '不明'} / パターン ${pattern} / 判定 ${unit.ok ? 'OK' : 'NG'}`,
    ...unit.files.map((name) => `   ファイル ${name}`),
    ...unit.problems.map((p) => problemLine('   ', p)),
  ];
};

/** the folder check as plain text for people: Japanese labels, no colours, one stable layout */
export const formatCheckReport = (report: CheckReport): string =>
  [
    'ケアプランデータ検査結果 (check report)',
    `判定 ${report.ok ? 'OK' : 'NG'} / エラー ${report.errors} 件 / 警告 ${report.warnings} 件`,
    `ファイル ${report.files.length} 件 / 送信単位 ${report.units.length} 件`,
    '',
    '[ファイル] (名前順)',
    ...report.files.flatMap(fileBlock),
    '',
    '[送信単位] (取込順)',
    ...report.units.flatMap(unitBlock),
    '',
  ].join('\n');

const fileLines = (indent: string, file: ConformanceFile): string[] => [
  `${indent}${file.fileName} 行数 ${file.rows} エラー ${file.errors} 件 警告 ${file.warnings} 件`,
  ...file.issues.map((i) => `${indent}${issueLine(i)}`),
];

const conformanceUnitBlock = (unit: ConformanceUnit): string[] => [
  `  ${passLabel(unit.passed)} ファイル連番 ${unit.fileSequence} 送信元 ${partyText(unit.sender)} → 送信先 ` +
    `${partyText(unit.recipient)} 種類 ${unit.type ?? '不明'}`,
  ...unit.files.flatMap((f) => fileLines('    ', f)),
  ...unit.problems.map((p) => problemLine('    ', p)),
];

const patternBlock = (result: ConformancePatternResult): string[] => [
  `${result.pattern} ${result.label}: ${statusLabel(result.status)} (合格 ${result.passed} / 不合格 ${result.failed})`,
  ...result.units.flatMap(conformanceUnitBlock),
];

/** the D1–D7 view as plain text for people */
export const formatConformanceReport = (report: ConformanceReport): string =>
  [
    'ベンダ試験パターン別 確認結果 (conformance report)',
    `判定 ${report.ok ? 'OK' : 'NG'} / 送信単位 ${report.units} 件 (合格 ${report.passed} / 不合格 ${report.failed})`,
    `未実施パターン ${report.notExercised.length === 0 ? 'なし' : report.notExercised.join(', ')}`,
    '',
    ...report.patterns.flatMap(patternBlock),
    '',
    `[パターン外の送信単位] ${report.unclassified.length} 件`,
    ...report.unclassified.flatMap(conformanceUnitBlock),
    `[送信単位に属さないファイル] ${report.ungroupedFiles.length} 件`,
    ...report.ungroupedFiles.flatMap((f) => fileLines('  ', f)),
    '',
  ].join('\n');
