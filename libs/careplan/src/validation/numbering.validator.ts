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

const NO_NUMBERS: readonly string[] = ['', '', ''];

// char-code loops instead of /^0+$/ and /^\d+$/: three numbers on every row of the two numbered kinds
const isZeros = (v: string): boolean => {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) !== 0x30) return false;
  return v.length > 0;
};
const isDigits = (v: string): boolean => {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return v.length > 0;
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
  const lastNumbers = new Map<string, readonly string[]>();
  const firstRowOf = new Map<string, number>();
  for (const record of records) {
    const { fields } = record;
    const planKey = spec.key.map((no) => fields[no - 1]).join('|');
    const previous = lastNumbers.get(planKey) ?? NO_NUMBERS;
    const numbers = spec.numbers.map((no, i) => fields[no - 1] || previous[i]);
    lastNumbers.set(planKey, numbers);
    let allDigits = true;
    for (let i = 0; i < numbers.length; i++) {
      if (isZeros(numbers[i])) {
        const message = 'numbers run from 1 to 99';
        issues.push(
          issue(record, spec.numbers[i], CareplanErrorCode.BadFormat, IssueSeverity.Error, message),
        );
      }
      allDigits &&= isDigits(numbers[i]);
    }
    if (!allDigits) continue;
    const values = numbers.map(Number);
    const id = `${planKey}|${values.join('.')}`;
    const first = firstRowOf.get(id);
    if (first === undefined) {
      firstRowOf.set(id, record.row);
      continue;
    }
    const message = `numbering ${values.join('-')} repeats row ${first} of the same plan`;
    issues.push(issue(record, spec.numbers[2], CareplanErrorCode.DuplicateNumbering, severity, message));
  }
  return issues;
};
