import { CareplanErrorCode } from '../careplan.errors';
import { FileKind } from '../file-names/file-kind.constants';
import { CODE_TABLES } from './code-tables.constants';
import { ColumnType, CsvFileKind, Requirement } from './column.types';
import { FILE_SCHEMAS, schemaFor } from './schema.registry';

// column counts from domain.md §9.1
const EXPECTED_COUNTS: Record<CsvFileKind, number> = {
  [FileKind.UpHosoku]: 63,
  [FileKind.Up1Kyo]: 28,
  [FileKind.Up2Kyo]: 22,
  [FileKind.Up3Kyo]: 13,
  [FileKind.Dlt1Kyo]: 4,
  [FileKind.UpPlan]: 25,
  [FileKind.UpJsk]: 25,
  [FileKind.DltPlan]: 4,
  [FileKind.DltJsk]: 6,
  [FileKind.UpSikyu]: 37,
  [FileKind.UpKihon]: 71,
  [FileKind.UpKihonSub1]: 7,
  [FileKind.UpKihonSub2]: 11,
  [FileKind.DltKihon]: 4,
  [FileKind.UpYobo]: 57,
  [FileKind.UpYoboSub]: 17,
  [FileKind.DltYobo]: 4,
};

describe('FILE_SCHEMAS', () => {
  it.each(Object.entries(EXPECTED_COUNTS))('gives %s %i numbered columns', (kind, count) => {
    const { columns } = FILE_SCHEMAS[kind as CsvFileKind];
    expect(columns).toHaveLength(count);
    expect(columns.map((c) => c.no)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it.each(Object.keys(EXPECTED_COUNTS))('starts %s with the common key columns, all required', (kind) => {
    const first = FILE_SCHEMAS[kind as CsvFileKind].columns.slice(0, 3);
    expect(first.map((c) => c.name)).toEqual(['CSVバージョン', '保険者番号', '被保険者番号']);
    expect(first.every((c) => c.requirement === Requirement.Required)).toBe(true);
  });

  it('marks exactly the 第6表 columns domain.md lists as required', () => {
    const required = FILE_SCHEMAS[FileKind.UpPlan].columns
      .filter((c) => c.requirement === Requirement.Required)
      .map((c) => c.no);
    expect(required).toEqual([1, 2, 3, 4, 5, 10, 12, 13, 14, 15, 20, 23]);
  });

  it('marks the 第7表 required columns and the ambiguous 26/33 pair', () => {
    const { columns } = FILE_SCHEMAS[FileKind.UpSikyu];
    expect(columns.filter((c) => c.requirement === Requirement.Required).map((c) => c.no)).toEqual([
      1, 2, 3, 4, 5, 7, 9, 13, 16,
    ]);
    expect(columns.filter((c) => c.requirement === Requirement.Uncertain).map((c) => c.no)).toEqual([26, 33]);
  });

  it.each([
    [FileKind.UpHosoku, 18, '要介護状態区分'],
    [FileKind.UpHosoku, 63, '対象年月'],
    [FileKind.Up1Kyo, 14, '居宅サービス計画作成（変更）日'],
    [FileKind.Up2Kyo, 13, '援助内容ＮＯ'],
    [FileKind.UpPlan, 11, '日割対象日'],
    [FileKind.UpSikyu, 30, '前月までの利用日数'],
    [FileKind.UpKihon, 62, '家族構成 画像ファイル名'],
    [FileKind.UpYobo, 55, '地域包括支援センター意見'],
    [FileKind.UpYoboSub, 14, '利用サービスＮＯ'],
  ] as const)('puts %s No.%i %s where the layout has it', (kind, no, name) => {
    expect(FILE_SCHEMAS[kind].columns[no - 1].name).toBe(name);
  });

  it('names a code table for every code column and only for those', () => {
    for (const schema of Object.values(FILE_SCHEMAS)) {
      for (const c of schema.columns) {
        expect(c.codeTable !== undefined && c.codeTable in CODE_TABLES).toBe(c.type === ColumnType.Code);
      }
    }
  });

  it('has no schema for the family-structure image', () => {
    expect(() => schemaFor(FileKind.UpKihonImage)).toThrow(
      expect.objectContaining({ code: CareplanErrorCode.NoSchemaForKind }),
    );
  });
});
