// `renkei send`: check the files exactly as `renkei validate` does (checkFiles, INPUT mode; nothing is sent if
// anything is wrong), then seal and post each unit in ascending ファイル連番.
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { buildSendUnit, CheckReport, FolderFile, SendUnit } from '@renkei/careplan';
import { EnvelopeKind, parseEnvelope, seal, type Party } from '@renkei/envelope';
import { AgentContext, openSession } from '../agent.context';
import { AgentError, AgentErrorCode, ExitCode, invalidInput } from '../agent.errors';
import { PlatformClient } from '../platform-client';
import { Profile } from '../profile.store';
import { PROGRESS_BAR_MIN_UNITS, progressBarOf } from '../progress';
import { saveAcceptanceReceipt, verifyAcceptanceReceipt } from '../receipts.util';
import { checkInputFiles, CheckProblem, problemsOf, readInputFiles } from './validate.command';

/** a validation problem of `send`: the same list `renkei validate` reports, plus SENDER_NOT_THIS_OFFICE */
export type SendProblem = CheckProblem;

export interface PreparedUnit {
  unit: SendUnit;
  /** in the unit's order */
  files: { name: string; mediaType: string; content: Uint8Array }[];
}

export interface PreparedSend {
  /** empty unless there are no errors */
  units: PreparedUnit[];
  errors: SendProblem[];
  warnings: SendProblem[];
  /** the folder check, as `renkei validate --json` prints it */
  report: CheckReport;
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
  /** where the verified acceptance receipt was saved, and its SHA-256 */
  acceptanceReceipt: { file: string; sha256: string };
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
  /** how long a refusal the event pipeline may still clear is retried (see SETTLING_CODES); default 5 s */
  settleMs?: number;
}

/**
 * Refusals that intake answers from its read models of registry's events, and that a registration or 利用申請 of
 * a moment ago has not reached yet (a few ms in standalone, ~100 ms and more in a cluster): right after `renkei
 * init` or `renkei register`, of this office or the recipient, they are retried with the same envelope for a
 * bounded time (intake stored nothing), then reported as they are.
 */
export const SETTLING_CODES: readonly string[] = [
  'RECIPIENT_UNKNOWN',
  'SENDER_LICENCE_NOT_LIVE',
  'RECIPIENT_LICENCE_NOT_LIVE',
];
export const DEFAULT_SETTLE_MS = 5_000;
const SETTLE_INTERVAL_MS = 250;

export async function send(ctx: AgentContext, options: SendOptions): Promise<SendResult> {
  const files = await readInputFiles(options);
  const { profile, client } = await openSession(ctx);
  const prepared = prepareSend(files, profile);
  if (prepared.errors.length > 0) {
    throw invalidInput(
      AgentErrorCode.SEND_VALIDATION_FAILED,
      `入力ファイルに誤りがあるため、何も送信しませんでした (${prepared.errors.length} 件のエラー)`,
      { problems: prepared.errors, warnings: prepared.warnings, report: prepared.report },
    );
  }
  const envelopes: SentEnvelope[] = [];
  const bar = progressBarOf(ctx.progressBar, {
    label: '送信中',
    total: prepared.units.length,
    minTotal: PROGRESS_BAR_MIN_UNITS,
  });
  try {
    for (const { unit, files: unitFiles } of prepared.units) {
      ctx.progress(
        `送信中 (sending) ${unit.fileSequence} → ${unit.recipient.officeNumber} (${unitFiles.length} files)`,
      );
      const post = (der: Uint8Array) =>
        postSettling(client, der, {
          attempts: options.attempts ?? 3,
          settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
          onWait: (code) =>
            ctx.progress(
              `プラットフォームへの登録内容の反映を待っています (${code}; waiting up to ${Math.round((options.settleMs ?? DEFAULT_SETTLE_MS) / 1000)} s) …`,
            ),
        });
      envelopes.push(await sendUnit(client, profile, unit, unitFiles, post));
      bar.tick();
    }
  } finally {
    bar.done();
  }
  return { envelopes, warnings: prepared.warnings };
}

/**
 * Checks the files as `renkei validate` does and, with a profile, that every unit is sent by this office; when
 * nothing is wrong, the units in import order (ascending ファイル連番) with their bytes.
 */
export function prepareSend(files: readonly FolderFile[], profile?: Profile): PreparedSend {
  const report = checkInputFiles(files);
  const { errors, warnings } = problemsOf(report);
  if (profile) errors.push(...report.units.flatMap((unit) => senderProblems(unit, profile)));
  if (errors.length > 0) return { units: [], errors, warnings, report };
  const bytes = new Map(files.map((f) => [f.fileName, f.bytes]));
  // the report is clean, so each group is a legal unit; rows were already checked by checkFiles
  const units = report.units.map((checked) => {
    const unit = buildSendUnit(checked.files.map((fileName) => ({ fileName })));
    return {
      unit,
      files: unit.files.map((f) => ({
        name: f.fileName,
        mediaType: mediaTypeOf(f.fileName),
        content: bytes.get(f.fileName) as Uint8Array,
      })),
    };
  });
  return { units, errors, warnings, report };
}

