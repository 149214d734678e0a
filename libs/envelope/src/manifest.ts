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
  const ascii = isAscii(bytes);
  if (ascii) {
    // the common case: canonical bytes, read in one strict pass (any deviation takes the general path below)
    const canonical = readCanonicalManifest(asciiText(bytes));
    if (canonical) {
      validateManifest(canonical);
      return canonical;
    }
  }
  let text: string;
  let parsed: unknown;
  try {
    // ASCII (every canonical manifest: each string field is validated to ASCII) is UTF-8 as it stands
    text = ascii ? asciiText(bytes) : UTF8_FATAL.decode(bytes);
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

/**
 * The manifest object of `text` when `text` is laid out exactly as canonicalJson writes it (keys in
 * order, no whitespace, strings without escapes or control characters, integers without sign, fraction,
 * exponent or leading zero); otherwise undefined. For such text JSON.parse gives the same object, and once
 * validateManifest has passed, canonicalJson gives `text` back: validating what this returns is
 * decodeManifest's general path with the canonical comparison already done.
 */
function readCanonicalManifest(text: string): Manifest | undefined {
  let at = 0;
  const literal = (expected: string): boolean => {
    if (!text.startsWith(expected, at)) return false;
    at += expected.length;
    return true;
  };
  /** the characters up to the closing quote, which must be plain (0x20..0x7e, no quote or backslash) */
  const plain = (): string | undefined => {
    const start = at;
    for (; at < text.length; at += 1) {
      const c = text.charCodeAt(at);
      if (c === 0x22) return text.slice(start, at++);
      if (c < 0x20 || c === 0x5c) return undefined;
    }
    return undefined;
  };
  const integer = (): number | undefined => {
    const start = at;
    while (at < text.length && text.charCodeAt(at) >= 0x30 && text.charCodeAt(at) <= 0x39) at += 1;
    if (at === start || (text.charCodeAt(start) === 0x30 && at - start > 1)) return undefined;
    return Number(text.slice(start, at));
  };
  const party = (): Party | undefined => {
    if (!literal('{"officeNumber":"')) return undefined;
    const officeNumber = plain();
    if (officeNumber === undefined || !literal(',"serviceType":"')) return undefined;
    const serviceType = plain();
    if (serviceType === undefined || !literal('}')) return undefined;
    return { officeNumber, serviceType };
  };
  if (!literal('{"createdAt":"')) return undefined;
  const createdAt = plain();
  if (createdAt === undefined || !literal(',"envelopeId":"')) return undefined;
  const envelopeId = plain();
  if (envelopeId === undefined || !literal(',"fileSequence":"')) return undefined;
  const fileSequence = plain();
  if (fileSequence === undefined || !literal(',"files":[')) return undefined;
  const files: ManifestFile[] = [];
  if (!literal(']')) {
    do {
      if (!literal('{"mediaType":"')) return undefined;
      const mediaType = plain();
      if (mediaType === undefined || !literal(',"name":"')) return undefined;
      const name = plain();
      if (name === undefined || !literal(',"sha256":"')) return undefined;
      const sha256 = plain();
      if (sha256 === undefined || !literal(',"size":')) return undefined;
      const size = integer();
      if (size === undefined || !literal('}')) return undefined;
      files.push({ mediaType, name, sha256, size });
    } while (literal(','));
    if (!literal(']')) return undefined;
  }
  if (!literal(',"kind":"')) return undefined;
  const kind = plain();
  if (kind === undefined || !literal(',"recipient":')) return undefined;
  const recipient = party();
  if (recipient === undefined || !literal(',"sender":')) return undefined;
  const sender = party();
  if (sender === undefined || !literal(',"targetMonth":"')) return undefined;
  const targetMonth = plain();
  if (targetMonth === undefined || !literal(',"version":')) return undefined;
  const version = integer();
  if (version === undefined || !literal('}') || at !== text.length) return undefined;
  return {
    createdAt,
    envelopeId,
    fileSequence,
    files,
    kind: kind as EnvelopeKind,
    recipient,
    sender,
    targetMonth,
    version,
  };
}

/** fatal: malformed UTF-8 throws; stateless between calls (no `stream`), so one instance serves all */
// ignoreBOM keeps a leading U+FEFF in the text, so BOM + canonical JSON is refused like any non-canonical bytes
const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function asciiText(bytes: Uint8Array): string {
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
