// `renkei send`: group files into send units, validate everything first (nothing is sent if anything is
// wrong), then seal and post each unit in ascending ファイル連番.
import { randomUUID, X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import {
  CareplanCsvCodec,
  CareplanError,
  FILE_KINDS,
  groupSendUnits,
  IssueSeverity,
  SendUnit,
  SendUnitFile,
  tryParseFileName,
} from '@renkei/careplan';
import { EnvelopeKind, seal } from '@renkei/envelope';
import { AgentContext, openSession } from '../agent.context';
import { AgentError, AgentErrorCode, ExitCode, invalidInput } from '../agent.errors';
import { listFiles, readInputFile } from '../files.util';
import { PlatformClient } from '../platform-client';
import { Profile } from '../profile.store';

export interface SendProblem {
  file: string | null;
  row: number | null;
  column: number | null;
  columnName: string | null;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface PreparedUnit {
  unit: SendUnit;
  /** in the unit's order */
  files: { name: string; mediaType: string; content: Uint8Array }[];
}

export interface PreparedSend {
  units: PreparedUnit[];
  errors: SendProblem[];
  warnings: SendProblem[];
}

export interface SentEnvelope {
  envelopeId: string;
  status: string;
  /** the platform already had it (a retry after a lost answer) */
  duplicate: boolean;
  fileSequence: string;
  kind: string;
  targetMonth: string;
  recipient: { officeNumber: string; serviceType: string };
  files: string[];
}

export interface SendResult {
  envelopes: SentEnvelope[];
  warnings: SendProblem[];
}

export interface SendOptions {
  files?: string[];
  dir?: string;
  /** attempts of one POST when the answer is lost */
  attempts?: number;
}

const codec = new CareplanCsvCodec();

export async function send(ctx: AgentContext, options: SendOptions): Promise<SendResult> {
  const paths = await inputPaths(options);
  const { profile, client } = await openSession(ctx);
  const prepared = await prepareSend(paths, profile);
  if (prepared.errors.length > 0) {
    throw invalidInput(
      AgentErrorCode.SEND_VALIDATION_FAILED,
      `入力ファイルに誤りがあるため、何も送信しませんでした (${prepared.errors.length} 件のエラー)`,
      { problems: prepared.errors, warnings: prepared.warnings },
    );
  }
  const envelopes: SentEnvelope[] = [];
  for (const { unit, files } of prepared.units) {
    ctx.progress(
      `送信中 (sending) ${unit.fileSequence} → ${unit.recipient.officeNumber} (${files.length} files)`,
    );
    envelopes.push(await sendUnit(client, profile, unit, files, options.attempts ?? 3));
  }
  return { envelopes, warnings: prepared.warnings };
}

async function inputPaths(options: SendOptions): Promise<string[]> {
  const paths = [...(options.files ?? []), ...(options.dir ? await listFiles(options.dir) : [])];
  if (paths.length === 0) {
    throw invalidInput(AgentErrorCode.INVALID_INPUT, '送信するファイルがありません (no files to send)');
  }
  return paths;
}

/** Reads, decodes and validates every file and groups them into units; collects every problem. */
export async function prepareSend(paths: readonly string[], profile?: Profile): Promise<PreparedSend> {
  const errors: SendProblem[] = [];
  const warnings: SendProblem[] = [];
  const contents = new Map<string, Buffer>();
  const unitFiles: SendUnitFile[] = [];
  for (const file of paths) {
    const name = path.basename(file);
    if (contents.has(name)) {
      errors.push(problem(name, 'DUPLICATE_FILE_NAME', '同じファイル名が2回指定されています'));
      continue;
    }
    const bytes = await readInputFile(file);
    contents.set(name, bytes);
    unitFiles.push({ fileName: name, rows: validateContent(name, bytes, errors, warnings) });
  }
  const grouped = groupSendUnits(unitFiles);
  for (const rejected of grouped.rejected) {
    for (const p of rejected.error.problems.length > 0 ? rejected.error.problems : [rejected.error]) {
      const file = fileOfProblem(rejected.fileNames, p.message) ?? rejected.fileNames.join(', ');
      errors.push({ ...problem(file, p.code, p.message), row: rowOf(p) });
    }
  }
  if (profile) errors.push(...grouped.units.flatMap((unit) => senderProblems(unit, profile)));
  const units = grouped.units.map((unit) => ({
    unit,
    files: unit.files.map((f) => ({
      name: f.fileName,
      mediaType: mediaTypeOf(f.fileName),
      content: new Uint8Array(contents.get(f.fileName) as Buffer),
    })),
  }));
  return { units, errors, warnings };
}

/** Decodes a CSV and validates it in INPUT mode; returns its data rows for the unit's row links. */
function validateContent(
  name: string,
  bytes: Buffer,
  errors: SendProblem[],
  warnings: SendProblem[],
): string[][] | undefined {
  const parsed = tryParseFileName(name);
  // a bad name is reported once, by the grouping; images have no CSV content
  if (!parsed.ok || FILE_KINDS[parsed.value.kind].extension !== 'CSV') return undefined;
  try {
    const read = codec.read(name, bytes);
    for (const issue of read.issues) {
      const entry: SendProblem = {
        file: name,
        row: issue.row,
        column: issue.column,
        columnName: issue.columnName,
        code: issue.code,
        severity: issue.severity === IssueSeverity.Error ? 'error' : 'warning',
        message: issue.message,
      };
      (entry.severity === 'error' ? errors : warnings).push(entry);
    }
    const records = read.records.map((r) => [...r.fields]);
    // the validator skips a header row in INPUT mode; the unit's row links must too
    return records.length > 0 && /^[^\d]/.test(records[0][0] ?? '') ? records.slice(1) : records;
  } catch (error) {
    if (!(error instanceof CareplanError)) throw error;
    const problems = error.problems.length > 0 ? error.problems : [error];
    for (const p of problems) {
      errors.push({
        ...problem(name, p.code, p.message),
        row: rowOf(p),
        column: 'column' in p && typeof p.column === 'number' ? p.column : null,
        columnName: 'columnName' in p && typeof p.columnName === 'string' ? p.columnName : null,
      });
    }
    return undefined;
  }
}

function senderProblems(unit: SendUnit, profile: Profile): SendProblem[] {
  const { officeNumber, serviceTypes } = profile.settings;
  if (unit.sender.officeNumber === officeNumber && serviceTypes.includes(unit.sender.serviceType)) return [];
  const message = `送信元 ${unit.sender.officeNumber}/${unit.sender.serviceType} はこの事業所 (${officeNumber}/${serviceTypes.join(',')}) ではありません`;
  return unit.files.map((f) => problem(f.fileName, 'SENDER_NOT_THIS_OFFICE', message));
}

async function sendUnit(
  client: PlatformClient,
  profile: Profile,
  unit: SendUnit,
  files: PreparedUnit['files'],
  attempts: number,
): Promise<SentEnvelope> {
  const office = await client.getOffice(unit.recipient.officeNumber);
  const envelopeId = randomUUID();
  const sealed = await seal(
    {
      envelopeId,
      sender: unit.sender,
      recipient: unit.recipient,
      kind: unit.kind as EnvelopeKind,
      targetMonth: unit.targetMonth,
      fileSequence: unit.fileSequence,
      createdAt: new Date(),
      files,
    },
    {
      senderCertificate: profile.certificate,
      senderPrivateKey: profile.privateKey,
      recipientCertificate: pemToDer(office.certificatePem),
    },
  );
  const { status, duplicate } = await postWithRetry(client, sealed.der, attempts);
  return {
    envelopeId,
    status,
    duplicate,
    fileSequence: unit.fileSequence,
    kind: unit.kind,
    targetMonth: unit.targetMonth,
    recipient: unit.recipient,
    files: files.map((f) => f.name),
  };
}

/**
 * Posts the same bytes (same envelope id) again when the answer was lost; ENVELOPE_DUPLICATE means an earlier
 * attempt was accepted.
 */
export async function postWithRetry(
  client: Pick<PlatformClient, 'postEnvelope'>,
  der: Uint8Array,
  attempts: number,
): Promise<{ status: string; duplicate: boolean }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const accepted = await client.postEnvelope(der);
      return { status: accepted.status, duplicate: false };
    } catch (error) {
      if (error instanceof AgentError && error.code === 'ENVELOPE_DUPLICATE') {
        return { status: 'accepted', duplicate: true };
      }
      const lost = error instanceof AgentError && error.code === AgentErrorCode.PLATFORM_UNREACHABLE;
      if (!lost || attempt >= attempts) throw error;
    }
  }
}