function senderProblems(unit: CheckReport['units'][number], profile: Profile): SendProblem[] {
  const { officeNumber, serviceTypes } = profile.settings;
  const { sender } = unit;
  if (
    sender.officeNumber === officeNumber &&
    sender.serviceType !== null &&
    serviceTypes.includes(sender.serviceType)
  ) {
    return [];
  }
  const message = `送信元 ${sender.officeNumber}/${sender.serviceType ?? '--'} はこの事業所 (${officeNumber}/${serviceTypes.join(',')}) ではありません`;
  return unit.files.map((file) => ({
    file,
    row: null,
    column: null,
    columnName: null,
    code: 'SENDER_NOT_THIS_OFFICE',
    severity: 'error',
    message,
  }));
}

async function sendUnit(
  client: PlatformClient,
  profile: Profile,
  unit: SendUnit,
  files: PreparedUnit['files'],
  post: (der: Uint8Array) => Promise<PostOutcome>,
): Promise<SentEnvelope> {
  const sealed = await sealUnit(client, profile, { unit, files });
  return postSealed(client, profile, sealed.der, post);
}

/** what a unit's envelope says of it besides its files: a checked SendUnit, or a unit of the watch queue */
export interface SealableUnit {
  sender: Party;
  recipient: Party;
  kind: string;
  targetMonth: string;
  fileSequence: string;
}

/** Seals one prepared unit for its recipient (whose certificate the directory holds) under a new envelope id. */
export async function sealUnit(
  client: Pick<PlatformClient, 'getOffice'>,
  profile: Pick<Profile, 'certificate' | 'privateKey'>,
  { unit, files }: { unit: SealableUnit; files: PreparedUnit['files'] },
  createdAt = new Date(),
): Promise<{ envelopeId: string; der: Uint8Array }> {
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
      createdAt,
      files,
    },
    {
      senderCertificate: profile.certificate,
      senderPrivateKey: profile.privateKey,
      recipientCertificate: pemToDer(office.certificatePem),
    },
  );
  return { envelopeId, der: sealed.der };
}

/**
 * Posts a sealed envelope (again: the same bytes after a lost answer or a restart are a duplicate, not a second
 * send), verifies the platform's acceptance receipt and keeps it in the profile.
 */
export async function postSealed(
  client: Pick<PlatformClient, 'getAcceptanceReceipt'>,
  profile: Profile,
  sealedDer: Uint8Array,
  post: (der: Uint8Array) => Promise<PostOutcome>,
): Promise<SentEnvelope> {
  const { manifest, manifestSha256 } = parseEnvelope(sealedDer);
  const { envelopeId } = manifest;
  const { status, duplicate, receipt } = await post(sealedDer);
  const der = receipt ?? (await client.getAcceptanceReceipt(envelopeId));
  // the platform's signed word that it accepted this envelope: checked before it is kept
  verifyAcceptanceReceipt(der, profile.trustAnchorsPem, {
    envelopeId,
    manifestSha256,
    sender: manifest.sender,
    recipient: manifest.recipient,
  });
  const file = await saveAcceptanceReceipt(profile.dir, envelopeId, der);
  return {
    envelopeId,
    status,
    duplicate,
    acceptanceReceipt: { file, sha256: createHash('sha256').update(der).digest('hex') },
    fileSequence: manifest.fileSequence,
    kind: manifest.kind,
    targetMonth: manifest.targetMonth,
    recipient: manifest.recipient,
    files: manifest.files.map((f) => f.name),
  };
}

export interface PostOutcome {
  status: string;
  duplicate: boolean;
  receipt?: Uint8Array;
}

export interface SettleOptions {
  attempts: number;
  /** how long a SETTLING_CODES refusal is retried, from the first answer */
  settleMs: number;
  /** told once, with the code, when the first such refusal is retried */
  onWait?: (code: string) => void;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * postWithRetry, and the same bytes again every 250 ms while intake answers one of SETTLING_CODES, until
 * `settleMs` have passed since the first answer: never more than settleMs / 250 + 1 posts. The last refusal is
 * then thrown as it is.
 */
export async function postSettling(
  client: Pick<PlatformClient, 'postEnvelope'>,
  der: Uint8Array,
  options: SettleOptions,
): Promise<PostOutcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.settleMs;
  for (let waited = false; ; waited = true) {
    try {
      return await postWithRetry(client, der, options.attempts);
    } catch (error) {
      const settling = error instanceof AgentError && SETTLING_CODES.includes(error.code);
      if (!settling || now() + SETTLE_INTERVAL_MS > deadline) throw error;
      if (!waited) options.onWait?.(error.code);
      await sleep(SETTLE_INTERVAL_MS);
    }
  }
}

/**
 * Posts the same bytes (same envelope id) again when the answer was lost; ENVELOPE_DUPLICATE means an earlier
 * attempt was accepted.
 */
export async function postWithRetry(
  client: Pick<PlatformClient, 'postEnvelope'>,
  der: Uint8Array,
  attempts: number,
): Promise<PostOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const accepted = await client.postEnvelope(der);
      return { status: accepted.status, duplicate: false, ...receiptOf(accepted.receipt) };
    } catch (error) {
      if (error instanceof AgentError && error.code === 'ENVELOPE_DUPLICATE') {
        const details = (error.details as { details?: { receipt?: unknown } } | undefined)?.details;
        return { status: 'accepted', duplicate: true, ...receiptOf(details?.receipt) };
      }
      const lost = error instanceof AgentError && error.code === AgentErrorCode.PLATFORM_UNREACHABLE;
      if (!lost || attempt >= attempts) throw error;
    }
  }
}

function receiptOf(base64: unknown): { receipt?: Uint8Array } {
  return typeof base64 === 'string' ? { receipt: new Uint8Array(Buffer.from(base64, 'base64')) } : {};
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
