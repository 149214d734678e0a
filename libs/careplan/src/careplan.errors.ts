/**
 * Stable codes for everything that can be wrong with a care-plan file: its name, its bytes, its rows.
 * Codes are part of the public contract (receivers and operators key on them); never rename or reuse one.
 */
export enum CareplanErrorCode {
  // file names
  FileNameUnknownKind = 'FILE_NAME_UNKNOWN_KIND',
  FileNameBadExtension = 'FILE_NAME_BAD_EXTENSION',
  FileNameFieldCount = 'FILE_NAME_FIELD_COUNT',
  FileNameKindNotInV3 = 'FILE_NAME_KIND_NOT_IN_V3',
  FileNameBadTargetMonth = 'FILE_NAME_BAD_TARGET_MONTH',
  FileNameZeroMonthNotAllowed = 'FILE_NAME_ZERO_MONTH_NOT_ALLOWED',
  FileNameBadOfficeNumber = 'FILE_NAME_BAD_OFFICE_NUMBER',
  FileNameBadServiceType = 'FILE_NAME_BAD_SERVICE_TYPE',
  FileNameBadSequence = 'FILE_NAME_BAD_SEQUENCE',
  FileNameBadImageBranch = 'FILE_NAME_BAD_IMAGE_BRANCH',
  // MS932 / CSV codec
  Ms932UnmappableCharacter = 'MS932_UNMAPPABLE_CHARACTER',
  Ms932Gaiji = 'MS932_GAIJI',
  Ms932InvalidBytes = 'MS932_INVALID_BYTES',
  Ms932ControlCharacter = 'MS932_CONTROL_CHARACTER',
  CsvUnterminatedQuote = 'CSV_UNTERMINATED_QUOTE',
  CsvTextAfterQuote = 'CSV_TEXT_AFTER_QUOTE',
  // rows and columns
  ColumnCount = 'COLUMN_COUNT',
  RequiredMissing = 'REQUIRED_MISSING',
  TooLong = 'TOO_LONG',
  BadFormat = 'BAD_FORMAT',
  NotInCodeTable = 'NOT_IN_CODE_TABLE',
  CsvVersionUnsupported = 'CSV_VERSION_UNSUPPORTED',
  CsvVersionNotWritable = 'CSV_VERSION_NOT_WRITABLE',
  CsvVersionMixed = 'CSV_VERSION_MIXED',
  InsurerCheckDigit = 'INSURER_CHECK_DIGIT',
  OfficeCheckDigit = 'OFFICE_CHECK_DIGIT',
  KeyMismatch = 'KEY_MISMATCH',
  HeaderRowSkipped = 'HEADER_ROW_SKIPPED',
  LegacyLayoutUpgraded = 'LEGACY_LAYOUT_UPGRADED',
  // structure rules
  DuplicateNumbering = 'DUPLICATE_NUMBERING',
  DayMaskBeyondMonth = 'DAY_MASK_BEYOND_MONTH',
  ServiceDateOutsideMonth = 'SERVICE_DATE_OUTSIDE_MONTH',
  TimePairMismatch = 'TIME_PAIR_MISMATCH',
  SikyuTotalRowMissing = 'SIKYU_TOTAL_ROW_MISSING',
  SikyuTotalRowOffice = 'SIKYU_TOTAL_ROW_OFFICE',
  SikyuSubtotalMissing = 'SIKYU_SUBTOTAL_MISSING',
  SikyuPseudoRowValues = 'SIKYU_PSEUDO_ROW_VALUES',
  NoSchemaForKind = 'NO_SCHEMA_FOR_KIND',
  // send units (domain.md §1.4, §9.2)
  SendUnitEmpty = 'SEND_UNIT_EMPTY',
  SendUnitSequenceMismatch = 'SEND_UNIT_SEQUENCE_MISMATCH',
  SendUnitPartyMismatch = 'SEND_UNIT_PARTY_MISMATCH',
  SendUnitServiceTypeMissing = 'SEND_UNIT_SERVICE_TYPE_MISSING',
  SendUnitSelfSend = 'SEND_UNIT_SELF_SEND',
  SendUnitDuplicateFile = 'SEND_UNIT_DUPLICATE_FILE',
  SendUnitSatelliteWithoutParent = 'SEND_UNIT_SATELLITE_WITHOUT_PARENT',
  SendUnitIllegalCombination = 'SEND_UNIT_ILLEGAL_COMBINATION',
  SendUnitWrongDirection = 'SEND_UNIT_WRONG_DIRECTION',
  SendUnitMonthMismatch = 'SEND_UNIT_MONTH_MISMATCH',
  SendUnitHosokuMonth = 'SEND_UNIT_HOSOKU_MONTH',
  SendUnitOrphanRow = 'SEND_UNIT_ORPHAN_ROW',
  // fixtures
  FixtureUnsupported = 'FIXTURE_UNSUPPORTED',
}

/** Where in a CSV file a problem sits; all numbers are 1-based. */
export interface CsvPosition {
  /** record number, blank lines not counted */
  readonly row?: number;
  /** physical line the record starts on */
  readonly line?: number;
  readonly column?: number;
  /** code-point offset inside the field */
  readonly char?: number;
  /** 0-based offset in the file's bytes (decode only) */
  readonly byteOffset?: number;
}

export interface CareplanProblem extends CsvPosition {
  readonly code: CareplanErrorCode;
  /** Japanese column name, where a schema is known */
  readonly columnName?: string;
  readonly message: string;
}

export class CareplanError extends Error {
  constructor(
    readonly code: CareplanErrorCode,
    message: string,
    /** every problem found (the codec reports all of them, not just the first) */
    readonly problems: readonly CareplanProblem[] = [],
  ) {
    super(message);
    this.name = 'CareplanError';
  }
}