export function mediaTypeOf(fileName: string): string {
  return /\.jpe?g$/i.test(fileName) ? 'image/jpeg' : 'text/csv';
}

function pemToDer(pem: string): Uint8Array {
  try {
    return new Uint8Array(new X509Certificate(pem).raw);
  } catch {
    throw new AgentError(
      AgentErrorCode.CERTIFICATE_INVALID,
      '宛先事業所の証明書を読めません (recipient certificate unreadable)',
      ExitCode.Refused,
    );
  }
}

function problem(file: string | null, code: string, message: string): SendProblem {
  return { file, row: null, column: null, columnName: null, code, severity: 'error', message };
}

/** the file a unit problem is about, when its message names one (by name, or by kind as in "UPSIKYU row 2") */
function fileOfProblem(fileNames: readonly string[], message: string): string | undefined {
  if (fileNames.length === 1) return fileNames[0];
  const named = fileNames.find((name) => message.startsWith(name));
  if (named) return named;
  const kind = /^([A-Z0-9_]+) row \d+/.exec(message)?.[1];
  if (!kind) return undefined;
  return fileNames.find((name) => {
    const parsed = tryParseFileName(name);
    return parsed.ok && parsed.value.kind === kind;
  });
}

function rowOf(p: unknown): number | null {
  return typeof p === 'object' && p !== null && 'row' in p && typeof p.row === 'number' ? p.row : null;
}
