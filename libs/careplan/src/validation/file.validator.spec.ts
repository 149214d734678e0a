import { CareplanErrorCode } from '../careplan.errors';
import { ColumnType, CsvFileKind, Requirement } from '../column-schemas/column.types';
import { FILE_SCHEMAS } from '../column-schemas/schema.registry';
import { FileKind } from '../file-names/file-kind.constants';
import {
  careplanFileRowsFactory,
  careplanRowFactory,
  sikyuTotalRowFactory,
} from '../testing/careplan-row.factory';
import { toRecords, validateFile } from './file.validator';
import { IssueSeverity, ValidationIssue, ValidationMode } from './validation.types';

const ALL_KINDS = Object.values(FileKind).filter((k): k is CsvFileKind => k !== FileKind.UpKihonImage);

const validate = (
  kind: CsvFileKind,
  rows: string[][],
  mode = ValidationMode.Output,
  targetMonth: string | null = null,
): ValidationIssue[] =>
  validateFile({ kind, records: toRecords(rows), mode, fileName: 'F.CSV', targetMonth });

const summary = (issues: ValidationIssue[]) => issues.map((i) => [i.code, i.severity, i.column]);

describe('validateFile', () => {
  it.each(ALL_KINDS)('accepts a fully filled synthetic %s row', (kind) => {
    expect(validate(kind, careplanFileRowsFactory(kind, [careplanRowFactory(kind)]))).toEqual([]);
  });

  it.each(ALL_KINDS)('accepts a %s row with only the required columns', (kind) => {
    const rows = careplanFileRowsFactory(kind, [careplanRowFactory(kind, {}, true)]);
    expect(validate(kind, rows, ValidationMode.Input)).toEqual([]);
  });

  describe.each(ALL_KINDS)('an invalid %s row', (kind) => {
    const columns = FILE_SCHEMAS[kind].columns;
    const required = columns.filter((c) => c.requirement === Requirement.Required && c.no > 1);
    const formatted = columns.find((c) => c.type === ColumnType.Date || c.type === ColumnType.InsuredNumber);

    it('is refused when a required column is empty (REQUIRED_MISSING, with its number and name)', () => {
      const target = required[required.length - 1];
      const issues = validate(
        kind,
        careplanFileRowsFactory(kind, [careplanRowFactory(kind, { [target.no]: '' })]),
      );
      expect(issues).toContainEqual(
        expect.objectContaining({
          code: CareplanErrorCode.RequiredMissing,
          severity: IssueSeverity.Error,
          column: target.no,
          columnName: target.name,
        }),
      );
    });

    it('is refused with the wrong number of columns (COLUMN_COUNT)', () => {
      const short = careplanRowFactory(kind).slice(0, -1);
      expect(summary(validate(kind, careplanFileRowsFactory(kind, [short])))).toContainEqual([
        CareplanErrorCode.ColumnCount,
        IssueSeverity.Error,
        null,
      ]);
    });

    it('is refused with a malformed date or 被保険者番号 (BAD_FORMAT)', () => {
      const target = formatted ?? columns[1];
      const bad = target.type === ColumnType.Date ? '20250231' : 'X000012345';
      const row = careplanRowFactory(kind, { [target.no]: bad });
      expect(summary(validate(kind, careplanFileRowsFactory(kind, [row])))).toContainEqual([
        CareplanErrorCode.BadFormat,
        IssueSeverity.Error,
        target.no,
      ]);
    });
  });

  it('reports file, row, column number, Japanese column name and code', () => {
    const rows = [careplanRowFactory(FileKind.UpPlan), careplanRowFactory(FileKind.UpPlan, { 12: '2500' })];
    expect(validate(FileKind.UpPlan, rows)).toEqual([
      {
        code: CareplanErrorCode.BadFormat,
        severity: IssueSeverity.Error,
        message: expect.stringContaining('サービス開始時刻'),
        file: 'F.CSV',
        row: 2,
        line: null,
        column: 12,
        columnName: 'サービス開始時刻',
      },
    ]);
  });

  it.each([
    ['a missing required column', { 15: '' }, CareplanErrorCode.RequiredMissing, 15],
    ['an impossible date', { 10: '20250431' }, CareplanErrorCode.BadFormat, 10],
    ['a malformed 被保険者番号', { 3: 'X000012345' }, CareplanErrorCode.BadFormat, 3],
    ['a bad 保険者番号 check digit', { 2: '131012' }, CareplanErrorCode.InsurerCheckDigit, 2],
    ['a value outside its code table', { 23: '2' }, CareplanErrorCode.NotInCodeTable, 23],
    ['a too long integer', { 14: '100' }, CareplanErrorCode.TooLong, 14],
    ['a short 日割対象日 mask', { 11: '11111' }, CareplanErrorCode.BadFormat, 11],
    ['a 日割対象日 mask of other digits', { 11: '2'.repeat(31) }, CareplanErrorCode.BadFormat, 11],
  ])('rejects %s in 第6表', (_label, overrides, code, column) => {
    const issues = validate(FileKind.UpPlan, [careplanRowFactory(FileKind.UpPlan, overrides)]);
    expect(summary(issues)).toEqual([[code, IssueSeverity.Error, column]]);
  });

  it('accepts 9999 as "no time" and 生活保護 H-numbers', () => {
    const row = careplanRowFactory(FileKind.UpPlan, { 3: 'H123456789', 12: '9999', 13: '9999' });
    expect(validate(FileKind.UpPlan, [row])).toEqual([]);
  });

  it('warns, without rejecting, on an office number whose check digit fails', () => {
    const row = careplanRowFactory(FileKind.UpPlan, { 20: '2372100034' });
    expect(summary(validate(FileKind.UpPlan, [row]))).toEqual([
      [CareplanErrorCode.OfficeCheckDigit, IssueSeverity.Warning, 20],
    ]);
  });

  it('takes the 第7表 grand-total office 9999999999 without a check-digit warning', () => {
    expect(validate(FileKind.UpSikyu, [sikyuTotalRowFactory({ 34: '9999999999' })])).toEqual([]);
  });

  it('rejects a row with the wrong number of columns', () => {
    const issues = validate(FileKind.Dlt1Kyo, [[...careplanRowFactory(FileKind.Dlt1Kyo), 'extra']]);
    expect(summary(issues)).toEqual([[CareplanErrorCode.ColumnCount, IssueSeverity.Error, null]]);
  });

  describe('CSVバージョン', () => {
    it.each(['201910', '202003', '202208', '202407', '202410', '202504'])('reads %s', (version) => {
      expect(
        validate(
          FileKind.DltPlan,
          [careplanRowFactory(FileKind.DltPlan, { 1: version })],
          ValidationMode.Input,
        ),
      ).toEqual([]);
    });

    it.each([
      ['202504', ValidationMode.Output, CareplanErrorCode.CsvVersionNotWritable],
      ['202401', ValidationMode.Input, CareplanErrorCode.CsvVersionUnsupported],
    ])('refuses %s in %s mode', (version, mode, code) => {
      const issues = validate(FileKind.DltPlan, [careplanRowFactory(FileKind.DltPlan, { 1: version })], mode);
      expect(summary(issues)).toEqual([[code, IssueSeverity.Error, 1]]);
    });

    it('refuses a file that mixes versions', () => {
      const rows = [
        careplanRowFactory(FileKind.DltPlan, { 1: '202407' }),
        careplanRowFactory(FileKind.DltPlan, { 1: '202504' }),
      ];
      const issues = validate(FileKind.DltPlan, rows, ValidationMode.Input);
      expect(issues.map((i) => [i.code, i.row])).toEqual([[CareplanErrorCode.CsvVersionMixed, 2]]);
    });
  });

  describe('uncertain requirements (tolerant on input, strict on output)', () => {
    const row = sikyuTotalRowFactory({ 26: '', 33: '' });

    it('rejects an empty 第7表 No.26/No.33 on output', () => {
      expect(summary(validate(FileKind.UpSikyu, [row]))).toEqual([
        [CareplanErrorCode.RequiredMissing, IssueSeverity.Error, 26],
        [CareplanErrorCode.RequiredMissing, IssueSeverity.Error, 33],
      ]);
    });

    it('only warns about them on input', () => {
      expect(summary(validate(FileKind.UpSikyu, [row], ValidationMode.Input)).map(([, s]) => s)).toEqual([
        IssueSeverity.Warning,
        IssueSeverity.Warning,
      ]);
    });

    it('accepts a longer サービス単位／金額 on input only', () => {
      const long = sikyuTotalRowFactory({ 17: '123456' });
      expect(validate(FileKind.UpSikyu, [long], ValidationMode.Input)).toEqual([]);
      expect(summary(validate(FileKind.UpSikyu, [long]))).toEqual([
        [CareplanErrorCode.TooLong, IssueSeverity.Error, 17],
      ]);
    });
  });

  describe('key rules', () => {
    it.each([
      [FileKind.UpPlan, 5],
      [FileKind.UpJsk, 5],
      [FileKind.UpSikyu, 5],
      [FileKind.DltPlan, 4],
      [FileKind.DltJsk, 4],
      [FileKind.UpHosoku, 63],
    ] as const)('requires %s No.%i to match the file name month', (kind, column) => {
      const overrides: Record<number, string> = { [column]: '202505' };
      if (kind === FileKind.UpHosoku) overrides[4] = '00000000';
      if (column === 5) overrides[10] = '20250501';
      const rows = careplanFileRowsFactory(kind, [careplanRowFactory(kind, overrides)]);
      const issues = validate(kind, rows, ValidationMode.Input, '202504');
      // a 第7表 total row follows the month of the first row, so it mismatches too
      expect(summary(issues)).toEqual(
        rows.map(() => [CareplanErrorCode.KeyMismatch, IssueSeverity.Error, column]),
      );
    });

    it('keeps a 第6表 file to one service month even without a file name', () => {
      const rows = [
        careplanRowFactory(FileKind.UpPlan),
        careplanRowFactory(FileKind.UpPlan, { 5: '202505', 10: '20250501' }),
      ];
      expect(validate(FileKind.UpPlan, rows).map((i) => [i.code, i.row, i.column])).toEqual([
        [CareplanErrorCode.KeyMismatch, 2, 5],
      ]);
    });

    it.each([
      ['a 1表-tied row without a plan date', { 4: '00000000', 63: '000000' }],
      ['a 6表-tied row with a plan date', { 4: '20250401', 63: '202504' }],
    ])('rejects UPHOSOKU %s', (_label, overrides) => {
      expect(
        summary(validate(FileKind.UpHosoku, [careplanRowFactory(FileKind.UpHosoku, overrides)])),
      ).toEqual([[CareplanErrorCode.KeyMismatch, IssueSeverity.Error, 4]]);
    });
  });

  it('skips a header row on input with a warning', () => {
    const rows = [
      ['CSVバージョン', '保険者番号', '被保険者番号', '削除対象年月'],
      careplanRowFactory(FileKind.DltPlan),
    ];
    expect(summary(validate(FileKind.DltPlan, rows, ValidationMode.Input))).toEqual([
      [CareplanErrorCode.HeaderRowSkipped, IssueSeverity.Warning, null],
    ]);
  });

  it('reports, rather than skips, a first data row with a malformed CSVバージョン', () => {
    const rows = [careplanRowFactory(FileKind.DltPlan, { 1: '2024' })];
    expect(summary(validate(FileKind.DltPlan, rows, ValidationMode.Input))).toEqual([
      [CareplanErrorCode.BadFormat, IssueSeverity.Error, 1],
    ]);
  });
});
