import { CareplanErrorCode } from '../careplan.errors';
import { CsvFileKind, FileSchema } from '../column-schemas/column.types';
import { FILE_SCHEMAS } from '../column-schemas/schema.registry';
import { cellChecks } from './cell.validator';
import { checkKeyRules } from './key-rules.validator';
import { checkNumbering } from './numbering.validator';
import { checkServiceUsageRules } from './service-usage-rules.validator';
import {
  IssueFactory,
  IssueSeverity,
  RowInput,
  ValidationIssue,
  ValidationMode,
  structureSeverity,
} from './validation.types';

export interface ValidateFileOptions {
  readonly kind: CsvFileKind;
  readonly records: readonly RowInput[];
  readonly mode: ValidationMode;
  /** reported with every issue */
  readonly fileName?: string | null;
  /** 対象年月 from the file name: rows must agree with it */
  readonly targetMonth?: string | null;
}

/** rows without record numbers (what a writer holds) as records */
export const toRecords = (rows: readonly (readonly string[])[]): RowInput[] =>
  rows.map((fields, i) => ({ row: i + 1, fields }));

const issueFactory =
  (schema: FileSchema, file: string | null): IssueFactory =>
  (record, columnNo, code, severity, message) => ({
    code,
    severity,
    message,
    file,
    row: record.row,
    line: record.line ?? null,
    column: columnNo,
    columnName: columnNo === null ? null : schema.columns[columnNo - 1].name,
  });

// defensive parsers skip rows whose first field is not 6 digits (§1.5, §9.3); we skip only a first row that starts
// with text, so a data row with a malformed CSVバージョン is still reported instead of silently dropped
const isHeader = (record: RowInput): boolean => /^[^\d]/.test(record.fields[0] ?? '');

/**
 * Checks rows against the V4.1 layout of their kind: column count, required, length, format, code tables,
 * CSVバージョン (one per file), check digits and the key rules. Returns every issue; errors and warnings alike.
 */
export const validateFile = (options: ValidateFileOptions): ValidationIssue[] => {
  const schema = FILE_SCHEMAS[options.kind];
  const issue = issueFactory(schema, options.fileName ?? null);
  const issues: ValidationIssue[] = [];
  let records = options.records;
  if (options.mode === ValidationMode.Input && records.length > 0 && isHeader(records[0])) {
    issues.push(
      issue(
        records[0],
        null,
        CareplanErrorCode.HeaderRowSkipped,
        IssueSeverity.Warning,
        'header row skipped',
      ),
    );
    records = records.slice(1);
  }
  const wellFormed: RowInput[] = [];
  const { columns } = schema;
  const checks = cellChecks(schema, options.mode);
  for (const record of records) {
    if (record.fields.length !== schema.columns.length) {
      const message = `${options.kind} has ${schema.columns.length} columns, this row ${record.fields.length}`;
      issues.push(issue(record, null, CareplanErrorCode.ColumnCount, IssueSeverity.Error, message));
      continue;
    }
    wellFormed.push(record);
    for (let i = 0; i < columns.length; i++) {
      const f = checks[i](record.fields[i]);
      if (f !== null) issues.push(issue(record, columns[i].no, f.code, f.severity, f.message));
    }
  }
  issues.push(...checkKeyRules(options.kind, wellFormed, options.targetMonth ?? null, issue));
  const severity = structureSeverity(options.mode);
  issues.push(...checkNumbering(options.kind, wellFormed, severity, issue));
  issues.push(...checkServiceUsageRules(options.kind, wellFormed, severity, issue));
  return issues;
};

export const hasErrors = (issues: readonly ValidationIssue[]): boolean =>
  issues.some((i) => i.severity === IssueSeverity.Error);
