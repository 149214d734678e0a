import { CareplanErrorCode } from '../careplan.errors';
import { CsvFileKind } from '../column-schemas/column.types';
import { FileKind } from '../file-names/file-kind.constants';
import { IssueFactory, IssueSeverity, RowInput, ValidationIssue } from './validation.types';

/** the column (No) holding 対象年月 / 削除対象年月, which must match the file name and be one month per file */
const MONTH_COLUMN: Partial<Record<CsvFileKind, number>> = {
  [FileKind.UpHosoku]: 63,
  [FileKind.UpPlan]: 5,
  [FileKind.UpJsk]: 5,
  [FileKind.UpSikyu]: 5,
  [FileKind.DltPlan]: 4,
  [FileKind.DltJsk]: 4,
};

const VERSION = 1;
const HOSOKU_PLAN_DATE = 4;
const HOSOKU_MONTH = 63;

/**
 * File-level rules: one CSVバージョン per file; 対象年月 equal to the file name's (or, without a name, the same on
 * every row); UPHOSOKU ties to either a 1表 (作成日 set, 対象年月 000000) or a 6表 (00000000, month set), §1.6.
 */
export const checkKeyRules = (
  kind: CsvFileKind,
  records: readonly RowInput[],
  targetMonth: string | null,
  issue: IssueFactory,
): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  const push = (record: RowInput, column: number, code: CareplanErrorCode, message: string): void => {
    issues.push(issue(record, column, code, IssueSeverity.Error, message));
  };
  const first = records[0];
  if (first === undefined) return issues;
  const version = first.fields[VERSION - 1];
  const monthColumn = MONTH_COLUMN[kind];
  const month = targetMonth ?? (monthColumn === undefined ? null : first.fields[monthColumn - 1]);
  for (const record of records) {
    const value = (no: number): string => record.fields[no - 1];
    if (value(VERSION) !== version) {
      push(
        record,
        VERSION,
        CareplanErrorCode.CsvVersionMixed,
        `CSVバージョン ${value(VERSION)} differs from ${version}`,
      );
    }
    if (monthColumn !== undefined && month !== null && value(monthColumn) !== month) {
      push(
        record,
        monthColumn,
        CareplanErrorCode.KeyMismatch,
        `対象年月 ${value(monthColumn)} differs from ${month}`,
      );
    }
    if (kind === FileKind.UpHosoku) {
      const tiedToPlan = value(HOSOKU_MONTH) === '000000';
      if (tiedToPlan === (value(HOSOKU_PLAN_DATE) === '00000000')) {
        const message = tiedToPlan
          ? '対象年月 000000 ties the row to 第1表, so 居宅サービス計画作成（変更）日 must be a date'
          : '対象年月 ties the row to 第6表, so 居宅サービス計画作成（変更）日 must be 00000000';
        push(record, HOSOKU_PLAN_DATE, CareplanErrorCode.KeyMismatch, message);
      }
    }
  }
  return issues;
};
