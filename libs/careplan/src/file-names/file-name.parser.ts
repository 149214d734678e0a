import { CareplanError, CareplanErrorCode } from '../careplan.errors';
import { isServiceTypeFormat } from '../identifiers/identifier.util';
import {
  FILE_KIND_PREFIXES,
  FILE_KINDS,
  FileDirection,
  FileKind,
  FileKindInfo,
  FileNameVersion,
} from './file-kind.constants';

/** one end of an exchange: 介護保険事業所番号 + サービス種類コード (null in V3 names) */
export interface FileParty {
  readonly officeNumber: string;
  readonly serviceType: string | null;
}

export interface ParsedFileName {
  readonly fileName: string;
  readonly kind: FileKind;
  readonly direction: FileDirection;
  readonly version: FileNameVersion;
  /** 対象年月 YYYYMM, `000000` for UPHOSOKU tied to 第1/2/3表, null for kinds without a month */
  readonly targetMonth: string | null;
  readonly sender: FileParty;
  readonly receiver: FileParty;
  /** ファイル連番 YYYYMMDDHHMMSS, identical on every file of one send unit */
  readonly sequence: string;
  /** 4-digit branch of UPKIHON_IMAGE files, else null */
  readonly imageBranch: string | null;
}

// file names carry the looser token of §9.1 (the spec's own examples are dummies), not the full 事業所番号 rule
const OFFICE_TOKEN = /^[0-9A-Z]{10}$/;
const MONTH = /^\d{4}(0[1-9]|1[0-2])$/;
const BRANCH = /^\d{4}$/;

const fail = (code: CareplanErrorCode, fileName: string, detail: string): never => {
  throw new CareplanError(code, `file name ${JSON.stringify(fileName)}: ${detail}`, [
    { code, message: detail },
  ]);
};

/** YYYYMMDDHHMMSS that names a real instant */
export const isValidSequence = (value: string): boolean => {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60
  );
};

const findKind = (stem: string): FileKindInfo | undefined => {
  const kind = FILE_KIND_PREFIXES.find((prefix) => stem.startsWith(`${prefix}_`));
  return kind === undefined ? undefined : FILE_KINDS[kind];
};

const fieldCount = (info: FileKindInfo, version: FileNameVersion): number =>
  (info.hasTargetMonth ? 1 : 0) +
  (version === FileNameVersion.V4 ? 5 : 3) +
  (info.kind === FileKind.UpKihonImage ? 1 : 0);

const detectVersion = (fileName: string, info: FileKindInfo, count: number): FileNameVersion => {
  if (count === fieldCount(info, FileNameVersion.V4)) return FileNameVersion.V4;
  if (count === fieldCount(info, FileNameVersion.V3)) {
    if (!info.inV3) {
      fail(CareplanErrorCode.FileNameKindNotInV3, fileName, `${info.kind} did not exist before V4`);
    }
    return FileNameVersion.V3;
  }
  return fail(
    CareplanErrorCode.FileNameFieldCount,
    fileName,
    `${info.kind} needs ${fieldCount(info, FileNameVersion.V4)} fields after the prefix, got ${count}`,
  );
};

const checkMonth = (fileName: string, info: FileKindInfo, month: string): void => {
  if (month === '000000') {
    if (!info.allowsZeroMonth) {
      fail(CareplanErrorCode.FileNameZeroMonthNotAllowed, fileName, `${info.kind} needs a real 対象年月`);
    }
    return;
  }
  if (!MONTH.test(month)) fail(CareplanErrorCode.FileNameBadTargetMonth, fileName, `対象年月 ${month}`);
};

const readParty = (fileName: string, office: string, serviceType: string | null): FileParty => {
  if (!OFFICE_TOKEN.test(office)) {
    fail(CareplanErrorCode.FileNameBadOfficeNumber, fileName, `事業所番号 ${office} is not 10 of [0-9A-Z]`);
  }
  if (serviceType !== null && !isServiceTypeFormat(serviceType)) {
    fail(CareplanErrorCode.FileNameBadServiceType, fileName, `サービス種類コード ${serviceType}`);
  }
  return { officeNumber: office, serviceType };
};

