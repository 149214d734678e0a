import { CareplanErrorCode } from '../careplan.errors';
import {
  hasValidInsurerCheckDigit,
  hasValidOfficeCheckDigit,
  isInsuredNumberFormat,
  isInsurerNumberFormat,
  isOfficeNumberFormat,
  isServiceTypeFormat,
} from '../identifiers/identifier.util';
import { CODE_TABLES } from '../column-schemas/code-tables.constants';
import { ColumnDefinition, ColumnType, FileSchema, Requirement } from '../column-schemas/column.types';
import { CSV_VERSION_WRITTEN, CSV_VERSIONS_READ, IssueSeverity, ValidationMode } from './validation.types';

export interface CellFinding {
  readonly code: CareplanErrorCode;
  readonly severity: IssueSeverity;
  readonly message: string;
}

// arithmetic instead of a RegExp match and a Date per cell: dates are the most frequent cells of every file
const digitsAt = (v: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
};
const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
const isDate = (v: string): boolean => {
  if (v.length !== 8) return false;
  const y = digitsAt(v, 0, 4);
  const m = digitsAt(v, 4, 6);
  const d = digitsAt(v, 6, 8);
  return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
};
const isMonth = (v: string): boolean => {
  if (v.length !== 6) return false;
  const m = digitsAt(v, 4, 6);
  return digitsAt(v, 0, 4) >= 0 && m >= 1 && m <= 12;
};
/** HHMM from 0000 to 2359 */
const isTime = (v: string): boolean => {
  if (v.length !== 4) return false;
  const h = digitsAt(v, 0, 2);
  const m = digitsAt(v, 2, 4);
  return h >= 0 && h <= 23 && m >= 0 && m <= 59;
};
/** one or more digits after an optional minus sign */
const isInteger = (v: string): boolean => {
  let i = v.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === v.length) return false;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
};

// integers may carry a minus sign: reductions exist in the service-code table and the layout does not forbid it
const FORMATS: Record<ColumnType, (v: string) => boolean> = {
  [ColumnType.CsvVersion]: isMonth,
  [ColumnType.InsurerNumber]: isInsurerNumberFormat,
  [ColumnType.InsuredNumber]: isInsuredNumberFormat,
  [ColumnType.OfficeNumber]: isOfficeNumberFormat,
  [ColumnType.ServiceType]: isServiceTypeFormat,
  [ColumnType.ServiceCode]: (v) => /^[0-9A-Z]{6}$/.test(v),
  [ColumnType.Date]: isDate,
  [ColumnType.DateOrZero]: (v) => v === '00000000' || isDate(v),
  [ColumnType.Month]: isMonth,
  [ColumnType.MonthOrZero]: (v) => v === '000000' || isMonth(v),
  [ColumnType.Time]: (v) => v === '9999' || isTime(v),
  [ColumnType.Integer]: isInteger,
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

const checkDigits = (type: ColumnType, value: string): CellFinding | null => {
  if (type === ColumnType.InsurerNumber && !hasValidInsurerCheckDigit(value)) {
    return error(CareplanErrorCode.InsurerCheckDigit, `保険者番号 ${value} fails its check digit`);
  }
  // a warning only: 1 of 5 real office numbers tested fails the published rule (§2.1)
  if (type === ColumnType.OfficeNumber && value !== ALL_NINES && !hasValidOfficeCheckDigit(value)) {
    return finding(
      CareplanErrorCode.OfficeCheckDigit,
      IssueSeverity.Warning,
      `事業所番号 ${value} fails its check digit`,
    );
  }
  return null;
};

const SURROGATE = /[\uD800-\uDFFF]/;
// spreading every cell into code points dominated validation time; only text with surrogates needs it
const codePointLength = (value: string): number => (SURROGATE.test(value) ? [...value].length : value.length);

/** the first problem with one cell (each cell has at most one), or null: no array per cell on the hot path */
export type CellCheck = (value: string) => CellFinding | null;

/**
 * The checks of one column with everything that depends only on the column and the mode worked out once: the
 * per-cell work is then the checks themselves, with no lookups by column type on shapes that vary by column.
 */
const cellCheck = (column: ColumnDefinition, mode: ValidationMode): CellCheck => {
  const { name, type, codeTable } = column;
  const missing =
    column.requirement === Requirement.Optional
      ? null
      : finding(
          CareplanErrorCode.RequiredMissing,
          column.requirement === Requirement.Uncertain && mode === ValidationMode.Input
            ? IssueSeverity.Warning
            : IssueSeverity.Error,
          `${name} is required`,
        );
  const max = mode === ValidationMode.Input ? (column.inputLength ?? column.length) : column.length;
  const isFormatted = FORMATS[type];
  const codes = codeTable === undefined ? null : CODE_TABLES[codeTable];
  // free text without a limit: only its presence is checked, and a memo would cost more than that
  if (type === ColumnType.Text && max === null && codes === null) {
    return (value) => (value === '' ? missing : null);
  }
  // consecutive rows mostly repeat a column's value (version, insurer, office, month); the checks are a pure
  // function of the value, so the previous answer is reused
  let lastValue: string | null = null;
  let lastFinding: CellFinding | null = null;
  const check = (value: string): CellFinding | null => {
    if (value === '') return missing;
    // free text has no limit, and a value with no more UTF-16 units than the limit cannot have more code points
    const length =
      max === null || value.length <= max ? 0 : codePointLength(value) - (value.startsWith('-') ? 1 : 0);
    if (max !== null && length > max) {
      return error(CareplanErrorCode.TooLong, `${name} is ${length} characters, at most ${max} allowed`);
    }
    if (!isFormatted(value)) {
      return error(CareplanErrorCode.BadFormat, `${name} ${JSON.stringify(value)} is not a valid ${type}`);
    }
    if (codes !== null && !Object.hasOwn(codes, value)) {
      return error(CareplanErrorCode.NotInCodeTable, `${name} ${value} is not in the ${codeTable} table`);
    }
    return type === ColumnType.CsvVersion ? checkVersion(value, mode) : checkDigits(type, value);
  };
  return (value) => {
    if (value !== lastValue) {
      lastFinding = check(value);
      lastValue = value;
    }
    return lastFinding;
  };
};

const checksBySchema = {
  [ValidationMode.Input]: new WeakMap<FileSchema, readonly CellCheck[]>(),
  [ValidationMode.Output]: new WeakMap<FileSchema, readonly CellCheck[]>(),
};

/** the cell checks of every column of a schema, index i for column No i + 1; made once per schema and mode */
export const cellChecks = (schema: FileSchema, mode: ValidationMode): readonly CellCheck[] => {
  let checks = checksBySchema[mode].get(schema);
  if (checks === undefined) {
    checks = schema.columns.map((column) => cellCheck(column, mode));
    checksBySchema[mode].set(schema, checks);
  }
  return checks;
};
