// test-only: synthetic, non-personal rows that satisfy a file kind's V4.1 layout
import { CODE_TABLES } from '../column-schemas/code-tables.constants';
import { ColumnDefinition, ColumnType, CsvFileKind } from '../column-schemas/column.types';
import { FILE_SCHEMAS } from '../column-schemas/schema.registry';
import { FileKind } from '../file-names/file-kind.constants';

/** office numbers whose check digit passes (published on public pages, see domain.md §2.1) */
export const VALID_OFFICE = '2875104529';
export const VALID_INSURER = '131011';

const SAMPLES: Record<ColumnType, string> = {
  [ColumnType.CsvVersion]: '202407',
  [ColumnType.InsurerNumber]: VALID_INSURER,
  [ColumnType.InsuredNumber]: '0000012345',
  [ColumnType.OfficeNumber]: VALID_OFFICE,
  [ColumnType.ServiceType]: '11',
  [ColumnType.ServiceCode]: '111111',
  [ColumnType.Date]: '20250401',
  [ColumnType.DateOrZero]: '20250401',
  [ColumnType.Month]: '202504',
  [ColumnType.MonthOrZero]: '000000',
  [ColumnType.Time]: '0900',
  [ColumnType.Integer]: '1',
  [ColumnType.UnitPrice]: '10.72',
  [ColumnType.Postcode]: '100-0001',
  [ColumnType.Phone]: '03-0000-0000',
  [ColumnType.Code]: '',
  [ColumnType.DayMask]: '1111100000000000000000000000000',
  [ColumnType.Alphanumeric]: 'A',
  [ColumnType.Text]: '山田 髙﨑 ①㈱, "様"',
};

const sample = (column: ColumnDefinition): string =>
  column.codeTable === undefined ? SAMPLES[column.type] : Object.keys(CODE_TABLES[column.codeTable])[0];

/**
 * A valid row of `kind` with every column filled (or only the required ones when `minimal`); `overrides` maps
 * column numbers (No) to values.
 */
export const careplanRowFactory = (
  kind: CsvFileKind,
  overrides: Readonly<Record<number, string>> = {},
  minimal = false,
): string[] =>
  FILE_SCHEMAS[kind].columns.map(
    (c) => overrides[c.no] ?? (minimal && c.requirement === 'OPTIONAL' ? '' : sample(c)),
  );

/** the 第7表 grand-total row (サービスコード 999999, office 9999999999) that closes each user's rows */
export const sikyuTotalRowFactory = (overrides: Readonly<Record<number, string>> = {}): string[] =>
  careplanRowFactory(FileKind.UpSikyu, {
    7: '9999999999',
    9: '999999',
    13: '0',
    14: '',
    15: '',
    ...overrides,
  });

/** rows of `kind` that form a complete file: 第7表 gets its total row */
export const careplanFileRowsFactory = (kind: CsvFileKind, rows: string[][]): string[][] =>
  kind === FileKind.UpSikyu ? [...rows, sikyuTotalRowFactory({ 5: rows[0]?.[4] ?? '202504' })] : rows;