/**
 * Parses a V4.1 file name, or a V3 one (no サービス種類コード fields). The prefix is matched longest first and
 * case-sensitively; the extension in either case. Throws CareplanError with a FILE_NAME_* code.
 */
export const parseFileName = (fileName: string): ParsedFileName => {
  const dot = fileName.lastIndexOf('.');
  const stem = dot < 0 ? fileName : fileName.slice(0, dot);
  const info = findKind(stem);
  if (info === undefined) {
    return fail(CareplanErrorCode.FileNameUnknownKind, fileName, 'no known file-kind prefix');
  }
  const extension = dot < 0 ? '' : fileName.slice(dot + 1);
  if (extension.toUpperCase() !== info.extension.toUpperCase()) {
    fail(CareplanErrorCode.FileNameBadExtension, fileName, `${info.kind} needs .${info.extension}`);
  }
  const fields = stem.slice(info.kind.length + 1).split('_');
  const version = detectVersion(fileName, info, fields.length);
  const targetMonth = info.hasTargetMonth ? (fields.shift() ?? '') : null;
  if (targetMonth !== null) checkMonth(fileName, info, targetMonth);
  const v4 = version === FileNameVersion.V4;
  const sender = readParty(fileName, fields[0], v4 ? fields[1] : null);
  const receiver = readParty(fileName, fields[v4 ? 2 : 1], v4 ? fields[3] : null);
  const sequence = fields[v4 ? 4 : 2];
  if (!isValidSequence(sequence)) {
    fail(CareplanErrorCode.FileNameBadSequence, fileName, `ファイル連番 ${sequence} is not YYYYMMDDHHMMSS`);
  }
  const imageBranch = info.kind === FileKind.UpKihonImage ? fields[5] : null;
  if (imageBranch !== null && !BRANCH.test(imageBranch)) {
    fail(CareplanErrorCode.FileNameBadImageBranch, fileName, `image branch ${imageBranch} is not 4 digits`);
  }
  return {
    fileName,
    kind: info.kind,
    direction: info.direction,
    version,
    targetMonth,
    sender,
    receiver,
    sequence,
    imageBranch,
  };
};

export type FileNameParts = Pick<ParsedFileName, 'kind' | 'sequence'> & {
  readonly targetMonth?: string | null;
  readonly sender: { readonly officeNumber: string; readonly serviceType: string };
  readonly receiver: { readonly officeNumber: string; readonly serviceType: string };
  readonly imageBranch?: string | null;
};

/**
 * Formats a V4.1 name (strict on output: always the V4 shape, `.CSV` upper-case, `.jpg` for images as the spec
 * writes it). Validates by parsing the result, so it throws the same FILE_NAME_* codes as parseFileName.
 */
export const formatFileName = (parts: FileNameParts): string => {
  const info = FILE_KINDS[parts.kind];
  const month = info.hasTargetMonth ? [parts.targetMonth ?? ''] : [];
  const branch = info.kind === FileKind.UpKihonImage ? [parts.imageBranch ?? ''] : [];
  const fileName = `${[
    info.kind,
    ...month,
    parts.sender.officeNumber,
    parts.sender.serviceType,
    parts.receiver.officeNumber,
    parts.receiver.serviceType,
    parts.sequence,
    ...branch,
  ].join('_')}.${info.extension}`;
  const parsed = parseFileName(fileName);
  // a stray "_" inside a field would shift the others and could still parse as V3
  if (parsed.version !== FileNameVersion.V4) {
    fail(CareplanErrorCode.FileNameFieldCount, fileName, 'fields must not contain "_"');
  }
  return fileName;
};

/** parseFileName without throwing */
export const tryParseFileName = (
  fileName: string,
): { ok: true; value: ParsedFileName } | { ok: false; error: CareplanError } => {
  try {
    return { ok: true, value: parseFileName(fileName) };
  } catch (error) {
    if (error instanceof CareplanError) return { ok: false, error };
    throw error;
  }
};
