import { CareplanErrorCode } from '../careplan.errors';
import { FileKind } from '../file-names/file-kind.constants';
import { careplanRowFactory } from '../testing/careplan-row.factory';
import { toRecords, validateFile } from './file.validator';
import { IssueSeverity, ValidationMode } from './validation.types';

// 第2表: No.6 課題ＮＯ, No.8 援助目標ＮＯ, No.13 援助内容ＮＯ
const plan2Row = (issue: string, goal: string, content: string, planDate = '20250401'): string[] =>
  careplanRowFactory(FileKind.Up2Kyo, { 5: planDate, 6: issue, 8: goal, 13: content });

const check = (rows: string[][], mode = ValidationMode.Output) =>
  validateFile({ kind: FileKind.Up2Kyo, records: toRecords(rows), mode }).map((i) => [
    i.code,
    i.severity,
    i.row,
    i.column,
  ]);

describe('第2表 numbering', () => {
  it('accepts distinct numbering and continuation rows with blank numbers', () => {
    expect(
      check([
        plan2Row('1', '1', '1'),
        plan2Row('', '', '2'),
        plan2Row('', '2', '1'),
        plan2Row('2', '1', '1'),
      ]),
    ).toEqual([]);
  });

  it('rejects a repeated 課題/目標/内容 triple on output', () => {
    expect(check([plan2Row('1', '1', '1'), plan2Row('1', '1', '2'), plan2Row('01', '1', '2')])).toEqual([
      [CareplanErrorCode.DuplicateNumbering, IssueSeverity.Error, 3, 13],
    ]);
  });

  it('treats a blank number as the previous one, so a blank 内容 repeats', () => {
    expect(check([plan2Row('1', '1', '1'), plan2Row('', '', '')])).toEqual([
      [CareplanErrorCode.DuplicateNumbering, IssueSeverity.Error, 2, 13],
    ]);
  });

  it('only warns about duplicates on input', () => {
    expect(check([plan2Row('1', '1', '1'), plan2Row('1', '1', '1')], ValidationMode.Input)).toEqual([
      [CareplanErrorCode.DuplicateNumbering, IssueSeverity.Warning, 2, 13],
    ]);
  });

  it('numbers each plan on its own', () => {
    expect(check([plan2Row('1', '1', '1'), plan2Row('1', '1', '1', '20250501')])).toEqual([]);
  });

  it('rejects a zero number', () => {
    expect(check([plan2Row('0', '1', '1')])).toEqual([
      [CareplanErrorCode.BadFormat, IssueSeverity.Error, 1, 6],
    ]);
  });

  it('applies the same rule to 予防 別表 numbering', () => {
    const row = careplanRowFactory(FileKind.UpYoboSub, { 5: '1', 10: '1', 14: '1' });
    const issues = validateFile({
      kind: FileKind.UpYoboSub,
      records: toRecords([row, row]),
      mode: ValidationMode.Output,
    });
    expect(issues.map((i) => [i.code, i.column])).toEqual([[CareplanErrorCode.DuplicateNumbering, 14]]);
  });
});
