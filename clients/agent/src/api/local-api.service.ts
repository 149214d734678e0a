// What the local API does, on one unlocked profile and one platform client: send a unit (through the
// idempotency journal), list sent and received (the platform's keyset pages, passed through), one unit's status,
// fetch a received unit (open, verify, answer the files, post the recipient receipt, as `renkei fetch` does),
// and the office's status.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { FolderFile } from '@renkei/careplan';
import { parseEnvelope, parseReceipt } from '@renkei/envelope';
import { AgentContext, platformUrlOf, Session } from '../agent.context';
import { AgentError, AgentErrorCode, ExitCode, invalidInput } from '../agent.errors';
import { certificateExpiryOf, LocalCertificateExpiry } from '../certificate-expiry.util';
import { openChecked, postReceipt, postRejection } from '../commands/fetch.command';
import {
  DEFAULT_SETTLE_MS,
  postSealed,
  postSettling,
  prepareSend,
  SendProblem,
  sealUnit,
} from '../commands/send.command';
import { checkEnvelopeId } from '../commands/status.command';
import { EnvelopeItem, Licence, OwnOffice } from '../platform-client';
import { signRecipientReceipt } from '../receipts.util';
import type { OutboxUnit } from '../watch/outbox.store';
import { WATCH_STOPPED, type Watcher } from '../watch/watcher';
import { ApiError, ApiErrorCode } from './api.errors';
import { IDEMPOTENCY_KEY, IdempotencyJournal, JournalEntry, requestDigest } from './idempotency.journal';

export interface UnitFileInput {
  name: string;
  content: Uint8Array;
}

/** the answer of POST /v1/units */
export interface UnitSent {
  envelopeId: string;
  status: string;
  acceptedAt: string;
  kind: string;
  targetMonth: string;
  fileSequence: string;
  recipient: { officeNumber: string; serviceType: string };
  files: string[];
  acceptanceReceipt: { sha256: string; verified: true };
  warnings: SendProblem[];
}

export interface FetchedUnit {
  envelopeId: string;
  sender: { officeNumber: string; serviceType: string };
  kind: string;
  targetMonth: string;
  fileSequence: string;
  files: { name: string; mediaType: string; size: number; sha256: string; contentBase64: string }[];
  receipt:
    | { state: 'recorded'; verdict: 'accepted' | 'rejected'; receiptSha256: string }
    | { state: 'already-recorded' };
}

export interface ApiStatus {
  profile: string;
  officeNumber: string;
  serviceTypes: string[];
  platformUrl: string;
  certificate: LocalCertificateExpiry & { sha256: string };
  platform:
    | { reachable: true; office: OwnOffice | null; licence: Licence | null; problems: ApiProblem[] }
    | { reachable: false; problems: ApiProblem[] };
}

export interface ApiProblem {
  code: string;
  message: string;
}

export interface Page {
  items: EnvelopeItem[];
  next: string | null;
}

/** the answer of POST /v1/units with `Prefer: respond-async` */
export interface UnitQueued {
  unit: string;
  state: OutboxUnit['state'];
  fileSequence: string;
  recipient: { officeNumber: string; serviceType: string };
  envelopeId?: string;
}

/** one unit of the watcher's outbox (GET /v1/queue/{unitKey}) */
export interface QueuedUnitView extends UnitQueued {
  kind: string;
  targetMonth: string;
  files: string[];
  stagedAt: string;
  sealedAt?: string;
  sentAt?: string;
  archivedAt?: string;
  refusedAt?: string;
  refusal?: { code: string; message: string };
  attempts: number;
  nextAttemptAt?: string;
  lastError?: { code: string; message: string };
}

/** the durable send queue of `renkei watch` (in the same process: `renkei watch --api`) */
export type UnitQueue = Pick<Watcher, 'enqueue' | 'queuedUnit' | 'queuedUnits'>;

