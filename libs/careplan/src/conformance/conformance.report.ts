import { FileParty } from '../file-names/file-name.parser';
import { SendUnitType } from '../send-units/send-unit.rules';
import { ValidationIssue } from '../validation/validation.types';
import { CheckedFile, CheckedUnit, CheckReport, UnitProblem } from './check-report.types';
import {
  CONFORMANCE_PATTERN_LABELS,
  CONFORMANCE_PATTERNS,
  ConformancePattern,
} from './conformance-pattern.constants';

export enum ConformanceStatus {
  Pass = 'PASS',
  Fail = 'FAIL',
  /** no unit of the pattern was in the folder */
  NotExercised = 'NOT_EXERCISED',
}

export interface ConformanceFile {
  readonly fileName: string;
  readonly rows: number;
  readonly errors: number;
  readonly warnings: number;
  /** the file's issues, as in the check report */
  readonly issues: readonly ValidationIssue[];
}

export interface ConformanceUnit {
  readonly fileSequence: string;
  readonly sender: FileParty;
  readonly recipient: FileParty;
  readonly type: SendUnitType | null;
  readonly files: readonly ConformanceFile[];
  readonly problems: readonly UnitProblem[];
  readonly passed: boolean;
}

export interface ConformancePatternResult {
  readonly pattern: ConformancePattern;
  /** Japanese description, e.g. 居宅介護支援 予定 */
  readonly label: string;
  readonly status: ConformanceStatus;
  /** in import order */
  readonly units: readonly ConformanceUnit[];
  readonly passed: number;
  readonly failed: number;
}

export interface ConformanceReport {
  /** D1…D7, always all seven */
  readonly patterns: readonly ConformancePatternResult[];
  readonly notExercised: readonly ConformancePattern[];
  /** groups that match no legal combination, so no pattern */
  readonly unclassified: readonly ConformanceUnit[];
  /** files that belong to no unit (names that do not parse) */
  readonly ungroupedFiles: readonly ConformanceFile[];
  readonly units: number;
  readonly passed: number;
  readonly failed: number;
  /** every unit passed and every file belongs to a unit (patterns not exercised do not fail the folder) */
  readonly ok: boolean;
  /** ok, and every pattern was exercised */
  readonly complete: boolean;
}

const toFile = (f: CheckedFile): ConformanceFile => ({
  fileName: f.fileName,
  rows: f.rows,
  errors: f.errors,
  warnings: f.warnings,
  issues: f.issues,
});

const toUnit = (unit: CheckedUnit, files: ReadonlyMap<string, CheckedFile>): ConformanceUnit => ({
  fileSequence: unit.fileSequence,
  sender: unit.sender,
  recipient: unit.recipient,
  type: unit.type,
  files: unit.files.map((name) => {
    const file = files.get(name);
    return file === undefined
      ? { fileName: name, rows: 0, errors: 0, warnings: 0, issues: [] }
      : toFile(file);
  }),
  problems: unit.problems,
  passed: unit.ok,
});

const statusOf = (units: readonly ConformanceUnit[]): ConformanceStatus => {
  if (units.length === 0) return ConformanceStatus.NotExercised;
  return units.every((u) => u.passed) ? ConformanceStatus.Pass : ConformanceStatus.Fail;
};

const patternResult = (
  pattern: ConformancePattern,
  units: readonly ConformanceUnit[],
): ConformancePatternResult => {
  const passed = units.filter((u) => u.passed).length;
  return {
    pattern,
    label: CONFORMANCE_PATTERN_LABELS[pattern],
    status: statusOf(units),
    units,
    passed,
    failed: units.length - passed,
  };
};

/**
 * Groups a folder check by the national vendor test patterns D1–D7 (domain.md §3.5): each pattern passes when it
 * has units and all of them pass (no unit problem, no file error), fails when one does not, and is reported as
 * not exercised when the folder had none.
 */
export const buildConformanceReport = (report: CheckReport): ConformanceReport => {
  const files = new Map(report.files.map((f) => [f.fileName, f]));
  const units = report.units.map((u) => ({ pattern: u.pattern, unit: toUnit(u, files) }));
  const patterns = CONFORMANCE_PATTERNS.map((pattern) =>
    patternResult(
      pattern,
      units.filter((u) => u.pattern === pattern).map((u) => u.unit),
    ),
  );
  const unclassified = units.filter((u) => u.pattern === null).map((u) => u.unit);
  const grouped = new Set(report.units.flatMap((u) => u.files));
  const ungroupedFiles = report.files.filter((f) => !grouped.has(f.fileName)).map(toFile);
  const passed = units.filter((u) => u.unit.passed).length;
  const notExercised = patterns
    .filter((p) => p.status === ConformanceStatus.NotExercised)
    .map((p) => p.pattern);
  const ok = passed === units.length && ungroupedFiles.length === 0;
  return {
    patterns,
    notExercised,
    unclassified,
    ungroupedFiles,
    units: units.length,
    passed,
    failed: units.length - passed,
    ok,
    complete: ok && notExercised.length === 0,
  };
};
