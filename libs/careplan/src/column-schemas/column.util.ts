import { CODE_TABLES, CodeTableName } from './code-tables.constants';
import { ColumnDefinition, ColumnType, CsvFileKind, FileSchema, Requirement } from './column.types';

/** a column before it is numbered */
export type ColumnSpec = Omit<ColumnDefinition, 'no'>;

const FIXED_LENGTH: Partial<Record<ColumnType, number>> = {
  [ColumnType.CsvVersion]: 6,
  [ColumnType.InsurerNumber]: 6,
  [ColumnType.InsuredNumber]: 10,
  [ColumnType.OfficeNumber]: 10,
  [ColumnType.ServiceType]: 2,
  [ColumnType.ServiceCode]: 6,
  [ColumnType.Date]: 8,
  [ColumnType.DateOrZero]: 8,
  [ColumnType.Month]: 6,
  [ColumnType.MonthOrZero]: 6,
  [ColumnType.Time]: 4,
  [ColumnType.Postcode]: 8,
  [ColumnType.DayMask]: 31,
  [ColumnType.UnitPrice]: 5,
};

const required = (flag: boolean | Requirement): Requirement =>
  typeof flag === 'boolean' ? (flag ? Requirement.Required : Requirement.Optional) : flag;

export const column = (
  name: string,
  type: ColumnType,
  options: {
    length?: number;
    inputLength?: number;
    required?: boolean | Requirement;
    codeTable?: CodeTableName;
  } = {},
): ColumnSpec => ({
  name,
  type,
  length: options.length ?? FIXED_LENGTH[type] ?? null,
  ...(options.inputLength === undefined ? {} : { inputLength: options.inputLength }),
  requirement: required(options.required ?? false),
  ...(options.codeTable === undefined ? {} : { codeTable: options.codeTable }),
});

export const text = (name: string, isRequired: boolean | Requirement = false): ColumnSpec =>
  column(name, ColumnType.Text, { required: isRequired });
export const date = (name: string, isRequired: boolean | Requirement = false): ColumnSpec =>
  column(name, ColumnType.Date, { required: isRequired });
export const month = (name: string, isRequired: boolean | Requirement = false): ColumnSpec =>
  column(name, ColumnType.Month, { required: isRequired });
export const time = (name: string, isRequired = false): ColumnSpec =>
  column(name, ColumnType.Time, { required: isRequired });
export const integer = (
  name: string,
  length: number,
  isRequired: boolean | Requirement = false,
): ColumnSpec => column(name, ColumnType.Integer, { length, required: isRequired });
export const office = (name: string, isRequired: boolean | Requirement = false): ColumnSpec =>
  column(name, ColumnType.OfficeNumber, { required: isRequired });
export const phone = (name: string): ColumnSpec => column(name, ColumnType.Phone, { length: 15 });
export const postcode = (name: string): ColumnSpec => column(name, ColumnType.Postcode);
export const code = (
  name: string,
  codeTable: CodeTableName,
  isRequired: boolean | Requirement = false,
): ColumnSpec =>
  column(name, ColumnType.Code, {
    codeTable,
    length: Math.max(...Object.keys(CODE_TABLES[codeTable]).map((k) => k.length)),
    required: isRequired,
  });

/** No.1–3, present in every file */
export const commonKey = (): ColumnSpec[] => [
  column('CSVバージョン', ColumnType.CsvVersion, { required: true }),
  column('保険者番号', ColumnType.InsurerNumber, { required: true }),
  column('被保険者番号', ColumnType.InsuredNumber, { required: true }),
];

/** "not used" trailing column */
export const identifier = (): ColumnSpec => column('識別子', ColumnType.Alphanumeric, { length: 1 });

export const defineSchema = (kind: CsvFileKind, specs: readonly ColumnSpec[]): FileSchema => ({
  kind,
  columns: specs.map((spec, index) => ({ no: index + 1, ...spec })),
});
