import { CareplanErrorCode } from '../careplan.errors';
import { CareplanCsvCodec } from '../codec/careplan-csv.codec';
import { Ms932Codec } from '../codec/ms932.codec';
import { CsvFileKind } from '../column-schemas/column.types';
import { FileDirection, FileKind } from '../file-names/file-kind.constants';
import { parseFileName } from '../file-names/file-name.parser';
import { generateCorpus } from '../fixtures/fixture-unit.generator';
import { SEND_UNIT_RULES, SendUnitType } from '../send-units/send-unit.rules';
import { IssueSeverity, ValidationMode } from '../validation/validation.types';
import { CheckReport } from './check-report.types';
import { ConformancePattern } from './conformance-pattern.constants';
import { folderOf, KYOTAKU, PATTERN_UNITS, PROVIDER, unitOf } from './conformance.test-util';
import { checkFiles, FolderFile } from './folder.checker';

const ms932 = new Ms932Codec();
const codesOf = (report: CheckReport): string[] => report.units.flatMap((u) => u.problems.map((p) => p.code));

/** re-encodes a generated file with one cell changed, bypassing the strict writer */
const withCell = (file: FolderFile, row: number, column: number, value: string): FolderFile => {
  const rows = ms932.decode(Buffer.from(file.bytes)).map((r) => [...r.fields]);
  rows[row - 1][column - 1] = value;
  return { fileName: file.fileName, bytes: ms932.encode(rows) };
};

