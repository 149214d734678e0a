import { CareplanError, CareplanErrorCode, CareplanProblem } from '../careplan.errors';
import { FILE_KINDS, FileDirection, FileKind } from '../file-names/file-kind.constants';
import { ParsedFileName, parseFileName } from '../file-names/file-name.parser';
import {
  HosokuMonthRule,
  ROW_LINKS,
  SATELLITE_PARENT,
  SEND_UNIT_RULES,
  SendUnitKind,
  SendUnitRule,
  SendUnitType,
} from './send-unit.rules';

/** a file offered for a send unit: its name, and its data rows when the caller has decoded them */
export interface SendUnitFile {
  readonly fileName: string;
  readonly rows?: readonly (readonly string[])[];
}

/** same shape as libs/envelope's manifest `Party` */
export interface SendUnitParty {
  readonly officeNumber: string;
  readonly serviceType: string;
}

/** a legal send unit with the fields an envelope manifest needs */
export interface SendUnit {
  readonly type: SendUnitType;
  readonly kind: SendUnitKind;
  readonly direction: FileDirection;
  readonly sender: SendUnitParty;
  readonly recipient: SendUnitParty;
  /** 対象年月 from the names; units without one (計画書, 予防, their deletes) use the ファイル連番's YYYYMM */
  readonly targetMonth: string;
  /** ファイル連番 YYYYMMDDHHMMSS */
  readonly fileSequence: string;
  /** members in a stable order (by file name) */
  readonly files: readonly ParsedFileName[];
}

export interface BuildSendUnitOptions {
  /** the direction the caller expects (e.g. a service office may only send 実績) */
  readonly expectedDirection?: FileDirection;
}

const problem = (code: CareplanErrorCode, message: string): CareplanProblem => ({ code, message });
/** `office/type` (`--` for a V3 name without one): how a party is compared and printed */
export const partyLabel = (p: { officeNumber: string; serviceType: string | null }): string =>
  `${p.officeNumber}/${p.serviceType ?? '--'}`;
const samePartyPair = (a: ParsedFileName, b: ParsedFileName): boolean =>
  partyLabel(a.sender) === partyLabel(b.sender) && partyLabel(a.receiver) === partyLabel(b.receiver);

const checkIdentity = (files: readonly ParsedFileName[]): CareplanProblem[] => {
  const [first] = files;
  const problems: CareplanProblem[] = [];
  for (const file of files) {
    if (file.sequence !== first.sequence) {
      const message = `${file.fileName}: ファイル連番 ${file.sequence} differs from ${first.sequence}`;
      problems.push(problem(CareplanErrorCode.SendUnitSequenceMismatch, message));
    }
    if (!samePartyPair(file, first)) {
      const message = `${file.fileName}: sender/recipient differ from ${first.fileName}`;
      problems.push(problem(CareplanErrorCode.SendUnitPartyMismatch, message));
    }
  }
  if (first.sender.serviceType === null || first.receiver.serviceType === null) {
    const message = 'V3 names carry no サービス種類コード; a V4.1 send unit needs both parties in full';
    problems.push(problem(CareplanErrorCode.SendUnitServiceTypeMissing, message));
  }
  // the brief's rule: the same office may exchange between two of its service types, never with itself
  if (partyLabel(first.sender) === partyLabel(first.receiver)) {
    const message = `sender and recipient are both ${partyLabel(first.sender)}`;
    problems.push(problem(CareplanErrorCode.SendUnitSelfSend, message));
  }
  return problems;
};

const checkDuplicates = (files: readonly ParsedFileName[]): CareplanProblem[] => {
  const seen = new Set<string>();
  const problems: CareplanProblem[] = [];
  for (const file of files) {
    // images are the one kind that repeats, once per branch
    const key = file.kind === FileKind.UpKihonImage ? file.fileName.toUpperCase() : file.kind;
    if (seen.has(key)) {
      const message = `${file.fileName}: a send unit carries one ${file.kind} file`;
      problems.push(problem(CareplanErrorCode.SendUnitDuplicateFile, message));
    }
    seen.add(key);
  }
  return problems;
};

