// Validation of an uploaded 事業所台帳 (docs/registry.md): every row is checked and every problem listed, so a
// 国保連 fixes its file in one round trip. JSON and MS932 CSV arrive here as the same raw rows.
import { hasValidOfficeCheckDigit, isOfficeNumberFormat, isServiceTypeFormat } from '@renkei/careplan';
import {
  OfficeMasterError,
  OfficeMasterErrorCode,
  OfficeMasterProblem,
  OfficeMasterProblemCode as Code,
} from '../office-master.errors';
import { MasterOffice, MasterStatus, MasterUpload, MAX_UPLOAD_OFFICES } from '../office-master.types';

/** one office as received, before validation; CSV cells are strings, JSON values anything */
export interface RawOffice {
  readonly row: number;
  readonly line?: number;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface RawUpload {
  readonly asOf: unknown;
  readonly offices: readonly RawOffice[];
}

// the body lists at most this many problems (and says how many there were)
const MAX_LISTED_PROBLEMS = 1000;
const MAX_TEXT = { name: 200, nameKana: 200, address: 400 } as const;
const STATUS_ALIASES: Readonly<Record<string, MasterStatus>> = {
  active: MasterStatus.ACTIVE,
  suspended: MasterStatus.SUSPENDED,
  closed: MasterStatus.CLOSED,
  有効: MasterStatus.ACTIVE,
  休止: MasterStatus.SUSPENDED,
  廃止: MasterStatus.CLOSED,
};
const DATE = /^(\d{4})-?(\d{2})-?(\d{2})$/;
const POSTAL_CODE = /^(\d{3})-?(\d{4})$/;
const PREFECTURE = /^(0[1-9]|[1-3]\d|4[0-7])$/;

export const isPrefecture = (value: string): boolean => PREFECTURE.test(value);

/** YYYY-MM-DD (or YYYYMMDD) of a real calendar day, normalised to YYYY-MM-DD; null otherwise */
export function calendarDate(value: string): string | null {
  const match = DATE.exec(value);
  if (!match) return null;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(+y, +m - 1, +d));
  if (date.getUTCFullYear() !== +y || date.getUTCMonth() !== +m - 1 || date.getUTCDate() !== +d) return null;
  return `${y}-${m}-${d}`;
}

/** The upload of `prefecture`, validated; OFFICE_MASTER_INVALID listing every problem otherwise. */
export function validateUpload(prefecture: string, raw: RawUpload): MasterUpload {
  if (raw.offices.length > MAX_UPLOAD_OFFICES) {
    throw new OfficeMasterError(
      OfficeMasterErrorCode.OFFICE_MASTER_TOO_LARGE,
      `an upload holds at most ${MAX_UPLOAD_OFFICES} offices (this one ${raw.offices.length})`,
    );
  }
  const problems: OfficeMasterProblem[] = [];
  const asOf = typeof raw.asOf === 'string' ? calendarDate(raw.asOf.trim()) : null;
  if (asOf === null) {
    problems.push({ code: Code.AS_OF_INVALID, column: 'asOf', message: 'asOf must be a date YYYY-MM-DD' });
  }
  const firstRowOf = new Map<string, number>();
  const offices: MasterOffice[] = [];
  for (const office of raw.offices) {
    const found: OfficeMasterProblem[] = [];
    const valid = validateOffice(prefecture, office, found);
    const number = office.values['officeNumber'];
    if (typeof number === 'string' && isOfficeNumberFormat(number.trim())) {
      const first = firstRowOf.get(number.trim());
      if (first === undefined) firstRowOf.set(number.trim(), office.row);
      else {
        found.push(problemAt(office, 'officeNumber', Code.OFFICE_NUMBER_DUPLICATE, `also in row ${first}`));
      }
    }
    if (found.length === 0 && valid) offices.push(valid);
    problems.push(...found);
  }
  if (problems.length > 0) throw invalid(problems);
  return { asOf: asOf as string, offices };
}

/** OFFICE_MASTER_INVALID with the first MAX_LISTED_PROBLEMS problems and their count */
export function invalid(problems: readonly OfficeMasterProblem[]): OfficeMasterError {
  return new OfficeMasterError(
    OfficeMasterErrorCode.OFFICE_MASTER_INVALID,
    `the office master has ${problems.length} problem(s); nothing was recorded`,
    { problemCount: problems.length, problems: problems.slice(0, MAX_LISTED_PROBLEMS) },
  );
}

