import { isAscii } from 'node:buffer';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';

/** Kinds of send unit. Values are wire strings; see docs/envelope.md §4. */
export enum EnvelopeKind {
  /** 予定 (サービス利用票/別表 from the care manager) */
  Plan = 'plan',
  /** 実績 (from the service office) */
  Actual = 'actual',
  /** 計画書 (第1〜3表, 支援計画書, 利用者基本情報) */
  CarePlan = 'careplan',
  /** a 削除 file, always alone in its unit */
  Delete = 'delete',
  /** a non-CSV attachment */
  Attachment = 'attachment',
}

export const MANIFEST_VERSION = 1;

/** Hard limits enforced on seal and on every parse; see docs/envelope.md §5. */
export const ENVELOPE_LIMITS = Object.freeze({
  maxFiles: 200,
  maxFileSize: 64 * 1024 * 1024,
  maxTotalSize: 256 * 1024 * 1024,
  maxFileNameLength: 128,
  maxMediaTypeLength: 127,
  maxManifestBytes: 128 * 1024,
  /** whole DER envelope: files plus room for CMS structure and certificates */
  maxEnvelopeBytes: 256 * 1024 * 1024 + 1024 * 1024,
});

export interface Party {
  /** 事業所番号: 10 characters [0-9A-Z] */
  officeNumber: string;
  /** サービス種類コード: 2 characters [0-9A-Z] */
  serviceType: string;
}

export interface ManifestFile {
  name: string;
  mediaType: string;
  size: number;
  /** lower-case hex SHA-256 of the file's bytes */
  sha256: string;
}

/** The signed, non-personal description of a send unit. */
export interface Manifest {
  version: number;
  envelopeId: string;
  sender: Party;
  recipient: Party;
  kind: EnvelopeKind;
  /** 対象年月 YYYYMM */
  targetMonth: string;
  /** ファイル連番 YYYYMMDDHHMMSS */
  fileSequence: string;
  /** ISO 8601 UTC, e.g. 2026-11-24T05:30:00.000Z */
  createdAt: string;
  files: ManifestFile[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const TARGET_MONTH = /^[0-9]{4}(0[1-9]|1[0-2])$/;
const FILE_SEQUENCE =
  /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/;
const CREATED_AT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?Z$/;
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/;
const KINDS = new Set<string>(Object.values(EnvelopeKind));

/** Canonical JSON: object keys sorted by UTF-16 code units, no whitespace; the exact bytes that get signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function encodeManifest(manifest: Manifest): Uint8Array {
  validateManifest(manifest);
  return new TextEncoder().encode(canonicalJson(manifest));
}

/** Parses and validates manifest bytes; rejects anything that is not exactly the canonical encoding. */
export function decodeManifest(bytes: Uint8Array): Manifest {
  if (bytes.byteLength > ENVELOPE_LIMITS.maxManifestBytes) {
    throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, 'manifest is larger than the limit');
  }
  // the common case: canonical bytes of a valid manifest, read and checked in one pass; any deviation (and
  // any invalid field) takes the general path below, which gives the error
  const canonical = readCanonicalManifest(latin1Text(bytes));
  if (canonical) return canonical;
  const ascii = isAscii(bytes);
  let text: string;
  let parsed: unknown;
  try {
    // ASCII (every canonical manifest: each string field is validated to ASCII) is UTF-8 as it stands
    text = ascii ? latin1Text(bytes) : UTF8_FATAL.decode(bytes);
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new EnvelopeError(EnvelopeErrorCode.MANIFEST_INVALID, 'manifest is not UTF-8 JSON', { cause });
  }
  validateManifest(parsed);
  if (canonicalJson(parsed) !== text) {
    throw new EnvelopeError(EnvelopeErrorCode.MANIFEST_INVALID, 'manifest is not in canonical JSON form');
  }
  return parsed;
}

/** character classes of the manifest fields, one bit each, indexed by char code (0..127) */
const DIGIT = 1;
/** [0-9A-Z]: office numbers and service types */
const UPPER_ALNUM = 2;
/** [0-9a-f] */
const LOWER_HEX = 4;
/** [A-Za-z0-9_-]: the first character of a file name */
const NAME_FIRST = 8;
/** [A-Za-z0-9._-] */
const NAME = 16;
/** [a-z0-9] */
const MEDIA_FIRST = 32;
/** [a-z0-9.+-] */
const MEDIA = 64;

const CHAR_CLASS = (() => {
  const table = new Uint8Array(128);
  const mark = (chars: string, bit: number) => {
    for (let i = 0; i < chars.length; i += 1) table[chars.charCodeAt(i)] |= bit;
  };
  const digits = '0123456789';
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const lower = upper.toLowerCase();
  mark(digits, DIGIT | UPPER_ALNUM | LOWER_HEX | NAME_FIRST | NAME | MEDIA_FIRST | MEDIA);
  mark(upper, UPPER_ALNUM | NAME_FIRST | NAME);
  mark(lower, NAME_FIRST | NAME | MEDIA_FIRST | MEDIA);
  mark('abcdef', LOWER_HEX);
  mark('_-', NAME_FIRST | NAME);
  mark('.', NAME | MEDIA);
  mark('+-', MEDIA);
  return table;
})();

/** the ASCII character-class bits of the char code `c` (0 outside ASCII) */
function classOf(c: number): number {
  return c < 128 ? CHAR_CLASS[c] : 0;
}

/** true when text[from, to) is not empty and every char is in `bits` */
function allOf(text: string, from: number, to: number, bits: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i += 1) if ((classOf(text.charCodeAt(i)) & bits) === 0) return false;
  return true;
}