/** the legal combination these kinds form, if any */
export const matchRule = (kinds: ReadonlySet<FileKind>): SendUnitRule | undefined =>
  SEND_UNIT_RULES.find(
    (r) =>
      r.required.every((k) => kinds.has(k)) &&
      [...kinds].every((k) => [...r.required, ...r.optional].includes(k)),
  );

const checkCombination = (kinds: ReadonlySet<FileKind>): CareplanProblem[] => {
  const orphans = [...kinds].filter((k) => {
    const parent = SATELLITE_PARENT[k];
    return parent !== undefined && !kinds.has(parent);
  });
  if (orphans.length > 0) {
    const message = `${orphans.join(', ')} travel only with ${orphans.map((k) => SATELLITE_PARENT[k]).join(', ')}`;
    return [problem(CareplanErrorCode.SendUnitSatelliteWithoutParent, message)];
  }
  if (matchRule(kinds) !== undefined) return [];
  const message = `${[...kinds].sort().join(' + ')} is not a legal send unit (domain.md §1.4)`;
  return [problem(CareplanErrorCode.SendUnitIllegalCombination, message)];
};

const checkMonths = (rule: SendUnitRule, files: readonly ParsedFileName[]): CareplanProblem[] => {
  const problems: CareplanProblem[] = [];
  const monthly = files.filter((f) => f.targetMonth !== null && f.kind !== FileKind.UpHosoku);
  const month = monthly[0]?.targetMonth ?? null;
  for (const file of monthly) {
    if (file.targetMonth !== month) {
      const message = `${file.fileName}: 対象年月 ${file.targetMonth} differs from ${month}; one month per unit`;
      problems.push(problem(CareplanErrorCode.SendUnitMonthMismatch, message));
    }
  }
  for (const file of files.filter((f) => f.kind === FileKind.UpHosoku)) {
    const expected = rule.hosokuMonth === HosokuMonthRule.Zero ? '000000' : month;
    if (file.targetMonth !== expected) {
      const message = `${file.fileName}: 利用者補足 beside ${rule.required.join('+')} needs 対象年月 ${expected}`;
      problems.push(problem(CareplanErrorCode.SendUnitHosokuMonth, message));
    }
  }
  return problems;
};

const keyOf = (row: readonly string[], columns: readonly number[]): string =>
  columns.map((no) => row[no - 1] ?? '').join('|');

/** with rows given: every child row points at a parent row of the same unit (domain.md §1.6) */
const checkRows = (rule: SendUnitRule, files: readonly SendUnitFile[], parsed: readonly ParsedFileName[]) => {
  const rowsOf = new Map<FileKind, readonly (readonly string[])[]>();
  parsed.forEach((p, i) => {
    const rows = files[i].rows;
    if (rows !== undefined) rowsOf.set(p.kind, rows);
  });
  const problems: CareplanProblem[] = [];
  for (const link of ROW_LINKS) {
    const childRows = rowsOf.get(link.child);
    const parentRows = rowsOf.get(link.parent);
    if (childRows === undefined || parentRows === undefined || !rule.required.includes(link.parent)) continue;
    const parents = new Set(parentRows.map((r) => keyOf(r, link.parentKey)));
    childRows.forEach((row, i) => {
      if (parents.has(keyOf(row, link.childKey))) return;
      const message = `${link.child} row ${i + 1} (${keyOf(row, link.childKey)}) has no ${link.parent} row`;
      problems.push({ ...problem(CareplanErrorCode.SendUnitOrphanRow, message), row: i + 1 });
    });
  }
  return problems;
};

const fail = (problems: readonly CareplanProblem[]): never => {
  throw new CareplanError(
    problems[0].code,
    `not a legal send unit: ${problems.length} problem(s), first: ${problems[0].message}`,
    problems,
  );
};

/**
 * Checks that `files` form one legal send unit and returns its manifest fields. Throws CareplanError with a
 * SEND_UNIT_* code (or FILE_NAME_* for a bad name) whose problems list everything found.
 */
