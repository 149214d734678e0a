import { CareplanErrorCode } from '../careplan.errors';
import { CsvFileKind } from '../column-schemas/column.types';
import { FileKind } from '../file-names/file-kind.constants';
import { IssueFactory, IssueSeverity, RowInput, ValidationIssue } from './validation.types';

interface NumberingSpec {
  /** columns of the plan key */
  readonly key: readonly number[];
  /** the three hierarchical numbers, outermost first */
  readonly numbers: readonly [number, number, number];
}

// 第2表 課題/援助目標/援助内容 and 予防別表 課題/支援計画/利用サービス: at least one major receiver fails on duplicates (§1.5)
const NUMBERING: Partial<Record<CsvFileKind, NumberingSpec>> = {
  [FileKind.Up2Kyo]: { key: [2, 3, 5], numbers: [6, 8, 13] },
  [FileKind.UpYoboSub]: { key: [2, 3, 4], numbers: [5, 10, 14] },
};

/**
 * Within one plan the (課題, 目標, 内容) number triple must be unique and each number 1–99. A blank number carries
 * the previous row's value forward, as importers do with continuation rows.
 */
export const checkNumbering = (
  kind: CsvFileKind,
  records: readonly RowInput[],
  severity: IssueSeverity,
  issue: IssueFactory,
): ValidationIssue[] => {
  const spec = NUMBERING[kind];
  if (spec === undefined) return [];
  const issues: ValidationIssue[] = [];
  const lastNumbers = new Map<string, string[]>();
  const firstRowOf = new Map<string, number>();
  for (const record of records) {
    const planKey = spec.key.map((no) => record.fields[no - 1]).join('|');
    const previous = lastNumbers.get(planKey) ?? ['', '', ''];
    const numbers = spec.numbers.map((no, i) => record.fields[no - 1] || previous[i]);
    lastNumbers.set(planKey, numbers);
    spec.numbers.forEach((no, i) => {
      if (/^0+$/.test(numbers[i])) {
        issues.push(
          issue(record, no, CareplanErrorCode.BadFormat, IssueSeverity.Error, 'numbers run from 1 to 99'),
        );
      }
    });
    if (numbers.some((n) => !/^\d+$/.test(n))) continue;
    const id = `${planKey}|${numbers.map(Number).join('.')}`;
    const first = firstRowOf.get(id);
    if (first === undefined) {
      firstRowOf.set(id, record.row);
      continue;
    }
    const message = `numbering ${numbers.map(Number).join('-')} repeats row ${first} of the same plan`;
    issues.push(issue(record, spec.numbers[2], CareplanErrorCode.DuplicateNumbering, severity, message));
  }
  return issues;
};
