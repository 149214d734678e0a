import { CareplanErrorCode } from '../careplan.errors';
import { FileKind } from '../file-names/file-kind.constants';
import { FileParty } from '../file-names/file-name.parser';
import { SendUnitKind, SendUnitType } from '../send-units/send-unit.rules';
import { ValidationIssue } from '../validation/validation.types';
import { ConformancePattern } from './conformance-pattern.constants';

/** one file of a checked folder; plain data, JSON-serialisable for `--json` */
export interface CheckedFile {
  readonly fileName: string;
  /** null when the name does not parse */
  readonly kind: FileKind | null;
  /** data rows read (a skipped header row not counted); 0 for images and undecodable files */
  readonly rows: number;
  /** name, codec and row issues in file order (FILE_NAME_*, MS932_*, CSV_*, column codes) */
  readonly issues: readonly ValidationIssue[];
  readonly errors: number;
  readonly warnings: number;
}

/** a send-unit problem (SEND_UNIT_* code) */
export interface UnitProblem {
  readonly code: CareplanErrorCode;
  readonly message: string;
}

/** files grouped by ファイル連番 + sender + recipient, legal or not */
export interface CheckedUnit {
  /** ファイル連番 YYYYMMDDHHMMSS */
  readonly fileSequence: string;
  /** serviceType is null for V3 names */
  readonly sender: FileParty;
  readonly recipient: FileParty;
  /** the matching legal combination; null when the files match none */
  readonly type: SendUnitType | null;
  readonly kind: SendUnitKind | null;
  /** member file names in name order */
  readonly files: readonly string[];
  readonly problems: readonly UnitProblem[];
  readonly pattern: ConformancePattern | null;
  /** no unit problem and no member file with errors */
  readonly ok: boolean;
}

export interface CheckReport {
  /** in name order */
  readonly files: readonly CheckedFile[];
  /** in import order (ascending ファイル連番, then sender, recipient, first file name) */
  readonly units: readonly CheckedUnit[];
  /** file errors plus unit problems */
  readonly errors: number;
  readonly warnings: number;
  readonly ok: boolean;
}
