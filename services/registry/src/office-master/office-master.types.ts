/** Where an office stands in its prefecture's 事業所台帳. */
export enum MasterStatus {
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
  CLOSED = 'closed',
}

/** One office as a 国保連 uploads it, validated and normalised. */
export interface MasterOffice {
  /** 事業所番号, 10 characters, its first two digits the prefecture */
  readonly officeNumber: string;
  readonly name: string;
  readonly nameKana: string | null;
  /** サービス種類コード, unique and sorted */
  readonly serviceTypes: readonly string[];
  readonly status: MasterStatus;
  /** YYYY-MM-DD */
  readonly designatedFrom: string | null;
  /** YYYY-MM-DD, inclusive */
  readonly designatedTo: string | null;
  /** NNN-NNNN */
  readonly postalCode: string | null;
  readonly address: string | null;
}

/** A prefecture's whole master as of one date. */
export interface MasterUpload {
  /** YYYY-MM-DD */
  readonly asOf: string;
  readonly offices: readonly MasterOffice[];
}

/** An office of the master with why it has its status (a closure by absence says so). */
export interface MasterRecord extends MasterOffice {
  readonly statusReason: string | null;
}

/** the reason given to an office that disappears from its prefecture's upload */
export const ABSENT_FROM_UPLOAD = 'absent from upload';

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UPLOAD_OFFICES = 100_000;