export const buildSendUnit = (
  files: readonly SendUnitFile[],
  options: BuildSendUnitOptions = {},
): SendUnit => {
  if (files.length === 0)
    fail([problem(CareplanErrorCode.SendUnitEmpty, 'a send unit needs at least one file')]);
  const parsed = files.map((f) => parseFileName(f.fileName));
  const identity = [...checkIdentity(parsed), ...checkDuplicates(parsed)];
  const kinds = new Set(parsed.map((p) => p.kind));
  const combination = checkCombination(kinds);
  if (identity.length + combination.length > 0) fail([...identity, ...combination]);
  const rule = matchRule(kinds) as SendUnitRule;
  const problems = [...checkMonths(rule, parsed), ...checkRows(rule, files, parsed)];
  if (options.expectedDirection !== undefined && rule.direction !== options.expectedDirection) {
    const message = `${rule.type} flows ${rule.direction}, expected ${options.expectedDirection}`;
    problems.push(problem(CareplanErrorCode.SendUnitWrongDirection, message));
  }
  if (problems.length > 0) fail(problems);
  const [first] = parsed;
  const month = parsed.find((p) => p.targetMonth !== null && p.targetMonth !== '000000')?.targetMonth;
  return {
    type: rule.type,
    kind: rule.kind,
    direction: rule.direction,
    sender: { officeNumber: first.sender.officeNumber, serviceType: first.sender.serviceType ?? '' },
    recipient: { officeNumber: first.receiver.officeNumber, serviceType: first.receiver.serviceType ?? '' },
    targetMonth: month ?? first.sequence.slice(0, 6),
    fileSequence: first.sequence,
    files: [...parsed].sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0)),
  };
};

export interface RejectedGroup {
  readonly fileNames: readonly string[];
  readonly error: CareplanError;
}

export interface GroupedSendUnits {
  readonly units: readonly SendUnit[];
  /** groups that are not legal units, and single files whose names do not parse */
  readonly rejected: readonly RejectedGroup[];
}

const asCareplanError = (error: unknown): CareplanError => {
  if (error instanceof CareplanError) return error;
  throw error;
};

/**
 * Groups files into send units by ファイル連番 + sender + recipient and checks each group. A group that breaks a
 * rule is rejected whole (a unit is atomic); the rest come back in import order.
 */
export const groupSendUnits = (
  files: readonly SendUnitFile[],
  options: BuildSendUnitOptions = {},
): GroupedSendUnits => {
  const groups = new Map<string, SendUnitFile[]>();
  const rejected: RejectedGroup[] = [];
  for (const file of files) {
    try {
      const p = parseFileName(file.fileName);
      const key = `${p.sequence}|${partyLabel(p.sender)}|${partyLabel(p.receiver)}`;
      groups.set(key, [...(groups.get(key) ?? []), file]);
    } catch (error) {
      rejected.push({ fileNames: [file.fileName], error: asCareplanError(error) });
    }
  }
  const units: SendUnit[] = [];
  for (const group of groups.values()) {
    try {
      units.push(buildSendUnit(group, options));
    } catch (error) {
      rejected.push({ fileNames: group.map((f) => f.fileName), error: asCareplanError(error) });
    }
  }
  return { units: sortForImport(units), rejected };
};

/**
 * Receivers import unit by unit in ascending ファイル連番, whatever the kinds (SPEC41 §2.5). Ties (two senders in
 * the same second) are broken by sender, recipient and first file name so the order is total and stable.
 */
export const sortForImport = <T extends Pick<SendUnit, 'fileSequence' | 'sender' | 'recipient' | 'files'>>(
  units: readonly T[],
): T[] => {
  const key = (u: T): string =>
    [u.fileSequence, partyLabel(u.sender), partyLabel(u.recipient), u.files[0]?.fileName ?? ''].join('|');
  return [...units].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
};

/** the Japanese name of every kind in a unit, for operator messages */
export const describeSendUnit = (unit: SendUnit): string =>
  unit.files.map((f) => FILE_KINDS[f.kind].japaneseName).join(' + ');
