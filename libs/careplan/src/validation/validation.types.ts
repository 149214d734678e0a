import { CareplanErrorCode } from '../careplan.errors';

export enum IssueSeverity {
  Error = 'ERROR',
  Warning = 'WARNING',
}

/** input is what we receive (tolerant), output is what we write (strict) — domain.md §1.10 */
export enum ValidationMode {
  Input = 'INPUT',
  Output = 'OUTPUT',
}

export interface ValidationIssue {
  readonly code: CareplanErrorCode;
  readonly severity: IssueSeverity;
  readonly message: string;
  readonly file: string | null;
  /** 1-based record number (blank lines not counted) */
  readonly row: number;
  /** 1-based physical line, when known */
  readonly line: number | null;
  /** 1-based column number (No), null for whole-row problems */
  readonly column: number | null;
  /** Japanese column name from the layout, null for whole-row problems */
  readonly columnName: string | null;
}

/** a row to validate: a decoded CsvRecord, or a row about to be written (no line) */
export interface RowInput {
  readonly row: number;
  readonly line?: number;
  readonly fields: readonly string[];
}

export const CSV_VERSION_WRITTEN = '202407';

/**
 * CSVバージョン values accepted on input. 202504 (the 4.0 value) and 202410 (the 4.1 issue month, used by at
 * least one public builder) are "V4" in the wild (§1.1, §1.10); the layout is read as V4.1 for all of them.
 */
export const CSV_VERSIONS_READ: readonly string[] = [
  '201910',
  '202003',
  '202208',
  '202407',
  '202410',
  '202504',
];

export type IssueFactory = (
  record: RowInput,
  columnNo: number | null,
  code: CareplanErrorCode,
  severity: IssueSeverity,
  message: string,
) => ValidationIssue;

/** structure rules (numbering, 第7表 subtotals, …) block output but only warn on input (domain.md §1.10) */
export const structureSeverity = (mode: ValidationMode): IssueSeverity =>
  mode === ValidationMode.Output ? IssueSeverity.Error : IssueSeverity.Warning;
