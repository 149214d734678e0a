import { FileKind } from '../file-names/file-kind.constants';
import { CodeTableName } from './code-tables.constants';

export enum ColumnType {
  /** No.1 CSVバージョン, YYYYMM */
  CsvVersion = 'CSV_VERSION',
  /** 6 digits with a check digit */
  InsurerNumber = 'INSURER_NUMBER',
  /** 10 digits, or H + 9 digits for 生活保護-only persons */
  InsuredNumber = 'INSURED_NUMBER',
  /** 介護保険事業所番号 (check digit is a warning) */
  OfficeNumber = 'OFFICE_NUMBER',
  ServiceType = 'SERVICE_TYPE',
  /** 種類2 + 項目4; 第7表 pseudo codes {SV}AAAA/EEEE/ZZZZ and 999999 fit the same shape */
  ServiceCode = 'SERVICE_CODE',
  /** YYYYMMDD */
  Date = 'DATE',
  /** YYYYMMDD or 00000000 ("not applicable", UPHOSOKU No.4) */
  DateOrZero = 'DATE_OR_ZERO',
  /** YYYYMM */
  Month = 'MONTH',
  /** YYYYMM or 000000 (UPHOSOKU No.63) */
  MonthOrZero = 'MONTH_OR_ZERO',
  /** HHMM, 9999 = no time */
  Time = 'TIME',
  Integer = 'INTEGER',
  /** 99.99 (単位数単価) */
  UnitPrice = 'UNIT_PRICE',
  /** XXX-XXXX */
  Postcode = 'POSTCODE',
  Phone = 'PHONE',
  /** value from a code table */
  Code = 'CODE',
  /** 31 characters of 0/1 (日割対象日) */
  DayMask = 'DAY_MASK',
  /** short ASCII codes (TAIS, 届出コード, 枝番, 識別子) */
  Alphanumeric = 'ALPHANUMERIC',
  /** free text: written in double quotes, no length limit */
  Text = 'TEXT',
}

export enum Requirement {
  Optional = 'OPTIONAL',
  Required = 'REQUIRED',
  /** the garbled layout text leaves it open: required on output, a warning when missing on input */
  Uncertain = 'UNCERTAIN',
}

export interface ColumnDefinition {
  /** 1-based column number (No) */
  readonly no: number;
  /** Japanese column name as in the layout definition */
  readonly name: string;
  readonly type: ColumnType;
  /** maximum length in characters; null for free text */
  readonly length: number | null;
  /** a looser maximum accepted on input where the layout is unclear (§9.10) */
  readonly inputLength?: number;
  readonly requirement: Requirement;
  readonly codeTable?: CodeTableName;
}

export type CsvFileKind = Exclude<FileKind, FileKind.UpKihonImage>;

export interface FileSchema {
  readonly kind: CsvFileKind;
  readonly columns: readonly ColumnDefinition[];
}