describe(checkFiles.name, () => {
  it.each(SEND_UNIT_RULES.map((r) => [r.type] as const))('accepts a generated %s unit', (type) => {
    const unit = unitOf({ type });

    const sut = checkFiles(folderOf(unit));

    expect(sut).toMatchObject({ ok: true, errors: 0, warnings: 0 });
    expect(sut.units).toHaveLength(1);
    expect(sut.units[0]).toMatchObject({ type, ok: true, problems: [], fileSequence: unit.sequence });
    expect(sut.units[0].files).toEqual(unit.files.map((f) => f.fileName).sort());
  });

  it('reports every file with its kind and row count, in name order', () => {
    const unit = unitOf({ type: SendUnitType.ServiceUsagePlan });
    const sut = checkFiles(folderOf(unit).reverse());

    const expected = [...unit.files].sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
    expect(sut.files.map((f) => [f.fileName, f.kind, f.rows])).toEqual(
      expected.map((f) => [f.fileName, f.kind, f.rows.length]),
    );
  });

  it('classifies one unit of each vendor test pattern D1–D7, in import order', () => {
    const units = PATTERN_UNITS.map(([, spec]) => unitOf(spec));

    const sut = checkFiles(folderOf(...units).reverse());

    expect(sut.ok).toBe(true);
    expect(sut.units.map((u) => u.pattern)).toEqual(PATTERN_UNITS.map(([pattern]) => pattern));
    expect(sut.units.map((u) => u.fileSequence)).toEqual(units.map((u) => u.sequence));
  });

  it('checks a generated corpus with no issue and is deterministic whatever the input order', () => {
    const files = folderOf(...generateCorpus({ seed: 9, targetBytes: 60_000 }));

    const sut = checkFiles(files);

    expect(sut).toMatchObject({ ok: true, errors: 0, warnings: 0 });
    expect(sut.units.every((u) => u.pattern !== null)).toBe(true);
    expect(checkFiles([...files].reverse())).toEqual(sut);
  });

  it('reports a bad cell with its row, column number and Japanese column name, and fails its unit', () => {
    const unit = unitOf({ type: SendUnitType.ServiceUsagePlan });
    const folder = folderOf(unit);
    const plan = folder.findIndex((f) => f.fileName.startsWith('UPPLAN_'));
    folder[plan] = withCell(folder[plan], 2, 3, 'ABC');

    const sut = checkFiles(folder);

    const file = sut.files.find((f) => f.fileName === folder[plan].fileName);
    expect(file?.issues).toContainEqual(
      expect.objectContaining({
        severity: IssueSeverity.Error,
        file: folder[plan].fileName,
        row: 2,
        line: 2,
        column: 3,
        columnName: '被保険者番号',
      }),
    );
    expect(sut.ok).toBe(false);
    expect(sut.units[0]).toMatchObject({ type: SendUnitType.ServiceUsagePlan, problems: [], ok: false });
  });

  it('reports a row with the wrong column count as a whole-row COLUMN_COUNT error', () => {
    const folder = folderOf(unitOf({ type: SendUnitType.Actual }));
    const rows = ms932.decode(Buffer.from(folder[0].bytes)).map((r) => [...r.fields]);
    rows[0].pop();
    folder[0] = { fileName: folder[0].fileName, bytes: ms932.encode(rows) };

    const [file] = checkFiles(folder).files;

    expect(file.issues[0]).toMatchObject({
      code: CareplanErrorCode.ColumnCount,
      row: 1,
      column: null,
      columnName: null,
    });
  });

  it('reports a bad file name with its FILE_NAME_* code and keeps it out of every unit', () => {
    const unit = unitOf({ type: SendUnitType.Actual });
    const bad = unit.files[0].fileName.replace(`_${unit.files[0].fileName.split('_')[1]}_`, '_202513_');

    const sut = checkFiles([...folderOf(unit), { fileName: bad, bytes: unit.files[0].bytes }]);

    const file = sut.files.find((f) => f.fileName === bad);
    expect(file).toMatchObject({ kind: null, rows: 0, errors: 1 });
    expect(file?.issues[0]).toMatchObject({ code: CareplanErrorCode.FileNameBadTargetMonth, row: 0 });
    expect(sut.units.flatMap((u) => u.files)).not.toContain(bad);
    expect(sut.units[0].ok).toBe(true);
    expect(sut.ok).toBe(false);
  });

  it('reports an unknown prefix as FILE_NAME_UNKNOWN_KIND', () => {
    const sut = checkFiles([{ fileName: 'README.txt', bytes: new Uint8Array() }]);

    expect(sut.files[0].issues.map((i) => i.code)).toEqual([CareplanErrorCode.FileNameUnknownKind]);
    expect(sut.units).toEqual([]);
  });

  it('reports an illegal combination of kinds with no pattern', () => {
    const seq = '20250401100000';
    const plan = unitOf({ type: SendUnitType.KyotakuPlan, sequence: seq });
    const usage = unitOf({ type: SendUnitType.ServiceUsagePlan, sequence: seq });
    const files = [...plan.files.filter((f) => f.kind === FileKind.Up1Kyo), ...usage.files];

    const sut = checkFiles(files);

    expect(sut.units).toHaveLength(1);
    expect(sut.units[0]).toMatchObject({ type: null, kind: null, pattern: null, ok: false });
    expect(codesOf(sut)).toEqual([CareplanErrorCode.SendUnitIllegalCombination]);
    expect(sut.errors).toBe(1);
  });

  it('reports a self-send and still names the pattern the unit was meant for', () => {
    const unit = unitOf({ type: SendUnitType.ServiceUsagePlan, provider: KYOTAKU });

    const sut = checkFiles(folderOf(unit));

    expect(codesOf(sut)).toEqual([CareplanErrorCode.SendUnitSelfSend]);
    expect(sut.units[0]).toMatchObject({
      type: SendUnitType.ServiceUsagePlan,
      pattern: ConformancePattern.D2,
      ok: false,
    });
  });

  it('reports files of one unit carrying mixed ファイル連番 on both groups', () => {
    const first = unitOf({ type: SendUnitType.ServiceUsagePlan, sequence: '20250401100000' });
    const second = unitOf({ type: SendUnitType.ServiceUsagePlan, sequence: '20250401100500' });
    const files = [
      ...first.files.filter((f) => f.kind === FileKind.UpPlan),
      ...second.files.filter((f) => f.kind !== FileKind.UpPlan),
    ];

    const sut = checkFiles(folderOf({ ...first, files }));

    expect(sut.units.map((u) => u.fileSequence)).toEqual(['20250401100000', '20250401100500']);
    const [planUnit, rest] = sut.units;
    expect(planUnit.problems.map((p) => p.code)).toEqual([
      CareplanErrorCode.SendUnitSequenceMismatch,
      CareplanErrorCode.SendUnitSequenceMismatch,
    ]);
    expect(rest.problems.map((p) => p.code)).toEqual([
      CareplanErrorCode.SendUnitIllegalCombination,
      CareplanErrorCode.SendUnitSequenceMismatch,
      CareplanErrorCode.SendUnitSequenceMismatch,
    ]);
    expect(rest.problems[1].message).toContain('20250401100500');
    expect(sut.units.every((u) => !u.ok)).toBe(true);
  });

  it('reports a unit flowing against the expected direction', () => {
    const sut = checkFiles(folderOf(unitOf({ type: SendUnitType.ServiceUsagePlan })), {
      expectedDirection: FileDirection.FromProvider,
    });

    expect(codesOf(sut)).toEqual([CareplanErrorCode.SendUnitWrongDirection]);
  });

  it('reads tolerant input: a UTF-8 BOM and blank lines', () => {
    const unit = unitOf({ type: SendUnitType.Actual });
    const [file] = unit.files;
    const text = Buffer.from(file.bytes).toString('latin1').replace(/\r\n/g, '\r\n\r\n');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'latin1')]);

    const sut = checkFiles([{ fileName: file.fileName, bytes }]);

    expect(sut).toMatchObject({ ok: true, errors: 0 });
    expect(sut.files[0].rows).toBe(file.rows.length);
  });

  it('reports undecodable bytes with their position instead of throwing', () => {
    const unit = unitOf({ type: SendUnitType.Actual });
    const [file] = unit.files;
    const lineEnd = Buffer.from(file.bytes).indexOf('\r\n');
    const bytes = Buffer.concat([
      file.bytes.subarray(0, lineEnd),
      Buffer.from([0x81]),
      file.bytes.subarray(lineEnd),
    ]);

    const sut = checkFiles([{ fileName: file.fileName, bytes }]);

    expect(sut.files[0]).toMatchObject({ rows: 0, errors: 1 });
    expect(sut.files[0].issues[0]).toMatchObject({
      code: CareplanErrorCode.Ms932InvalidBytes,
      row: 1,
      column: 25,
      columnName: '識別子',
    });
    expect(sut.units[0].ok).toBe(false);
  });

  it('checks images by name only', () => {
    const unit = unitOf({ type: SendUnitType.Kihon });
    const folder = folderOf(unit).map((f) =>
      f.fileName.endsWith('.jpg') ? { ...f, bytes: new Uint8Array([1, 2, 3]) } : f,
    );

    const sut = checkFiles(folder);

    expect(sut.ok).toBe(true);
    const image = sut.files.find((f) => f.kind === FileKind.UpKihonImage);
    expect(image).toMatchObject({ rows: 0, issues: [] });
  });

  it('skips a header row with a warning in INPUT mode and rejects it in OUTPUT mode', () => {
    const [file] = unitOf({ type: SendUnitType.Actual }).files;
    const header = ms932.encode([['CSVバージョン', '保険者番号', '被保険者番号']]);
    const withHeader = { fileName: file.fileName, bytes: Buffer.concat([header, file.bytes]) };

    const input = checkFiles([withHeader]);
    const output = checkFiles([withHeader], { mode: ValidationMode.Output });

    expect(input.files[0]).toMatchObject({ errors: 0, warnings: 1, rows: file.rows.length });
    expect(input.files[0].issues[0].code).toBe(CareplanErrorCode.HeaderRowSkipped);
    expect(output.files[0].errors).toBeGreaterThan(0);
  });

  it('returns plain JSON-serialisable data', () => {
    const sut = checkFiles(folderOf(unitOf({ type: SendUnitType.ServiceUsagePlan, provider: KYOTAKU })));

    expect(JSON.parse(JSON.stringify(sut))).toEqual(sut);
  });
});

describe('MS932 round trip of generated units', () => {
  it.each(SEND_UNIT_RULES.map((r) => [r.type] as const))(
    'decodes and re-encodes the %s files byte for byte',
    (type) => {
      const writer = new CareplanCsvCodec();
      const unit = unitOf({ type, provider: PROVIDER, seed: 21 });
      for (const file of unit.files.filter((f) => f.kind !== FileKind.UpKihonImage)) {
        const decoded = ms932.decode(file.bytes).map((r) => r.fields);
        const { targetMonth } = parseFileName(file.fileName);

        const encoded = writer.write(file.kind as CsvFileKind, decoded, targetMonth);

        expect(encoded.equals(file.bytes)).toBe(true);
      }
    },
  );
});
