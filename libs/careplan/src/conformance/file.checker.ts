import { CareplanError, CareplanErrorCode, CareplanProblem } from '../careplan.errors';
import { Ms932Codec } from '../codec/ms932.codec';
import { CsvFileKind } from '../column-schemas/column.types';
import { FILE_SCHEMAS } from '../column-schemas/schema.registry';
import { FileKind } from '../file-names/file-kind.constants';
import { ParsedFileName, tryParseFileName } from '../file-names/file-name.parser';
import { upgradeLegacyRows } from '../validation/legacy-layout.upgrader';
import { validateFile } from '../validation/file.validator';
import { IssueSeverity, ValidationIssue, ValidationMode } from '../validation/validation.types';
import { CheckedFile } from './check-report.types';

/** a checked file plus what grouping needs */
export interface FileOutcome {
  readonly checked: CheckedFile;
  readonly parsed: ParsedFileName | null;
  /** data rows (header skipped) when the file decoded; absent for images and undecodable files */
  readonly rows?: readonly (readonly string[])[];
}

const codec = new Ms932Codec();

const fileIssue = (
  fileName: string,
  problem: CareplanProblem,
  columnNameOf: (no: number) => string | null = () => null,
): ValidationIssue => ({
  code: problem.code,
  severity: IssueSeverity.Error,
  message: problem.message,
  file: fileName,
  // row 0 marks a whole-file problem (a bad name); codec problems carry their record number
  row: problem.row ?? 0,
  line: problem.line ?? null,
  column: problem.column ?? null,
  columnName: problem.column === undefined ? null : columnNameOf(problem.column),
});

const problemsOf = (error: CareplanError): readonly CareplanProblem[] =>
  error.problems.length > 0 ? error.problems : [{ code: error.code, message: error.message }];

const byPosition = (a: ValidationIssue, b: ValidationIssue): number =>
  a.row - b.row || (a.column ?? 0) - (b.column ?? 0);

const summarise = (
  fileName: string,
  kind: FileKind | null,
  rows: number,
  issues: readonly ValidationIssue[],
): CheckedFile => {
  // stable sort: issues at one position keep the validator's order
  const sorted = [...issues].sort(byPosition);
  const errors = sorted.filter((i) => i.severity === IssueSeverity.Error).length;
  return { fileName, kind, rows, issues: sorted, errors, warnings: sorted.length - errors };
};

const decode = (fileName: string, kind: CsvFileKind, bytes: Uint8Array) => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return { records: codec.decode(buffer), issues: [] };
  } catch (error) {
    if (!(error instanceof CareplanError)) throw error;
    const columns = FILE_SCHEMAS[kind].columns;
    const columnNameOf = (no: number): string | null => columns[no - 1]?.name ?? null;
    return { records: null, issues: problemsOf(error).map((p) => fileIssue(fileName, p, columnNameOf)) };
  }
};

/**
 * One file of a folder: the name (FILE_NAME_*), then for CSV kinds the MS932 bytes (tolerant: BOM, blank lines,
 * LF) and the rows against the kind's V4.1 schema. Images are checked by name only.
 */
export const checkFile = (fileName: string, bytes: Uint8Array, mode: ValidationMode): FileOutcome => {
  const name = tryParseFileName(fileName);
  if (!name.ok) {
    const issues = problemsOf(name.error).map((p) => fileIssue(fileName, p));
    return { checked: summarise(fileName, null, 0, issues), parsed: null };
  }
  const parsed = name.value;
  if (parsed.kind === FileKind.UpKihonImage) {
    return { checked: summarise(fileName, parsed.kind, 0, []), parsed };
  }
  const kind: CsvFileKind = parsed.kind;
  const decoded = decode(fileName, kind, bytes);
  if (decoded.records === null) return { checked: summarise(fileName, kind, 0, decoded.issues), parsed };
  const upgraded = upgradeLegacyRows(kind, decoded.records, fileName);
  const validated = validateFile({
    kind,
    records: upgraded.records,
    mode,
    fileName,
    targetMonth: parsed.targetMonth,
  });
  const skipped = validated.some((i) => i.code === CareplanErrorCode.HeaderRowSkipped) ? 1 : 0;
  const rows = upgraded.records.slice(skipped).map((r) => r.fields);
  const checked = summarise(fileName, kind, rows.length, [...upgraded.issues, ...validated]);
  return { checked, parsed, rows };
};