function validateOffice(
  prefecture: string,
  office: RawOffice,
  problems: OfficeMasterProblem[],
): MasterOffice | null {
  const before = problems.length;
  const text = (column: string): string | null => {
    const value = office.values[column];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      problems.push(problemAt(office, column, Code.FIELD_INVALID, `${column} must be a string`));
      return null;
    }
    const trimmed = value.trim();
    const limit = (MAX_TEXT as Record<string, number | undefined>)[column];
    if (limit !== undefined && trimmed.length > limit) {
      problems.push(problemAt(office, column, Code.FIELD_TOO_LONG, `${column} is longer than ${limit}`));
    }
    return trimmed === '' ? null : trimmed;
  };

  const officeNumber = text('officeNumber');
  if (officeNumber === null || !isOfficeNumberFormat(officeNumber)) {
    problems.push(
      problemAt(office, 'officeNumber', Code.OFFICE_NUMBER_INVALID, 'not a 事業所番号 (10 characters)'),
    );
  } else if (!hasValidOfficeCheckDigit(officeNumber)) {
    problems.push(problemAt(office, 'officeNumber', Code.OFFICE_NUMBER_CHECK_DIGIT, 'wrong check digit'));
  } else if (officeNumber.slice(0, 2) !== prefecture) {
    problems.push(
      problemAt(
        office,
        'officeNumber',
        Code.OFFICE_NUMBER_OTHER_PREFECTURE,
        `belongs to prefecture ${officeNumber.slice(0, 2)}, not ${prefecture}`,
      ),
    );
  }
  const name = text('name');
  if (name === null) problems.push(problemAt(office, 'name', Code.NAME_EMPTY, 'name is empty'));
  const nameKana = text('nameKana');
  const serviceTypes = serviceTypesOf(office, problems);
  const statusText = text('status');
  const status = statusText === null ? undefined : STATUS_ALIASES[statusText];
  if (status === undefined) {
    problems.push(
      problemAt(office, 'status', Code.STATUS_UNKNOWN, 'status must be active, suspended or closed'),
    );
  }
  const designatedFrom = dateOf(office, 'designatedFrom', text('designatedFrom'), problems);
  const designatedTo = dateOf(office, 'designatedTo', text('designatedTo'), problems);
  if (designatedFrom && designatedTo && designatedTo < designatedFrom) {
    problems.push(
      problemAt(
        office,
        'designatedTo',
        Code.DESIGNATION_PERIOD_INVALID,
        'designatedTo is before designatedFrom',
      ),
    );
  }
  const postalCode = postalCodeOf(office, text('postalCode'), problems);
  const address = text('address');
  if (problems.length > before) return null;
  return {
    officeNumber: officeNumber as string,
    name: name as string,
    nameKana,
    serviceTypes,
    status: status as MasterStatus,
    designatedFrom,
    designatedTo,
    postalCode,
    address,
  };
}

function serviceTypesOf(office: RawOffice, problems: OfficeMasterProblem[]): string[] {
  const value = office.values['serviceTypes'];
  let codes: unknown[];
  if (typeof value === 'string') codes = value.split(/[\s|]+/).filter((code) => code !== '');
  else if (Array.isArray(value)) codes = value as unknown[];
  else codes = [];
  if (codes.length === 0) {
    problems.push(
      problemAt(
        office,
        'serviceTypes',
        Code.SERVICE_TYPES_EMPTY,
        'at least one サービス種類コード is needed',
      ),
    );
    return [];
  }
  for (const code of codes) {
    if (typeof code !== 'string' || !isServiceTypeFormat(code)) {
      problems.push(
        problemAt(
          office,
          'serviceTypes',
          Code.SERVICE_TYPE_INVALID,
          `${typeof code === 'string' ? code.slice(0, 20) : typeof code} is not a サービス種類コード ([0-9A-Z]{2})`,
        ),
      );
    }
  }
  return [...new Set(codes as string[])].sort();
}

function dateOf(
  office: RawOffice,
  column: string,
  value: string | null,
  problems: OfficeMasterProblem[],
): string | null {
  if (value === null) return null;
  const date = calendarDate(value);
  if (date === null)
    problems.push(problemAt(office, column, Code.DATE_INVALID, `${column} must be YYYY-MM-DD`));
  return date;
}

function postalCodeOf(
  office: RawOffice,
  value: string | null,
  problems: OfficeMasterProblem[],
): string | null {
  if (value === null) return null;
  const match = POSTAL_CODE.exec(value);
  if (!match) {
    problems.push(problemAt(office, 'postalCode', Code.POSTAL_CODE_INVALID, 'postalCode must be NNN-NNNN'));
    return null;
  }
  return `${match[1]}-${match[2]}`;
}

function problemAt(office: RawOffice, column: string, code: Code, message: string): OfficeMasterProblem {
  return {
    code,
    message,
    row: office.row,
    ...(office.line === undefined ? {} : { line: office.line }),
    column,
  };
}
