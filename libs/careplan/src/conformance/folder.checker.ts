import { CareplanError, CareplanErrorCode } from '../careplan.errors';
import { FileDirection } from '../file-names/file-kind.constants';
import { ParsedFileName } from '../file-names/file-name.parser';
import {
  buildSendUnit,
  groupSendUnits,
  matchRule,
  partyLabel,
  SendUnitFile,
} from '../send-units/send-unit.builder';
import { SendUnitRule } from '../send-units/send-unit.rules';
import { ValidationMode } from '../validation/validation.types';
import { CheckedFile, CheckedUnit, CheckReport, UnitProblem } from './check-report.types';
import { conformancePatternOf } from './conformance-pattern.constants';
import { checkFile, FileOutcome } from './file.checker';

/** one file of a folder as the agent reads it */
export interface FolderFile {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

export interface CheckFilesOptions {
  /** INPUT (tolerant, the default) for what an office is about to send or has received; OUTPUT is strict */
  readonly mode?: ValidationMode;
  /** the direction the office may send (a service office sends 実績 only) */
  readonly expectedDirection?: FileDirection;
}

interface Group {
  readonly names: readonly ParsedFileName[];
  readonly rule: SendUnitRule | undefined;
  readonly problems: UnitProblem[];
}

const COMBINATION_CODES: ReadonlySet<CareplanErrorCode> = new Set([
  CareplanErrorCode.SendUnitIllegalCombination,
  CareplanErrorCode.SendUnitSatelliteWithoutParent,
]);

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const pairLabel = (p: ParsedFileName): string => `${partyLabel(p.sender)}>${partyLabel(p.receiver)}`;

// the builder's rule match, so a rejected group still names the combination it was meant to be
const ruleOf = (names: readonly ParsedFileName[]): SendUnitRule | undefined =>
  matchRule(new Set(names.map((n) => n.kind)));

const problemsOf = (error: CareplanError): UnitProblem[] =>
  (error.problems.length > 0 ? error.problems : [error]).map((p) => ({ code: p.code, message: p.message }));

const toGroups = (outcomes: readonly FileOutcome[], options: CheckFilesOptions): Group[] => {
  const named = outcomes.filter((o) => o.parsed !== null);
  const parsedOf = new Map(named.map((o) => [o.checked.fileName, o.parsed as ParsedFileName]));
  const input: SendUnitFile[] = named.map((o) => ({ fileName: o.checked.fileName, rows: o.rows }));
  const grouped = groupSendUnits(input, { expectedDirection: options.expectedDirection });
  const units = grouped.units.map((u) => ({ names: u.files, rule: ruleOf(u.files), problems: [] }));
  const rejected = grouped.rejected.map((r) => {
    const names = r.fileNames.map((n) => parsedOf.get(n) as ParsedFileName);
    return { names, rule: ruleOf(names), problems: problemsOf(r.error) };
  });
  return [...units, ...rejected];
};

/**
 * Mixed ファイル連番: grouping splits files by 連番, so files meant as one unit but stamped differently show up as
 * an illegal group (e.g. 第7表 without 第6表) next to another group of the same pair. When the two together would
 * be legal but for the 連番, both get the builder's SEND_UNIT_SEQUENCE_MISMATCH problems.
 */
const flagMixedSequences = (groups: readonly Group[]): void => {
  const broken = groups.filter((g) => g.problems.some((p) => COMBINATION_CODES.has(p.code)));
  for (const group of broken) {
    const partner = groups.find(
      (other) =>
        other !== group &&
        pairLabel(other.names[0]) === pairLabel(group.names[0]) &&
        other.names[0].sequence !== group.names[0].sequence &&
        onlySequenceDiffers([...other.names, ...group.names]),
    );
    if (partner === undefined) continue;
    const mismatch = sequenceProblems([...partner.names, ...group.names]);
    for (const target of [group, partner]) {
      const known = new Set(target.problems.map((p) => p.message));
      target.problems.push(...mismatch.filter((p) => !known.has(p.message)));
    }
  }
};

const sequenceProblems = (names: readonly ParsedFileName[]): UnitProblem[] => {
  try {
    buildSendUnit(names.map((n) => ({ fileName: n.fileName })));
    return [];
  } catch (error) {
    if (!(error instanceof CareplanError)) throw error;
    return problemsOf(error);
  }
};

const onlySequenceDiffers = (names: readonly ParsedFileName[]): boolean => {
  const problems = sequenceProblems(names);
  return problems.length > 0 && problems.every((p) => p.code === CareplanErrorCode.SendUnitSequenceMismatch);
};

const toUnit = (group: Group, files: ReadonlyMap<string, CheckedFile>): CheckedUnit => {
  const [first] = group.names;
  const fileNames = group.names.map((n) => n.fileName).sort(byText);
  const type = group.rule?.type ?? null;
  const fileErrors = fileNames.some((n) => (files.get(n)?.errors ?? 0) > 0);
  return {
    fileSequence: first.sequence,
    sender: first.sender,
    recipient: first.receiver,
    type,
    kind: group.rule?.kind ?? null,
    files: fileNames,
    problems: group.problems,
    pattern: type === null ? null : conformancePatternOf(type, first.sender, first.receiver),
    ok: group.problems.length === 0 && !fileErrors,
  };
};

// the receiver's import order (SPEC41 §2.5), with sortForImport's tie-breaks
const importKey = (u: CheckedUnit): string =>
  [u.fileSequence, partyLabel(u.sender), partyLabel(u.recipient), u.files[0] ?? ''].join('|');

/**
 * Checks a folder before it is sent (`renkei validate`, `renkei send --dir`): every file's name, MS932 bytes and
 * rows, then the send units the files form. Deterministic: files in name order, units in import order.
 */
export const checkFiles = (files: readonly FolderFile[], options: CheckFilesOptions = {}): CheckReport => {
  const mode = options.mode ?? ValidationMode.Input;
  const outcomes = [...files]
    .sort((a, b) => byText(a.fileName, b.fileName))
    .map((f) => checkFile(f.fileName, f.bytes, mode));
  const checkedFiles = outcomes.map((o) => o.checked);
  const byName = new Map(checkedFiles.map((f) => [f.fileName, f]));
  const groups = toGroups(outcomes, options);
  flagMixedSequences(groups);
  const units = groups.map((g) => toUnit(g, byName)).sort((a, b) => byText(importKey(a), importKey(b)));
  const errors =
    checkedFiles.reduce((sum, f) => sum + f.errors, 0) + units.reduce((sum, u) => sum + u.problems.length, 0);
  const warnings = checkedFiles.reduce((sum, f) => sum + f.warnings, 0);
  return { files: checkedFiles, units, errors, warnings, ok: errors === 0 };
};