/** refusals of Watcher.enqueue: the unit conflicts with one already sent or queued */
const QUEUE_CONFLICTS = new Set(['UNIT_ALREADY_SENT', 'UNIT_ALREADY_QUEUED', 'WATCH_SEQUENCE_BEHIND']);

export interface LocalApiOptions {
  /** how long a refusal the event pipeline may still clear is retried (send.command SETTLING_CODES) */
  settleMs?: number;
  now?: () => Date;
  /** the watcher's outbox; without it `Prefer: respond-async` is QUEUE_NOT_AVAILABLE */
  queue?: UnitQueue;
}

export class LocalApiService {
  readonly journal: IdempotencyJournal<UnitSent>;
  private readonly now: () => Date;

  constructor(
    private readonly ctx: AgentContext,
    private readonly session: Session,
    private readonly options: LocalApiOptions = {},
  ) {
    this.journal = new IdempotencyJournal<UnitSent>(session.profile.dir);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Sends one unit. 202 when this call sent it, 200 when an earlier call with the same key did (its answer).
   * The files are checked exactly as `renkei send` checks a folder; nothing is recorded when they fail.
   */
  async sendUnit(
    idempotencyKey: string | undefined,
    files: readonly UnitFileInput[],
  ): Promise<{ status: 200 | 202; body: UnitSent }> {
    const key = checkIdempotencyKey(idempotencyKey);
    const requestSha256 = requestDigest(files);
    return this.journal.serialized(key, async () => {
      const entry = await this.journal.read(key);
      if (entry && entry.requestSha256 !== requestSha256) throw keyReused(entry);
      if (entry?.unitKey !== undefined) throw keyQueued(entry.unitKey);
      if (entry?.result) return { status: 200, body: entry.result };
      // an entry without a result: an earlier call sealed (and maybe posted) it; the same bytes go again
      const prepared = this.prepare(files);
      const started = entry ?? (await this.seal(key, requestSha256, prepared.unit)).entry;
      const body = await this.post(started, prepared.warnings);
      await this.journal.complete(key, started, body, this.now());
      return { status: 202, body };
    });
  }

  /**
   * Queues one unit in the watcher's outbox (`Prefer: respond-async`): checked exactly as sendUnit checks it,
   * then staged; the watcher seals and sends it whenever the platform is reachable. 202 when this call queued
   * it, 200 when an earlier call with the same key (and content) did: the unit's current state.
   */
  async queueUnit(
    idempotencyKey: string | undefined,
    files: readonly UnitFileInput[],
  ): Promise<{ status: 200 | 202; body: UnitQueued }> {
    const queue = this.requireQueue();
    const key = checkIdempotencyKey(idempotencyKey);
    const requestSha256 = requestDigest(files);
    return this.journal.serialized(key, async () => {
      const entry = await this.journal.read(key);
      if (entry && entry.requestSha256 !== requestSha256) throw keyReused(entry);
      if (entry && entry.unitKey === undefined) {
        throw new ApiError(
          409,
          ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
          'この Idempotency-Key は同期の送信 (Prefer: respond-async なし) に使われています。送信ごとに新しいキーを使ってください (key used for a synchronous send)',
          { envelopeId: entry.envelopeId },
        );
      }
      if (entry?.unitKey !== undefined) {
        const queued = await queue.queuedUnit(entry.unitKey);
        if (queued) return { status: 200, body: queuedAnswer(queued) };
        // the outbox lost it (a profile's queue removed by hand): queued again below
      }
      this.prepare(files);
      let staged: Awaited<ReturnType<UnitQueue['enqueue']>>;
      try {
        staged = await queue.enqueue(files);
      } catch (error) {
        throw queueRefusal(error);
      }
      if (!entry) {
        await this.journal.recordQueued(key, { requestSha256, unitKey: staged.unit.key }, this.now());
      }
      return { status: staged.created ? 202 : 200, body: queuedAnswer(staged.unit) };
    });
  }

  /** one unit of the outbox: QUEUED_UNIT_NOT_FOUND for a key it does not hold */
  async getQueued(unitKey: string): Promise<QueuedUnitView> {
    const unit = await this.requireQueue().queuedUnit(unitKey);
    if (!unit) {
      throw new ApiError(
        404,
        ApiErrorCode.QUEUED_UNIT_NOT_FOUND,
        `送信キューにその送信単位はありません (no such queued unit): ${unitKey}`,
      );
    }
    return queuedView(unit);
  }

  /** the units of the outbox not archived or refused, in ascending ファイル連番 */
  async listQueued(): Promise<{ items: QueuedUnitView[] }> {
    const units = await this.requireQueue().queuedUnits();
    return {
      items: units.filter((u) => u.state !== 'archived' && u.state !== 'refused').map(queuedView),
    };
  }

  private requireQueue(): UnitQueue {
    if (this.options.queue) return this.options.queue;
    throw new ApiError(
      409,
      ApiErrorCode.QUEUE_NOT_AVAILABLE,
      '送信キューはこのプロセスにありません。キューに入れる送信 (Prefer: respond-async) と /v1/queue は `renkei watch --api` で使えます (queue not available; run renkei watch --api)',
    );
  }

  private prepare(files: readonly UnitFileInput[]): {
    unit: ReturnType<typeof prepareSend>['units'][number];
    warnings: SendProblem[];
  } {
    const folder: FolderFile[] = files.map((f) => ({ fileName: f.name, bytes: f.content }));
    const prepared = prepareSend(folder, this.session.profile);
    if (prepared.errors.length > 0) {
      throw invalidInput(
        AgentErrorCode.SEND_VALIDATION_FAILED,
        `入力ファイルに誤りがあるため、送信しませんでした (${prepared.errors.length} 件のエラー)`,
        { problems: prepared.errors, warnings: prepared.warnings },
      );
    }
    if (prepared.units.length !== 1) {
      throw new ApiError(
        422,
        ApiErrorCode.ONE_UNIT_REQUIRED,
        `1回の呼び出しで送れるのは1つの送信単位だけです (the files form ${prepared.units.length} units)`,
        { units: prepared.report.units.map((u) => u.files) },
      );
    }
    return { unit: prepared.units[0], warnings: prepared.warnings };
  }

  private async seal(
    key: string,
    requestSha256: string,
    unit: ReturnType<typeof prepareSend>['units'][number],
  ): Promise<{ entry: JournalEntry<UnitSent> }> {
    const sealed = await sealUnit(this.session.client, this.session.profile, unit);
    const entry = await this.journal.begin(
      key,
      {
        requestSha256,
        envelopeId: sealed.envelopeId,
        sealedDer: Buffer.from(sealed.der).toString('base64'),
      },
      this.now(),
    );
    return { entry };
  }

  private async post(entry: JournalEntry<UnitSent>, warnings: SendProblem[]): Promise<UnitSent> {
    const { client, profile } = this.session;
    if (entry.sealedDer === undefined)
      throw new Error(`journal entry of ${entry.envelopeId} holds no envelope`);
    const der = new Uint8Array(Buffer.from(entry.sealedDer, 'base64'));
    const settleMs = this.options.settleMs ?? DEFAULT_SETTLE_MS;
    const sent = await postSealed(client, profile, der, (bytes) =>
      postSettling(client, bytes, { attempts: 3, settleMs }),
    );
    const receipt = parseReceipt(new Uint8Array(await fs.readFile(sent.acceptanceReceipt.file))).body;
    return {
      envelopeId: sent.envelopeId,
      status: sent.status,
      acceptedAt: receipt.type === 'acceptance' ? receipt.acceptedAt : '',
      kind: sent.kind,
      targetMonth: sent.targetMonth,
      fileSequence: sent.fileSequence,
      recipient: { officeNumber: sent.recipient.officeNumber, serviceType: sent.recipient.serviceType },
      files: sent.files,
      acceptanceReceipt: { sha256: sent.acceptanceReceipt.sha256, verified: true },
      warnings,
    };
  }

  listSent(query: Readonly<Record<string, string>>): Promise<Page> {
    return this.session.client.listPage('sent', pickQuery(query, ['limit', 'after']));
  }

  listReceived(query: Readonly<Record<string, string>>): Promise<Page> {
    return this.session.client.listPage('inbox', pickQuery(query, ['status', 'limit', 'after']));
  }

  getUnit(envelopeId: string): Promise<EnvelopeItem> {
    return this.session.client.getEnvelope(checkEnvelopeId(envelopeId));
  }

  /** opens and checks a unit sent to this office, posts the recipient receipt, answers the files */
  async fetchReceived(rawId: string): Promise<FetchedUnit> {
    const envelopeId = checkEnvelopeId(rawId);
    const { client, profile } = this.session;
    const item = await client.getEnvelope(envelopeId);
    if (item.recipient.officeNumber !== profile.settings.officeNumber) {
      throw new ApiError(
        404,
        ApiErrorCode.NOT_RECEIVED,
        `この事業所宛ての封筒ではありません (not sent to this office): ${envelopeId}`,
      );
    }
    const der = await client.downloadContent(envelopeId);
    const receivedAt = this.now();
    let opened;
    try {
      opened = await openChecked(der, profile);
      if (opened.manifest.envelopeId !== envelopeId) {
        throw new AgentError(
          AgentErrorCode.ENVELOPE_REJECTED,
          `封筒IDが一致しません (manifest envelopeId ${opened.manifest.envelopeId})`,
          ExitCode.InvalidInput,
        );
      }
    } catch (error) {
      if (error instanceof AgentError) {
        await postRejection(this.ctx, client, profile, item, der, error, receivedAt);
      }
      throw error;
    }
    const { manifest } = opened;
    const receipt = await this.receiptFor(envelopeId, der, manifest, receivedAt);
    return {
      envelopeId,
      sender: manifest.sender,
      kind: manifest.kind,
      targetMonth: manifest.targetMonth,
      fileSequence: manifest.fileSequence,
      files: opened.files.map((f) => ({
        name: f.name,
        mediaType: f.mediaType,
        size: f.content.byteLength,
        sha256: createHash('sha256').update(f.content).digest('hex'),
        contentBase64: Buffer.from(f.content).toString('base64'),
      })),
      receipt,
    };
  }

  private async receiptFor(
    envelopeId: string,
    der: Uint8Array,
    manifest: Awaited<ReturnType<typeof openChecked>>['manifest'],
    receivedAt: Date,
  ): Promise<FetchedUnit['receipt']> {
    const { client, profile } = this.session;
    const signed = signRecipientReceipt(profile, {
      envelopeId,
      manifestSha256: parseEnvelope(der).manifestSha256,
      sender: manifest.sender,
      recipient: manifest.recipient,
      reasons: [],
      receivedAt,
    });
    try {
      return { state: 'recorded', ...(await postReceipt(client, envelopeId, signed)) };
    } catch (error) {
      // a second fetch of the same unit: the first receipt stands
      if (error instanceof AgentError && error.code === 'RECEIPT_ALREADY_RECORDED') {
        return { state: 'already-recorded' };
      }
      throw error;
    }
  }

  /** the profile, the certificate's expiry (local), and what the platform says (each part may fail alone) */
  async status(): Promise<ApiStatus> {
    const { client, profile } = this.session;
    const base = {
      profile: profile.name,
      officeNumber: profile.settings.officeNumber,
      serviceTypes: profile.settings.serviceTypes,
      platformUrl: platformUrlOf(this.ctx, profile),
      certificate: {
        ...certificateExpiryOf(profile.certificatePem, this.now()),
        sha256: profile.settings.certificateSha256,
      },
    };
    const problems: ApiProblem[] = [];
    try {
      await client.ping();
    } catch (error) {
      return { ...base, platform: { reachable: false, problems: [problemOf(error)] } };
    }
    const office = await client.getOwnOffice().catch((error: unknown) => {
      problems.push(problemOf(error));
      return null;
    });
    const licence = await client.getOwnLicence().catch((error: unknown) => {
      problems.push(problemOf(error));
      return null;
    });
    return { ...base, platform: { reachable: true, office, licence, problems } };
  }
}

function keyReused(entry: JournalEntry): ApiError {
  return new ApiError(
    409,
    ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
    'この Idempotency-Key は別の内容の送信に使われています。送信ごとに新しいキーを使ってください (key used for another unit)',
    entry.unitKey !== undefined ? { unit: entry.unitKey } : { envelopeId: entry.envelopeId },
  );
}

function keyQueued(unitKey: string): ApiError {
  return new ApiError(
    409,
    ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
    `この Idempotency-Key は送信キューに入れた送信に使われています。状態は GET /v1/queue/${unitKey} で確認できます (key used for a queued send)`,
    { unit: unitKey },
  );
}

/** a refusal of Watcher.enqueue as the API answers it */
function queueRefusal(error: unknown): unknown {
  if (!(error instanceof AgentError)) return error;
  if (QUEUE_CONFLICTS.has(error.code)) return new ApiError(409, error.code, error.message, error.details);
  if (error.code === WATCH_STOPPED) {
    return new ApiError(503, ApiErrorCode.SHUTTING_DOWN, 'renkei watch は停止中です (shutting down)');
  }
  return error;
}

function queuedAnswer(unit: OutboxUnit): UnitQueued {
  return {
    unit: unit.key,
    state: unit.state,
    fileSequence: unit.fileSequence,
    recipient: { officeNumber: unit.recipient.officeNumber, serviceType: unit.recipient.serviceType },
    ...(unit.envelopeId !== undefined ? { envelopeId: unit.envelopeId } : {}),
  };
}

function queuedView(unit: OutboxUnit): QueuedUnitView {
  const optional = <K extends keyof OutboxUnit>(name: K) =>
    unit[name] !== undefined ? { [name]: unit[name] } : {};
  return {
    ...queuedAnswer(unit),
    kind: unit.kind,
    targetMonth: unit.targetMonth,
    files: unit.files.map((f) => f.name),
    stagedAt: unit.stagedAt,
    ...optional('sealedAt'),
    ...optional('sentAt'),
    ...optional('archivedAt'),
    ...optional('refusedAt'),
    ...optional('refusal'),
    attempts: unit.attempts,
    ...optional('nextAttemptAt'),
    ...optional('lastError'),
  };
}

function problemOf(error: unknown): ApiProblem {
  if (error instanceof AgentError) return { code: error.code, message: error.message };
  throw error;
}

export function checkIdempotencyKey(value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new ApiError(
      400,
      ApiErrorCode.IDEMPOTENCY_KEY_REQUIRED,
      'Idempotency-Key ヘッダーが必要です (送信ごとに新しい値、再試行では同じ値。例: UUID) (Idempotency-Key header required)',
    );
  }
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ApiError(
      400,
      ApiErrorCode.IDEMPOTENCY_KEY_INVALID,
      'Idempotency-Key は空白を含まない ASCII 1〜200 文字です (invalid Idempotency-Key)',
    );
  }
  return value;
}

/** only the named query parameters, each at most once; anything else is QUERY_INVALID */
function pickQuery(
  query: Readonly<Record<string, string>>,
  allowed: readonly string[],
): Record<string, string> {
  const unknown = Object.keys(query).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      ApiErrorCode.QUERY_INVALID,
      `使えないクエリパラメータです (unknown query parameters): ${unknown.join(', ')}。使えるもの: ${allowed.join(', ')}`,
    );
  }
  return { ...query };
}
