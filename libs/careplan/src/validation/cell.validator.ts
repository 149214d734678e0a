import { CareplanErrorCode } from '../careplan.errors';
import { hasValidInsurerCheckDigit, hasValidOfficeCheckDigit } from '../identifiers/identifier.util';
import { CODE_TABLES } from '../column-schemas/code-tables.constants';
import { ColumnDefinition, ColumnType, Requirement } from '../column-schemas/column.types';
import { CSV_VERSION_WRITTEN, CSV_VERSIONS_READ, IssueSeverity, ValidationMode } from './validation.types';

export interface CellFinding {
  readonly code: CareplanErrorCode;
  readonly severity: IssueSeverity;
  readonly message: string;
}

const isDate = (v: string): boolean => {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
};
const isMonth = (v: string): boolean => /^\d{4}(0[1-9]|1[0-2])$/.test(v);

// integers may carry a minus sign: reductions exist in the service-code table and the layout does not forbid it
const FORMATS: Record<ColumnType, (v: string) => boolean> = {
  [ColumnType.CsvVersion]: isMonth,
  [ColumnType.InsurerNumber]: (v) => /^\d{6}$/.test(v),
  [ColumnType.InsuredNumber]: (v) => /^(\d{10}|H\d{9})$/.test(v),
  [ColumnType.OfficeNumber]: (v) => /^\d{2}[0-9A-HJ-NPR-Z]\d{7}$/.test(v),
  [ColumnType.ServiceType]: (v) => /^[0-9A-Z]{2}$/.test(v),
  [ColumnType.ServiceCode]: (v) => /^[0-9A-Z]{6}$/.test(v),
  [ColumnType.Date]: isDate,
  [ColumnType.DateOrZero]: (v) => v === '00000000' || isDate(v),
  [ColumnType.Month]: isMonth,
  [ColumnType.MonthOrZero]: (v) => v === '000000' || isMonth(v),
  [ColumnType.Time]: (v) => v === '9999' || /^([01]\d|2[0-3])[0-5]\d$/.test(v),
  [ColumnType.Integer]: (v) => /^-?\d+$/.test(v),
  [ColumnType.UnitPrice]: (v) => /^\d{1,2}\.\d{2}$/.test(v),
  [ColumnType.Postcode]: (v) => /^\d{3}-\d{4}$/.test(v),
  [ColumnType.Phone]: (v) => /^[0-9()+-]+$/.test(v),
  [ColumnType.Code]: () => true,
  [ColumnType.DayMask]: (v) => /^[01]{31}$/.test(v),
  [ColumnType.Alphanumeric]: (v) => /^[0-9A-Za-z-]+$/.test(v),
  [ColumnType.Text]: () => true,
};

/** 9999999999 marks the grand-total row of 第7表 and its fixed 事業所コード; it carries no check digit */
const ALL_NINES = '9999999999';

const finding = (code: CareplanErrorCode, severity: IssueSeverity, message: string): CellFinding => ({
  code,
  severity,
  message,
});
const error = (code: CareplanErrorCode, message: string): CellFinding =>
  finding(code, IssueSeverity.Error, message);

const checkVersion = (value: string, mode: ValidationMode): CellFinding | null => {
  if (mode === ValidationMode.Output && value !== CSV_VERSION_WRITTEN) {
    return error(
      CareplanErrorCode.CsvVersionNotWritable,
      `we write CSVバージョン ${CSV_VERSION_WRITTEN}, not ${value}`,
    );
  }
  if (!CSV_VERSIONS_READ.includes(value)) {
    return error(CareplanErrorCode.CsvVersionUnsupported, `unknown CSVバージョン ${value}`);
  }
  return null;
};

const checkDigits = (column: ColumnDefinition, value: string): CellFinding | null => {
  if (column.type === ColumnType.InsurerNumber && !hasValidInsurerCheckDigit(value)) {
    return error(CareplanErrorCode.InsurerCheckDigit, `保険者番号 ${value} fails its check digit`);
  }
  // a warning only: 1 of 5 real office numbers tested fails the published rule (§2.1)
  if (column.type === ColumnType.OfficeNumber && value !== ALL_NINES && !hasValidOfficeCheckDigit(value)) {
    return finding(
      CareplanErrorCode.OfficeCheckDigit,
      IssueSeverity.Warning,
      `事業所番号 ${value} fails its check digit`,
    );
  }
  return null;
};

/** every problem with one cell, in the order an operator would fix them */
export const validateCell = (
  column: ColumnDefinition,
  value: string,
  mode: ValidationMode,
): CellFinding[] => {
  if (value === '') {
    if (column.requirement === Requirement.Optional) return [];
    const lenient = column.requirement === Requirement.Uncertain && mode === ValidationMode.Input;
    return [
      finding(
        CareplanErrorCode.RequiredMissing,
        lenient ? IssueSeverity.Warning : IssueSeverity.Error,
        `${column.name} is required`,
      ),
    ];
  }
  const max = mode === ValidationMode.Input ? (column.inputLength ?? column.length) : column.length;
  const length = [...value.replace(/^-/, '')].length;
  if (max !== null && length > max) {
    return [
      error(CareplanErrorCode.TooLong, `${column.name} is ${length} characters, at most ${max} allowed`),
    ];
  }
  if (!FORMATS[column.type](value)) {
    return [
      error(
        CareplanErrorCode.BadFormat,
        `${column.name} ${JSON.stringify(value)} is not a valid ${column.type}`,
      ),
    ];
  }
  if (column.codeTable !== undefined && !Object.hasOwn(CODE_TABLES[column.codeTable], value)) {
    return [
      error(
        CareplanErrorCode.NotInCodeTable,
        `${column.name} ${value} is not in the ${column.codeTable} table`,
      ),
    ];
  }
  const extra =
    column.type === ColumnType.CsvVersion ? checkVersion(value, mode) : checkDigits(column, value);
  return extra === null ? [] : [extra];
};