/** the two digits at `at` as a number, or -1 */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 0x30;
  const b = text.charCodeAt(at + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** /^[0-9]{4}(0[1-9]|1[0-2])/ at `at` */
function isYearMonth(text: string, at: number): boolean {
  const month = twoDigits(text, at + 4);
  return allOf(text, at, at + 4, DIGIT) && month >= 1 && month <= 12;
}

/** FILE_SEQUENCE: YYYYMMDDHHMMSS with the month, day, hour, minute and second in range */
function isFileSequence(text: string, from: number, to: number): boolean {
  if (to - from !== 14 || !isYearMonth(text, from)) return false;
  const day = twoDigits(text, from + 6);
  const hour = twoDigits(text, from + 8);
  const minute = twoDigits(text, from + 10);
  const second = twoDigits(text, from + 12);
  return (
    day >= 1 &&
    day <= 31 &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59
  );
}

/**
 * CREATED_AT with the month, day, hour, minute and second in range, which is stricter than CREATED_AT and
 * the Date.parse check together (a createdAt outside the ranges goes to the general path and is judged there)
 */
function isCreatedAt(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (length !== 20 && (length < 22 || length > 24)) return false;
  if (
    text.charCodeAt(from + 4) !== 0x2d ||
    text.charCodeAt(from + 7) !== 0x2d ||
    text.charCodeAt(from + 10) !== 0x54 ||
    text.charCodeAt(from + 13) !== 0x3a ||
    text.charCodeAt(from + 16) !== 0x3a ||
    text.charCodeAt(to - 1) !== 0x5a
  ) {
    return false;
  }
  if (length !== 20 && (text.charCodeAt(from + 19) !== 0x2e || !allOf(text, from + 20, to - 1, DIGIT))) {
    return false;
  }
  const month = twoDigits(text, from + 5);
  const day = twoDigits(text, from + 8);
  const hour = twoDigits(text, from + 11);
  const minute = twoDigits(text, from + 14);
  const second = twoDigits(text, from + 17);
  return (
    allOf(text, from, from + 4, DIGIT) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59
  );
}

/** UUID: 8-4-4-4-12 lower-case hex, version 1..8, variant 8, 9, a or b */
function isUuid(text: string, from: number, to: number): boolean {
  if (to - from !== 36) return false;
  for (const dash of [8, 13, 18, 23]) if (text.charCodeAt(from + dash) !== 0x2d) return false;
  const version = text.charCodeAt(from + 14);
  const variant = text.charCodeAt(from + 19);
  return (
    allOf(text, from, from + 8, LOWER_HEX) &&
    allOf(text, from + 9, from + 13, LOWER_HEX) &&
    version >= 0x31 &&
    version <= 0x38 &&
    allOf(text, from + 15, from + 18, LOWER_HEX) &&
    (variant === 0x38 || variant === 0x39 || variant === 0x61 || variant === 0x62) &&
    allOf(text, from + 20, from + 23, LOWER_HEX) &&
    allOf(text, from + 24, to, LOWER_HEX)
  );
}

/** FILE_NAME within the length limit */
function isFileName(text: string, from: number, to: number): boolean {
  return (
    to - from <= ENVELOPE_LIMITS.maxFileNameLength &&
    (classOf(text.charCodeAt(from)) & NAME_FIRST) !== 0 &&
    allOf(text, from, to, NAME)
  );
}

/** MEDIA_TYPE within the length limit */
function isMediaType(text: string, from: number, to: number): boolean {
  if (to - from > ENVELOPE_LIMITS.maxMediaTypeLength) return false;
  const slash = text.indexOf('/', from);
  return (
    slash > from &&
    slash < to - 1 &&
    (classOf(text.charCodeAt(from)) & MEDIA_FIRST) !== 0 &&
    allOf(text, from, slash, MEDIA) &&
    (classOf(text.charCodeAt(slash + 1)) & MEDIA_FIRST) !== 0 &&
    allOf(text, slash + 1, to, MEDIA)
  );
}

/** the char code with ASCII upper case folded to lower case */
function foldCase(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** true when two ASCII names are equal up to case (as comparing their toUpperCase() forms would say) */
function sameNameFolded(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    if (foldCase(a.charCodeAt(i)) !== foldCase(b.charCodeAt(i))) return false;
  }
  return true;
}

/** names compared pairwise up to this many files; more go through a Set of upper-cased names */
const PAIRWISE_NAMES = 8;

function hasDuplicateName(files: readonly ManifestFile[]): boolean {
  if (files.length <= PAIRWISE_NAMES) {
    for (let i = 1; i < files.length; i += 1) {
      for (let j = 0; j < i; j += 1) if (sameNameFolded(files[i].name, files[j].name)) return true;
    }
    return false;
  }
  const names = new Set<string>();
  for (const file of files) {
    const folded = file.name.toUpperCase();
    if (names.has(folded)) return true;
    names.add(folded);
  }
  return false;
}

const KIND_VALUES: readonly string[] = Object.values(EnvelopeKind);

/**
 * The manifest of `text` when `text` is laid out exactly as canonicalJson writes it (keys in order, no
 * whitespace, strings without escapes, integers without sign, fraction, exponent or leading zero) AND every
 * field is valid as validateManifest checks it (with the same or stricter character checks, written out
 * instead of regular expressions); otherwise undefined. For such text JSON.parse gives the same object,
 * validateManifest passes and canonicalJson gives `text` back: this is decodeManifest's general path for
 * the texts it accepts, and leaves every other text (and every error) to the general path.
 */
function readCanonicalManifest(text: string): Manifest | undefined {
  const r = new CanonicalCursor(text);
  if (!r.literal('{"createdAt":"')) return undefined;
  const createdAt = r.field(Field.CreatedAt);
  if (createdAt === undefined || !r.literal(',"envelopeId":"')) return undefined;
  const envelopeId = r.field(Field.Uuid);
  if (envelopeId === undefined || !r.literal(',"fileSequence":"')) return undefined;
  const fileSequence = r.field(Field.FileSequence);
  if (fileSequence === undefined || !r.literal(',"files":[')) return undefined;
  const files: ManifestFile[] = [];
  let total = 0;
  do {
    if (files.length === ENVELOPE_LIMITS.maxFiles || !r.literal('{"mediaType":"')) return undefined;
    const mediaType = r.field(Field.MediaType);
    if (mediaType === undefined || !r.literal(',"name":"')) return undefined;
    const name = r.field(Field.FileName);
    if (name === undefined || !r.literal(',"sha256":"')) return undefined;
    const sha256 = r.field(Field.Sha256);
    if (sha256 === undefined || !r.literal(',"size":')) return undefined;
    const size = r.integer();
    if (size === undefined || size > ENVELOPE_LIMITS.maxFileSize || !r.literal('}')) return undefined;
    total += size;
    files.push({ mediaType, name, sha256, size });
  } while (r.literal(','));
  if (!r.literal(']') || total > ENVELOPE_LIMITS.maxTotalSize || hasDuplicateName(files)) return undefined;
  if (!r.literal(',"kind":"')) return undefined;
  const kind = r.field(Field.Kind);
  if (kind === undefined || !r.literal(',"recipient":')) return undefined;
  const recipient = r.party();
  if (recipient === undefined || !r.literal(',"sender":')) return undefined;
  const sender = r.party();
  if (sender === undefined || !r.literal(',"targetMonth":"')) return undefined;
  const targetMonth = r.field(Field.TargetMonth);
  if (targetMonth === undefined || !r.literal(',"version":1}') || !r.done()) return undefined;
  return {
    createdAt,
    envelopeId,
    fileSequence,
    files,
    kind: kind as EnvelopeKind,
    recipient,
    sender,
    targetMonth,
    version: MANIFEST_VERSION,
  };
}

/** the string fields of a manifest, each with its check */
enum Field {
  CreatedAt,
  Uuid,
  FileSequence,
  MediaType,
  FileName,
  Sha256,
  Kind,
  OfficeNumber,
  ServiceType,
  TargetMonth,
}

/** whether text[from, to) is a valid value of `field` */
function isValidField(field: Field, text: string, from: number, to: number): boolean {
  switch (field) {
    case Field.CreatedAt:
      return isCreatedAt(text, from, to);
    case Field.Uuid:
      return isUuid(text, from, to);
    case Field.FileSequence:
      return isFileSequence(text, from, to);
    case Field.MediaType:
      return isMediaType(text, from, to);
    case Field.FileName:
      return isFileName(text, from, to);
    case Field.Sha256:
      return to - from === 64 && allOf(text, from, to, LOWER_HEX);
    case Field.Kind:
      return KIND_VALUES.includes(text.slice(from, to));
    case Field.OfficeNumber:
      return to - from === 10 && allOf(text, from, to, UPPER_ALNUM);
    case Field.ServiceType:
      return to - from === 2 && allOf(text, from, to, UPPER_ALNUM);
    case Field.TargetMonth:
      return to - from === 6 && isYearMonth(text, from);
  }
}

/** a cursor over canonical manifest text: every read moves past what it accepted, or answers undefined/false */
class CanonicalCursor {
  private at = 0;

  constructor(private readonly text: string) {}

  /** consumes `expected` when the text continues with it */
  literal(expected: string): boolean {
    if (!this.text.startsWith(expected, this.at)) return false;
    this.at += expected.length;
    return true;
  }

  /** the string up to the closing quote (consumed) when it is a valid `field`; the cursor is inside the string */
  field(field: Field): string | undefined {
    const { text, at } = this;
    const end = text.indexOf('"', at);
    if (end < 0 || !isValidField(field, text, at, end)) return undefined;
    this.at = end + 1;
    return text.slice(at, end);
  }

  /** a JSON integer as canonicalJson writes a safe one: digits, no sign, no leading zero */
  integer(): number | undefined {
    const { text } = this;
    const start = this.at;
    let at = start;
    while (at < text.length && (classOf(text.charCodeAt(at)) & DIGIT) !== 0) at += 1;
    // at most 15 digits: every such integer is a safe integer, and the limits are far below
    if (at === start || at - start > 15 || (text.charCodeAt(start) === 0x30 && at - start > 1)) {
      return undefined;
    }
    this.at = at;
    return Number(text.slice(start, at));
  }

  party(): Party | undefined {
    if (!this.literal('{"officeNumber":"')) return undefined;
    const officeNumber = this.field(Field.OfficeNumber);
    if (officeNumber === undefined || !this.literal(',"serviceType":"')) return undefined;
    const serviceType = this.field(Field.ServiceType);
    if (serviceType === undefined || !this.literal('}')) return undefined;
    return { officeNumber, serviceType };
  }

  done(): boolean {
    return this.at === this.text.length;
  }
}

/** fatal: malformed UTF-8 throws; stateless between calls (no `stream`), so one instance serves all */
// ignoreBOM keeps a leading U+FEFF in the text, so BOM + canonical JSON is refused like any non-canonical bytes
const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** each byte as one char (the bytes themselves when they are ASCII) */
function latin1Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function invalid(message: string): never {
  throw new EnvelopeError(EnvelopeErrorCode.MANIFEST_INVALID, `manifest: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) invalid(`unknown field ${where}.${key}`);
  for (const key of keys) if (!(key in value)) invalid(`missing field ${where}.${key}`);
}

function checkString(value: unknown, pattern: RegExp, where: string): void {
  if (typeof value !== 'string' || !pattern.test(value)) invalid(`${where} is not valid`);
}

/** /^[0-9a-f]{64}$/ without the regular expression, the hottest pattern of a manifest */
function isSha256Hex(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 64) return false;
  for (let i = 0; i < 64; i += 1) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function checkParty(value: unknown, where: string): void {
  if (!isRecord(value)) return invalid(`${where} is not an object`);
  checkKeys(value, ['officeNumber', 'serviceType'], where);
  checkString(value['officeNumber'], OFFICE_NUMBER, `${where}.officeNumber`);
  checkString(value['serviceType'], SERVICE_TYPE, `${where}.serviceType`);
}

const MANIFEST_KEYS = [
  'version',
  'envelopeId',
  'sender',
  'recipient',
  'kind',
  'targetMonth',
  'fileSequence',
  'createdAt',
  'files',
] as const;

/** Throws MANIFEST_INVALID or LIMIT_EXCEEDED unless `value` is a well-formed manifest. */
export function validateManifest(value: unknown): asserts value is Manifest {
  if (!isRecord(value)) return invalid('not an object');
  checkKeys(value, MANIFEST_KEYS, 'manifest');
  if (value['version'] !== MANIFEST_VERSION) invalid(`unsupported version ${String(value['version'])}`);
  checkString(value['envelopeId'], UUID, 'envelopeId');
  checkParty(value['sender'], 'sender');
  checkParty(value['recipient'], 'recipient');
  if (typeof value['kind'] !== 'string' || !KINDS.has(value['kind'])) invalid('kind is not valid');
  checkString(value['targetMonth'], TARGET_MONTH, 'targetMonth');
  checkString(value['fileSequence'], FILE_SEQUENCE, 'fileSequence');
  checkString(value['createdAt'], CREATED_AT, 'createdAt');
  if (Number.isNaN(Date.parse(value['createdAt'] as string))) invalid('createdAt is not a date');
  checkFiles(value['files']);
}

function checkFiles(files: unknown): void {
  if (!Array.isArray(files) || files.length === 0) return invalid('files must be a non-empty array');
  if (files.length > ENVELOPE_LIMITS.maxFiles) {
    throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, `more than ${ENVELOPE_LIMITS.maxFiles} files`);
  }
  const names = new Set<string>();
  let total = 0;
  files.forEach((file: unknown, i) => {
    const where = `files[${i}]`;
    if (!isRecord(file)) return invalid(`${where} is not an object`);
    checkKeys(file, ['name', 'mediaType', 'size', 'sha256'], where);
    const { name, mediaType, size } = file;
    if (typeof name === 'string' && name.length > ENVELOPE_LIMITS.maxFileNameLength) {
      throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, `${where}.name is too long`);
    }
    checkString(name, FILE_NAME, `${where}.name`);
    // names are compared case-insensitively because receivers write them to case-insensitive file systems
    const folded = (name as string).toUpperCase();
    if (names.has(folded)) invalid(`${where}.name is a duplicate`);
    names.add(folded);
    if (typeof mediaType === 'string' && mediaType.length > ENVELOPE_LIMITS.maxMediaTypeLength)
      invalid(`${where}.mediaType is too long`);
    checkString(mediaType, MEDIA_TYPE, `${where}.mediaType`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      invalid(`${where}.size is not valid`);
    if (size > ENVELOPE_LIMITS.maxFileSize) {
      throw new EnvelopeError(
        EnvelopeErrorCode.LIMIT_EXCEEDED,
        `${where} is larger than the file size limit`,
      );
    }
    total += size;
    if (!isSha256Hex(file['sha256'])) invalid(`${where}.sha256 is not valid`);
  });
  if (total > ENVELOPE_LIMITS.maxTotalSize) {
    throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, 'files are larger than the total size limit');
  }
}
