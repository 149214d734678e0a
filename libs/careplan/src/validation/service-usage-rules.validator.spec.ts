import { CareplanErrorCode } from '../careplan.errors';
import { CsvFileKind } from '../column-schemas/column.types';
import { FileKind } from '../file-names/file-kind.constants';
import { careplanRowFactory, sikyuTotalRowFactory } from '../testing/careplan-row.factory';
import { toRecords, validateFile } from './file.validator';
import { IssueSeverity, ValidationMode } from './validation.types';

const check = (kind: CsvFileKind, rows: string[][], mode = ValidationMode.Output) =>
  validateFile({ kind, records: toRecords(rows), mode }).map((i) => [i.code, i.severity, i.row, i.column]);

describe('第6表 row rules', () => {
  const usage = (overrides: Record<number, string>) => careplanRowFactory(FileKind.UpPlan, overrides);

  it.each([
    ['a day mask that ends with the month', { 5: '202502', 10: '20250228', 11: `${'0'.repeat(27)}1000` }],
    ['9999 on both times', { 12: '9999', 13: '9999' }],
  ])('accepts %s', (_label, overrides) => {
    expect(check(FileKind.UpPlan, [usage(overrides)])).toEqual([]);
  });

  it.each([
    ['a service date outside 対象年月', { 10: '20250501' }, CareplanErrorCode.ServiceDateOutsideMonth, 10],
    [
      'a day mask past the month end',
      { 5: '202502', 10: '20250201', 11: `${'0'.repeat(28)}100` },
      CareplanErrorCode.DayMaskBeyondMonth,
      11,
    ],
    ['9999 on only one time', { 12: '9999', 13: '1000' }, CareplanErrorCode.TimePairMismatch, 13],
  ])('rejects %s', (_label, overrides, code, column) => {
    expect(check(FileKind.UpPlan, [usage(overrides)])).toEqual([[code, IssueSeverity.Error, 1, column]]);
  });

  it('only warns about them on input', () => {
    expect(
      check(FileKind.UpJsk, [careplanRowFactory(FileKind.UpJsk, { 12: '9999' })], ValidationMode.Input),
    ).toEqual([[CareplanErrorCode.TimePairMismatch, IssueSeverity.Warning, 1, 13]]);
  });
});

describe('第7表 pseudo service codes', () => {
  const service = (code: string, office = '2875104529') =>
    careplanRowFactory(FileKind.UpSikyu, { 7: office, 9: code });
  const pseudo = (code: string, office = '2875104529') =>
    careplanRowFactory(FileKind.UpSikyu, { 7: office, 9: code, 13: '0', 14: '', 15: '' });

  it('accepts two rows of one type with their AAAA subtotal, optional EEEE/ZZZZ and the total', () => {
    const rows = [
      service('111111'),
      service('111211'),
      pseudo('11AAAA'),
      pseudo('11EEEE'),
      pseudo('11ZZZZ'),
      sikyuTotalRowFactory(),
    ];
    expect(check(FileKind.UpSikyu, rows)).toEqual([]);
  });

  it('requires the AAAA subtotal when a type has several rows at one office', () => {
    expect(check(FileKind.UpSikyu, [service('111111'), service('111211'), sikyuTotalRowFactory()])).toEqual([
      [CareplanErrorCode.SikyuSubtotalMissing, IssueSeverity.Error, 1, 9],
    ]);
  });

  it('needs no subtotal for one row per type and office', () => {
    const rows = [
      service('111111'),
      service('111111', '3450219724'),
      service('151111'),
      sikyuTotalRowFactory(),
    ];
    expect(check(FileKind.UpSikyu, rows)).toEqual([]);
  });

  it('requires a 999999 total row per user', () => {
    const otherUser = careplanRowFactory(FileKind.UpSikyu, { 3: '0000099999' });
    expect(check(FileKind.UpSikyu, [service('111111'), sikyuTotalRowFactory(), otherUser])).toEqual([
      [CareplanErrorCode.SikyuTotalRowMissing, IssueSeverity.Error, 3, 9],
    ]);
  });

  it.each([
    ['a total row with a real office', sikyuTotalRowFactory({ 7: '2875104529' }), 7],
    ['a real code at office 9999999999', service('111111', '9999999999'), 7],
    [
      'units on a subtotal row',
      careplanRowFactory(FileKind.UpSikyu, { 9: '11AAAA', 13: '5', 14: '', 15: '' }),
      13,
    ],
    [
      'a discount rate on a subtotal row',
      careplanRowFactory(FileKind.UpSikyu, { 9: '11AAAA', 13: '0', 15: '' }),
      14,
    ],
  ])('rejects %s', (_label, row, column) => {
    const issues = check(FileKind.UpSikyu, [row, sikyuTotalRowFactory()]);
    expect(issues.filter(([, , r]) => r === 1).map(([code, , , c]) => [code, c])).toEqual([
      [column === 7 ? CareplanErrorCode.SikyuTotalRowOffice : CareplanErrorCode.SikyuPseudoRowValues, column],
    ]);
  });
});
