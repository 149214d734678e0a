/** Stable codes of the 事業所台帳 API (docs/registry.md). */
export enum OfficeMasterErrorCode {
  /** the upload breaks a rule; details list every problem (row, column, code) */
  OFFICE_MASTER_INVALID = 'OFFICE_MASTER_INVALID',
  /** the path's prefecture is not 01..47 */
  OFFICE_MASTER_PREFECTURE_INVALID = 'OFFICE_MASTER_PREFECTURE_INVALID',
  /** a 国保連 of another prefecture */
  OFFICE_MASTER_FORBIDDEN = 'OFFICE_MASTER_FORBIDDEN',
  /** more bytes or offices than one upload may carry */
  OFFICE_MASTER_TOO_LARGE = 'OFFICE_MASTER_TOO_LARGE',
  OFFICE_MASTER_MEDIA_TYPE_UNSUPPORTED = 'OFFICE_MASTER_MEDIA_TYPE_UNSUPPORTED',
  /** asOf is older than the prefecture's current master */
  OFFICE_MASTER_STALE = 'OFFICE_MASTER_STALE',
  /** no such office in a master the caller may read */
  OFFICE_MASTER_OFFICE_NOT_FOUND = 'OFFICE_MASTER_OFFICE_NOT_FOUND',
}

/** Codes of the single problems listed under OFFICE_MASTER_INVALID. */
export enum OfficeMasterProblemCode {
  BODY_MALFORMED = 'BODY_MALFORMED',
  ENCODING_INVALID = 'ENCODING_INVALID',
  HEADER_INVALID = 'HEADER_INVALID',
  COLUMN_COUNT = 'COLUMN_COUNT',
  AS_OF_INVALID = 'AS_OF_INVALID',
  FIELD_INVALID = 'FIELD_INVALID',
  FIELD_TOO_LONG = 'FIELD_TOO_LONG',
  OFFICE_NUMBER_INVALID = 'OFFICE_NUMBER_INVALID',
  OFFICE_NUMBER_CHECK_DIGIT = 'OFFICE_NUMBER_CHECK_DIGIT',
  OFFICE_NUMBER_OTHER_PREFECTURE = 'OFFICE_NUMBER_OTHER_PREFECTURE',
  OFFICE_NUMBER_DUPLICATE = 'OFFICE_NUMBER_DUPLICATE',
  NAME_EMPTY = 'NAME_EMPTY',
  SERVICE_TYPES_EMPTY = 'SERVICE_TYPES_EMPTY',
  SERVICE_TYPE_INVALID = 'SERVICE_TYPE_INVALID',
  STATUS_UNKNOWN = 'STATUS_UNKNOWN',
  DATE_INVALID = 'DATE_INVALID',
  DESIGNATION_PERIOD_INVALID = 'DESIGNATION_PERIOD_INVALID',
  POSTAL_CODE_INVALID = 'POSTAL_CODE_INVALID',
}

/** One problem of an upload; `row` is the 1-based office (data row, header excluded), `line` the CSV line. */
export interface OfficeMasterProblem {
  readonly code: OfficeMasterProblemCode;
  readonly message: string;
  readonly row?: number;
  readonly line?: number;
  readonly column?: string;
}

export class OfficeMasterError extends Error {
  constructor(
    readonly code: OfficeMasterErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'OfficeMasterError';
  }
}
