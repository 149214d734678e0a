import * as iconv from 'iconv-lite';
import { CareplanErrorCode } from '../careplan.errors';
import { FileKind } from '../file-names/file-kind.constants';
import { careplanRowFactory } from '../testing/careplan-row.factory';
import { IssueSeverity } from '../validation/validation.types';
import { CareplanCsvCodec } from './careplan-csv.codec';
import { Ms932Codec } from './ms932.codec';

const PLAN_FILE = 'UPPLAN_202504_0300000100_43_0300000005_11_20250325120000.CSV';

describe(CareplanCsvCodec.name, () => {
  const sut = new CareplanCsvCodec();

  it('writes a 第6表 file with only free-text columns quoted', () => {
    const row = careplanRowFactory(FileKind.UpPlan, { 7: '山田', 16: '', 17: '', 18: '', 21: '' }, true);
    const text = iconv.decode(sut.write(FileKind.UpPlan, [row], '202504'), 'cp932');
    expect(text).toBe(
      '202407,131011,0000012345,20250401,202504,,"山田",,,20250401,,0900,0900,1,111111,,,,,2875104529,,,0,,\r\n',
    );
  });

  it('reads back what it wrote with no issues', () => {
    const rows = [
      careplanRowFactory(FileKind.UpPlan),
      careplanRowFactory(FileKind.UpPlan, { 10: '20250402' }),
    ];
    const read = sut.read(PLAN_FILE, sut.write(FileKind.UpPlan, rows));
    expect(read.issues).toEqual([]);
    expect(read.records.map((r) => r.fields)).toEqual(rows);
    expect(read.name.kind).toBe(FileKind.UpPlan);
  });

  it('refuses to write a row with errors and lists each one', () => {
    const row = careplanRowFactory(FileKind.UpPlan, { 1: '202504', 15: '' });
    expect(() => sut.write(FileKind.UpPlan, [row])).toThrow(
      expect.objectContaining({
        code: CareplanErrorCode.CsvVersionNotWritable,
        problems: [
          expect.objectContaining({
            code: CareplanErrorCode.CsvVersionNotWritable,
            row: 1,
            column: 1,
            columnName: 'CSVバージョン',
          }),
          expect.objectContaining({ code: CareplanErrorCode.RequiredMissing, row: 1, column: 15 }),
        ],
      }),
    );
  });

  it('reports a received row whose month differs from the file name', () => {
    const bytes = sut.write(FileKind.UpPlan, [
      careplanRowFactory(FileKind.UpPlan, { 5: '202505', 10: '20250501' }),
    ]);
    expect(sut.read(PLAN_FILE, bytes).issues).toEqual([
      expect.objectContaining({
        code: CareplanErrorCode.KeyMismatch,
        severity: IssueSeverity.Error,
        file: PLAN_FILE,
        row: 1,
        line: 1,
        column: 5,
        columnName: '対象年月',
      }),
    ]);
  });

  it('refuses to read an image as CSV', () => {
    const image = 'UPKIHON_IMAGE_0300000100_46_0300000100_43_20250101000000_0001.jpg';
    expect(() => sut.read(image, Buffer.alloc(0))).toThrow(
      expect.objectContaining({ code: CareplanErrorCode.NoSchemaForKind }),
    );
  });
});

describe(`${CareplanCsvCodec.name} with pre-V4 files`, () => {
  const sut = new CareplanCsvCodec();
  const codec = new Ms932Codec();

  it('reads a V3 第6表 row (22 columns, CSVバージョン 202208) into the V4.1 layout with a warning', () => {
    const v4 = careplanRowFactory(FileKind.UpPlan, { 1: '202208', 16: '', 17: '', 18: '' });
    const v3 = [...v4.slice(0, 15), ...v4.slice(18)];
    const read = sut.read('UPPLAN_202504_0300000100_0300000005_20250325120000.CSV', codec.encode([v3]));
    expect(read.records.map((r) => r.fields)).toEqual([v4]);
    expect(read.issues.map((i) => [i.code, i.severity])).toEqual([
      [CareplanErrorCode.LegacyLayoutUpgraded, IssueSeverity.Warning],
    ]);
  });

  it('leaves a 22-column row with a V4 CSVバージョン to be reported as a column-count error', () => {
    const short = careplanRowFactory(FileKind.UpPlan).slice(0, 22);
    const read = sut.read(PLAN_FILE, codec.encode([short]));
    expect(read.issues.map((i) => i.code)).toEqual([CareplanErrorCode.ColumnCount]);
  });
});
