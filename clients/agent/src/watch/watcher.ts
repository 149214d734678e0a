// `renkei watch`, the loop: the export folder becomes send units in the durable outbox (staged → sealed → sent →
// archived, outbox.store.ts); the inbox becomes files in the import folder, one unit at a time in ascending
// ファイル連番, each journaled before its receipt (inbox.journal.ts). Push (SSE) wakes the loop at once; polling is
// the fallback. A failure a retry may cure (platform down, 5xx, a registration not reflected yet) waits with
// exponential backoff and jitter; a refusal that retrying cannot cure moves the unit's files to rejected/ with
// a reason file. Every step is written down before the next starts, so a watcher killed at any point resumes
// where it stopped: it never sends a unit twice (the sealed envelope, and its id, are kept from before the
// first POST; intake answers a repeat with ENVELOPE_DUPLICATE) and never imports one twice.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseEnvelope, type Party } from '@renkei/envelope';
import { AgentError, AgentErrorCode, ExitCode } from '../agent.errors';
import { importOrder, openChecked, postReceipt } from '../commands/fetch.command';
import {
  mediaTypeOf,
  postWithRetry,
  PreparedUnit,
  prepareSend,
  sealUnit,
  SETTLING_CODES,
} from '../commands/send.command';
import type { CheckProblem } from '../commands/validate.command';
import { ensureDirectory, safeJoin } from '../files.util';
import { subscribeInbox } from '../inbox-events';
import type { EnvelopeItem, PlatformClient } from '../platform-client';
import type { Profile } from '../profile.store';
import {
  saveAcceptanceReceipt,
  signRecipientReceipt,
  signRejection,
  verifyAcceptanceReceipt,
} from '../receipts.util';
import { backoffDelay, BackoffPolicy, DEFAULT_BACKOFF } from './backoff';
import { fileSha256, fsyncDirectory, moveFile, sha256Hex, writeDurable } from './durable-fs';
import { ExportGroup, ExportScanner, groupExportNames, streamOfKey } from './export-scanner';
import { completeImport, InboxEntry, InboxFailureRecord, InboxJournal, InboxMark } from './inbox.journal';
import { OutboxStore, OutboxUnit } from './outbox.store';
import { WatchErrorCode } from './watch.errors';

export type WatchClient = Pick<
  PlatformClient,
  | 'endpoints'
  | 'getToken'
  | 'getOffice'
  | 'postEnvelope'
  | 'getAcceptanceReceipt'
  | 'listInboxSince'
  | 'downloadContent'
  | 'postReceipt'
>;

/** something worth telling: `ja` for people, `event` and the fields for JSON logs (English, no contents) */
export interface WatchEvent {
  level: 'info' | 'warn' | 'error';
  event: string;
  ja: string;
  unit?: string;
  envelopeId?: string;
  fileSequence?: string;
  files?: string[];
  code?: string;
  attempt?: number;
  retryInMs?: number;
}

export interface WatcherOptions {
  exportDir: string;
  importDir: string;
  /** sent files go to <archiveDir>/<envelopeId>/ */
  archiveDir: string;
  /** invalid or refused units go to <rejectedDir>/<unit key>[-n]/ with 理由.txt */
  rejectedDir: string;
  /** the durable queue (per profile) */
  queueDir: string;
  /** a file is ready when left alone this long (default 5 s; 0: at once) */
  settleMs?: number;
  /** how often the export folder is looked at (default 2 s) */
  scanIntervalMs?: number;
  /** how often the inbox is polled when push says nothing (default 30 s) */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
  /** process what is there and return (no push subscription, no waiting for backoff) */
  once?: boolean;
  /**
   * the offices (事業所番号 and service types) of the home's other profiles: their units in a shared export folder
   * are left for their own watchers, not refused as SENDER_NOT_THIS_OFFICE
   */
  otherProfiles?: readonly { officeNumber: string; serviceTypes: readonly string[] }[];
  /** subscribe to delivery's push (default true unless once) */
  push?: boolean;
  log?: (event: WatchEvent) => void;
  now?: () => Date;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface WatchSummary {
  sent: number;
  archived: number;
  rejected: number;
  imported: number;
  receipted: number;
  /** units still in the outbox, not archived or refused */
  pendingOutbox: number;
  /** inbox items left for a later pass */
  pendingInbox: number;
  /** the last failure a retry may cure, if any step is waiting on one */
  waitingOn?: string;
}

const REASON_FILE = '理由.txt';
/** enqueue after stop(): the API answers it as shutting down */
export const WATCH_STOPPED = 'WATCH_STOPPED';

export class Watcher {
  private readonly outbox: OutboxStore;
  private readonly journal: InboxJournal;
  private readonly scanner: ExportScanner;
  private readonly settleMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly log: (event: WatchEvent) => void;
  private stopped = false;
  private readonly abort = new AbortController();
  private wakeUp: (() => void) | undefined;
  private inboxWanted = true;
  private inboxAttempts = 0;
  private inboxNextAt = 0;
  private lastPollAt = 0;
  private waitingOn: string | undefined;
  /** staging and loading the outbox take turns (an API call stages while the loop runs; load() removes a
   * directory without unit.json, which a staging in progress is) */
  private outboxTurn: Promise<unknown> = Promise.resolve();
  /** a unit was handed over (enqueue): the loop's pause ends at once */
  private outboxWanted = false;
  /** platformReachable(): the next pass over the outbox does not wait for the units' retry times */
  private retryNow = false;
  private readonly inboxFailure: InboxFailureRecord;
  /** whether inbox-failure.json may exist (unknown at start: a previous run may have left one) */
  private inboxFailureOnDisk = true;
  /** units of another profile already reported as left alone */
  private readonly leftAlone = new Set<string>();
  private readonly summary: WatchSummary = {
    sent: 0,
    archived: 0,
    rejected: 0,
    imported: 0,
    receipted: 0,
    pendingOutbox: 0,
    pendingInbox: 0,
  };

  constructor(
    private readonly profile: Profile,
    private readonly client: WatchClient,
    private readonly options: WatcherOptions,
  ) {
    this.outbox = new OutboxStore(options.queueDir);
    this.journal = new InboxJournal(options.queueDir);
    this.inboxFailure = new InboxFailureRecord(options.queueDir);
    this.settleMs = options.settleMs ?? 5_000;
    this.scanner = new ExportScanner(options.exportDir, this.settleMs, !options.once);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
  }

  /** finish the current step, then return from run() */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.wakeUp?.();
  }

  /**
   * The platform answers again (delivery's push stream connected): units and the inbox waiting out a backoff are
   * tried at the next pass instead of when their delay ends (up to 5 min after a long outage).
   */
  platformReachable(): void {
    this.retryNow = true;
    this.outboxWanted = true;
    this.wake();
  }

  /** an arrival was pushed: look at the inbox now */
  wake(): void {
    this.inboxWanted = true;
    this.inboxNextAt = 0;
    this.wakeUp?.();
  }

  async run(): Promise<WatchSummary> {
    for (const dir of [
      this.options.exportDir,
      this.options.importDir,
      this.options.archiveDir,
      this.options.rejectedDir,
    ]) {
      await ensureDirectory(dir, 0o755);
    }
    await ensureDirectory(this.options.queueDir, 0o700);
    await this.outbox.init();
    await this.journal.init();
    const push = !this.options.once && (this.options.push ?? true) ? this.subscribe() : undefined;
    try {
      do {
        this.waitingOn = undefined;
        await this.exclusive(() => this.scanExport());
        if (this.stopped) break;
        await this.processOutbox();
        if (this.stopped) break;
        const pollDue = this.now().getTime() - this.lastPollAt >= (this.options.pollIntervalMs ?? 30_000);
        if (
          this.options.once ||
          ((this.inboxWanted || pollDue) && this.now().getTime() >= this.inboxNextAt)
        ) {
          await this.drainInbox();
        }
        if (this.options.once || this.stopped) break;
        await this.pause(this.options.scanIntervalMs ?? 2_000);
      } while (!this.stopped);
    } finally {
      this.abort.abort();
      await push;
    }
    const units = await this.exclusive(() => this.outbox.load());
    this.summary.pendingOutbox = units.filter((u) => u.state !== 'archived' && u.state !== 'refused').length;
    return { ...this.summary, ...(this.waitingOn ? { waitingOn: this.waitingOn } : {}) };
  }

  private subscribe(): Promise<void> {
    return subscribeInbox(this.client.endpoints, () => this.client.getToken(), {
      signal: this.abort.signal,
      fetch: this.options.fetch,
      onArrival: (arrival) => {
        this.log({
          level: 'info',
          event: 'inbox.arrival',
          envelopeId: arrival.item.envelopeId,
          fileSequence: arrival.item.fileSequence,
          ja: `着信 (arrival) ${arrival.item.envelopeId} 連番 ${arrival.item.fileSequence}`,
        });
        this.wake();
      },
      // the stream is up: the platform answers again, so what waits on a retry need not wait out its backoff
      onReady: () => this.platformReachable(),
      onDisconnect: (reason, delayMs) =>
        this.log({
          level: 'info',
          event: 'push.disconnected',
          retryInMs: delayMs,
          code: reason.slice(0, 80),
          ja: `着信通知の接続が切れました。${Math.round(delayMs / 1000)} 秒後に再接続します (ポーリングは継続)`,
        }),
    }).catch((error: unknown) => {
      this.log({
        level: 'warn',
        event: 'push.refused',
        code: error instanceof Error ? error.message.slice(0, 120) : 'unknown',
        ja: '着信通知を受けられません。ポーリングで受信を続けます (push refused; polling)',
      });
    });
  }

  private pause(ms: number): Promise<void> {
    if (this.outboxWanted) {
      this.outboxWanted = false;
      return Promise.resolve();
    }
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  // ---------------------------------------------------------------- sending

  /**
   * Stages a unit handed over by the local API (`renkei watch --api`, `Prefer: respond-async`) after the checks
   * an export unit passes (takeGroup): the files form exactly one valid unit of this office, no unit of the same
   * key was sent or refused (UNIT_ALREADY_SENT), none with a later ファイル連番 to the same recipient has left
   * (WATCH_SEQUENCE_BEHIND); then wakes the loop. A unit of the same key still on its way with the very same
   * files is answered as it is (`created: false`: a retry after a lost answer); other files under that key are
   * refused (UNIT_ALREADY_QUEUED). The unit has no export files: archiving copies the staged ones.
   */
  async enqueue(
    files: readonly { name: string; content: Uint8Array }[],
  ): Promise<{ unit: OutboxUnit; created: boolean }> {
    if (this.stopped) {
      throw new AgentError(
        WATCH_STOPPED,
        'renkei watch は停止中のため、送信キューに入れられません (watcher stopping)',
        ExitCode.Unexpected,
      );
    }
    const prepared = prepareSend(
      files.map((f) => ({ fileName: f.name, bytes: f.content })),
      this.profile,
    );
    const groups = groupExportNames(files.map((f) => f.name));
    if (
      prepared.errors.length > 0 ||
      prepared.units.length !== 1 ||
      groups.length !== 1 ||
      groups[0].unparsable !== undefined
    ) {
      throw new AgentError(
        AgentErrorCode.SEND_VALIDATION_FAILED,
        `入力ファイルに誤りがあるため、送信キューに入れませんでした (${prepared.errors.length} 件のエラー)`,
        ExitCode.InvalidInput,
        { problems: prepared.errors },
      );
    }
    const key = groups[0].key;
    const [{ files: unitFiles }] = prepared.units;
    return this.exclusive(async () => {
      await this.outbox.init();
      const existing = await this.outbox.get(key);
      if (existing) {
        if (existing.state === 'archived' || existing.state === 'refused') {
          throw new AgentError('UNIT_ALREADY_SENT', alreadySentReason(existing), ExitCode.Refused, {
            unit: key,
            state: existing.state,
            envelopeId: existing.envelopeId,
          });
        }
        if (sameFiles(existing, unitFiles)) return { unit: existing, created: false };
        throw new AgentError(
          'UNIT_ALREADY_QUEUED',
          `同じファイル連番・送信元・宛先の別の内容の送信単位が送信待ちです (${key})。二重送信はしません`,
          ExitCode.Refused,
          { unit: key, state: existing.state },
        );
      }
      const ahead = await this.sentAhead(key);
      if (ahead) {
        throw new AgentError(
          WatchErrorCode.WATCH_SEQUENCE_BEHIND,
          sequenceBehindReason(ahead),
          ExitCode.Refused,
          { unit: key, envelopeId: ahead.envelopeId },
        );
      }
      const staged = await this.stageUnit(key, prepared.units[0], '送信単位を受け付けました (API)');
      this.outboxWanted = true;
      this.wakeUp?.();
      return { unit: staged, created: true };
    });
  }

  /** one unit of the outbox by its key (undefined for a key that is not there or not a unit key) */
  async queuedUnit(key: string): Promise<OutboxUnit | undefined> {
    if (!/^[0-9A-Za-z_-]{1,120}$/.test(key)) return undefined;
    return this.exclusive(async () => {
      await this.outbox.init();
      return this.outbox.get(key);
    });
  }

  /** every unit of the outbox, in ascending ファイル連番 */
  async queuedUnits(): Promise<OutboxUnit[]> {
    return this.exclusive(async () => {
      await this.outbox.init();
      return this.outbox.load();
    });
  }

  /** runs `work` after every earlier staging or loading of the outbox has finished */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const mine = this.outboxTurn.then(work);
    this.outboxTurn = mine.catch(() => undefined);
    return mine;
  }

  private async scanExport(): Promise<void> {
    const groups = await this.scanner.scan(this.now().getTime());
    for (const group of groups) {
      if (this.stopped) return;
      await this.takeGroup(group);
    }
  }

  private async takeGroup(group: ExportGroup): Promise<void> {
    if (group.sender && this.belongsToAnotherProfile(group.sender)) {
      if (!this.leftAlone.has(group.key)) {
        this.leftAlone.add(group.key);
        this.log({
          level: 'info',
          event: 'unit.skipped',
          unit: group.key,
          files: group.names,
          ja: `送信単位 ${group.key} は別のプロファイル (${group.sender.officeNumber}) の送信単位です。そのプロファイルの renkei watch が送信します`,
        });
      }
      return;
    }
    if (group.unparsable !== undefined) {
      await this.rejectExport(group.key, group.names, [`ファイル名が正しくありません: ${group.unparsable}`], {
        code: 'FILE_NAME_INVALID',
      });
      return;
    }
    const existing = await this.outbox.get(group.key);
    if (existing) {
      // still on its way: its files are archived when it is sent
      if (existing.state !== 'archived' && existing.state !== 'refused') return;
      await this.rejectExport(group.key, group.names, [alreadySentReason(existing)], {
        code: 'UNIT_ALREADY_SENT',
        envelopeId: existing.envelopeId,
      });
      return;
    }
    const ahead = await this.sentAhead(group.key);
    if (ahead) {
      await this.rejectExport(
        group.key,
        group.names,
        [`${sequenceBehindReason(ahead)}。介護ソフトから出力し直してください`],
        { code: WatchErrorCode.WATCH_SEQUENCE_BEHIND, envelopeId: ahead.envelopeId },
      );
      return;
    }
    const files = [];
    for (const name of group.names) {
      try {
        files.push({
          fileName: name,
          bytes: new Uint8Array(await fs.readFile(path.join(this.options.exportDir, name))),
        });
      } catch {
        return; // taken away meanwhile: look again next time
      }
    }
    const prepared = prepareSend(files, this.profile);
    if (prepared.errors.length > 0 || prepared.units.length !== 1) {
      await this.rejectExport(group.key, group.names, prepared.errors.map(problemLine), {
        code: 'SEND_VALIDATION_FAILED',
      });
      return;
    }
    await this.stageUnit(group.key, prepared.units[0], '送信単位を検出しました');
  }

  /** copies a checked unit into the outbox (staged) and reports it */
  private async stageUnit(key: string, prepared: PreparedUnit, said: string): Promise<OutboxUnit> {
    const { unit, files } = prepared;
    const staged = await this.outbox.stage(
      {
        key,
        fileSequence: unit.fileSequence,
        kind: unit.kind,
        targetMonth: unit.targetMonth,
        sender: { ...unit.sender },
        recipient: { ...unit.recipient },
      },
      files,
      this.now(),
    );
    this.log({
      level: 'info',
      event: 'unit.staged',
      unit: staged.key,
      fileSequence: staged.fileSequence,
      files: staged.files.map((f) => f.name),
      ja: `${said} ${staged.key} (${staged.files.length} ファイル)`,
    });
    return staged;
  }

  /** the sender is not this profile's office but another profile's of the same home */
  private belongsToAnotherProfile(sender: { officeNumber: string; serviceType: string | null }): boolean {
    const own = this.profile.settings;
    if (
      sender.officeNumber === own.officeNumber &&
      sender.serviceType !== null &&
      own.serviceTypes.includes(sender.serviceType)
    ) {
      return false;
    }
    return (this.options.otherProfiles ?? []).some(
      (other) =>
        other.officeNumber === sender.officeNumber &&
        sender.serviceType !== null &&
        other.serviceTypes.includes(sender.serviceType),
    );
  }

  /** a unit to the same recipient with a later ファイル連番 that may have reached the platform already */
  private async sentAhead(key: string): Promise<OutboxUnit | undefined> {
    const stream = streamOfKey(key);
    const sequence = key.slice(0, key.indexOf('_'));
    return (await this.outbox.load()).find(
      (unit) =>
        streamOfKey(unit.key) === stream &&
        unit.fileSequence > sequence &&
        (unit.state === 'sealed' || unit.state === 'sent' || unit.state === 'archived'),
    );
  }

  /**
   * Advances every unit as far as it goes, in ascending ファイル連番; a unit waiting on a retry holds back the later
   * units to the same recipient, so a recipient never gets them out of order.
   */
  private async processOutbox(): Promise<void> {
    const blocked = new Set<string>();
    const retryNow = this.retryNow;
    this.retryNow = false;
    for (const loaded of await this.exclusive(() => this.outbox.load())) {
      if (this.stopped) return;
      let unit = loaded;
      const stream = `${unit.sender.officeNumber}${unit.sender.serviceType}>${unit.recipient.officeNumber}${unit.recipient.serviceType}`;
      if (unit.state === 'archived' || unit.state === 'refused') continue;
      if (blocked.has(stream) && (unit.state === 'staged' || unit.state === 'sealed')) continue;
      const due = retryNow || !unit.nextAttemptAt || Date.parse(unit.nextAttemptAt) <= this.now().getTime();
      if (!this.options.once && !due) {
        if (unit.state !== 'sent') blocked.add(stream);
        continue;
      }
      try {
        while (!this.stopped && unit.state !== 'archived' && unit.state !== 'refused') {
          unit = await this.step(unit);
        }
      } catch (error) {
        unit = await this.failed(unit, error);
        if (unit.state === 'staged' || unit.state === 'sealed') blocked.add(stream);
      }
    }
  }

  /** one transition, written down before it returns */
  private async step(unit: OutboxUnit): Promise<OutboxUnit> {
    switch (unit.state) {
      case 'staged':
        return this.sealUnit(unit);
      case 'sealed':
        return this.postUnit(unit);
      case 'sent':
        return this.archiveUnit(unit);
      case 'archived':
      case 'refused':
        return unit;
    }
  }

  private async sealUnit(unit: OutboxUnit): Promise<OutboxUnit> {
    const files = (await this.outbox.readFiles(unit)).map((f) => ({
      name: f.name,
      mediaType: f.mediaType || mediaTypeOf(f.name),
      content: f.content,
    }));
    const sealed = await sealUnit(this.client, this.profile, { unit, files }, this.now());
    const envelopeId = sealed.envelopeId;
    // the envelope first, then the state that names it: until `sealed` is on disk nothing was posted, and a
    // crash in between only seals again
    await this.outbox.writeEnvelope(unit, sealed.der);
    const next: OutboxUnit = {
      ...unit,
      state: 'sealed',
      envelopeId,
      sealedAt: this.now().toISOString(),
      attempts: 0,
      nextAttemptAt: undefined,
      lastError: undefined,
    };
    await this.outbox.save(next);
    return next;
  }

  private async postUnit(unit: OutboxUnit): Promise<OutboxUnit> {
    const der = await this.outbox.readEnvelope(unit);
    const envelopeId = unit.envelopeId as string;
    const outcome = await postWithRetry(this.client, der, 1);
    const receipt = outcome.receipt ?? (await this.client.getAcceptanceReceipt(envelopeId));
    verifyAcceptanceReceipt(receipt, this.profile.trustAnchorsPem, {
      envelopeId,
      manifestSha256: parseEnvelope(der).manifestSha256,
      sender: unit.sender,
      recipient: unit.recipient,
    });
    const file = await saveAcceptanceReceipt(this.profile.dir, envelopeId, receipt);
    const next: OutboxUnit = {
      ...unit,
      state: 'sent',
      sentAt: this.now().toISOString(),
      duplicate: outcome.duplicate,
      acceptanceReceipt: { file, sha256: sha256Hex(receipt) },
      attempts: 0,
      nextAttemptAt: undefined,
      lastError: undefined,
    };
    await this.outbox.save(next);
    this.summary.sent += 1;
    this.log({
      level: 'info',
      event: 'unit.sent',
      unit: unit.key,
      envelopeId,
      fileSequence: unit.fileSequence,
      files: unit.files.map((f) => f.name),
      ja: `送信しました ${unit.key} → ${unit.recipient.officeNumber} (封筒ID ${envelopeId}${outcome.duplicate ? '、再送: 受付済み' : ''})`,
    });
    return next;
  }

  /** the export files (when still the bytes that were sent) move to <archive>/<envelopeId>/; else the staged copy */
  private async archiveUnit(unit: OutboxUnit): Promise<OutboxUnit> {
    const envelopeId = unit.envelopeId as string;
    const dir = path.join(this.options.archiveDir, envelopeId);
    await ensureDirectory(dir, 0o755);
    for (const file of unit.files) {
      const target = safeJoin(dir, file.name);
      const source = safeJoin(this.options.exportDir, file.name);
      const archived = (await fileSha256(target)) === file.sha256;
      const exported = await fileSha256(source);
      if (!archived) {
        if (exported === file.sha256) {
          await fs.rm(target, { force: true });
          await moveFile(source, target);
          continue;
        }
        await writeDurable(target, await fs.readFile(this.outbox.stagedFilePath(unit, file.name)), 0o644);
      }
      // already archived, or the export changed after staging: only the very bytes that were sent are removed
      if (exported === file.sha256) await fs.rm(source, { force: true });
    }
    await fsyncDirectory(dir);
    await fsyncDirectory(this.options.exportDir);
    const next: OutboxUnit = {
      ...unit,
      state: 'archived',
      archivedAt: this.now().toISOString(),
      archiveDir: dir,
    };
    await this.outbox.save(next);
    await this.outbox.dropPayload(next);
    this.summary.archived += 1;
    return next;
  }

  private async failed(unit: OutboxUnit, error: unknown): Promise<OutboxUnit> {
    const { code, message } = describe(error);
    if (!retryable(error) && (unit.state === 'staged' || unit.state === 'sealed')) {
      // intake stored nothing; the envelope id (if any) is never used again
      const next: OutboxUnit = {
        ...unit,
        state: 'refused',
        refusedAt: this.now().toISOString(),
        refusal: { code, message },
        nextAttemptAt: undefined,
      };
      await this.outbox.save(next);
      await this.rejectExport(
        unit.key,
        unit.files.map((f) => f.name),
        [`プラットフォームが拒否しました [${code}]: ${message}`],
        {
          code,
          envelopeId: unit.envelopeId,
          staged: unit,
        },
      );
      return next;
    }
    const attempts = unit.attempts + 1;
    const delay = backoffDelay(attempts, this.backoff, this.random);
    const next: OutboxUnit = {
      ...unit,
      attempts,
      nextAttemptAt: new Date(this.now().getTime() + delay).toISOString(),
      lastError: { code, message },
    };
    await this.outbox.save(next);
    this.waitingOn = code;
    this.log({
      level: 'warn',
      event: 'unit.retry',
      unit: unit.key,
      envelopeId: unit.envelopeId,
      code,
      attempt: attempts,
      retryInMs: delay,
      ja: `${unit.key} の${stepName(unit)}に失敗しました [${code}]。${Math.round(delay / 1000)} 秒後に再試行します: ${message}`,
    });
    return next;
  }

  /** moves the files to <rejected>/<key>[-n]/ with a reason file (Japanese), and reports it */
  private async rejectExport(
    key: string,
    names: readonly string[],
    reasons: readonly string[],
    info: { code: string; envelopeId?: string; staged?: OutboxUnit },
  ): Promise<void> {
    let dir = path.join(this.options.rejectedDir, key);
    for (let n = 2; await exists(dir); n += 1) dir = path.join(this.options.rejectedDir, `${key}-${n}`);
    await ensureDirectory(dir, 0o755);
    for (const name of names) {
      try {
        await moveFile(safeJoin(this.options.exportDir, name), safeJoin(dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // no export file (a unit of the local API, or taken away): the staged copy of a queued unit
        if (info.staged) {
          const staged = this.outbox.stagedFilePath(info.staged, name);
          await writeDurable(safeJoin(dir, name), await fs.readFile(staged), 0o644);
        }
      }
    }
    const text = [
      `送信しませんでした (${this.now().toISOString()})`,
      `送信単位: ${key}`,
      ...(info.envelopeId ? [`封筒ID: ${info.envelopeId}`] : []),
      `ファイル: ${names.join(', ')}`,
      '理由:',
      ...reasons.map((r) => `  - ${r}`),
      '',
    ].join('\r\n');
    await writeDurable(path.join(dir, REASON_FILE), text, 0o644);
    await fsyncDirectory(this.options.exportDir);
    this.summary.rejected += 1;
    this.log({
      level: 'error',
      event: 'unit.rejected',
      unit: key,
      envelopeId: info.envelopeId,
      code: info.code,
      files: [...names],
      ja: `送信できない送信単位を ${dir} に移しました [${info.code}]: ${reasons[0] ?? ''}`,
    });
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Imports what the inbox holds for this office, one unit at a time in ascending ファイル連番 (importOrder); a
   * failure a retry may cure stops the pass there (later units wait, so they are never written before it).
   */
  private async drainInbox(): Promise<void> {
    this.inboxWanted = false;
    this.lastPollAt = this.now().getTime();
    try {
      for (const entry of await this.journal.list()) {
        if (entry.state === 'importing') await completeImport(this.journal, entry, this.now());
      }
      // only what arrived above the mark: everything at or below it is done with
      const mark = new InboxMark(this.options.queueDir);
      const since = await mark.read();
      const listed = (await this.client.listInboxSince(since)).items;
      const items = listed.filter(
        (item) =>
          item.recipient.officeNumber === this.profile.settings.officeNumber &&
          (item.status === 'available' || item.status === 'downloaded'),
      );
      // a receipt the platform recorded whose answer was lost (a crash, a cut connection): the journal catches up
      for (const item of listed) {
        if (item.status !== 'receipted') continue;
        const entry = await this.journal.get(item.envelopeId);
        if (entry?.state === 'imported') await this.markReceipted(entry, item.receiptedAt ?? undefined);
      }
      const pending: EnvelopeItem[] = [];
      for (const item of items) {
        const entry = await this.journal.get(item.envelopeId);
        if (entry?.state !== 'receipted' && entry?.state !== 'rejected') pending.push(item);
      }
      this.summary.pendingInbox = pending.length;
      const byId = new Map(pending.map((item) => [item.envelopeId, item]));
      try {
        for (const envelopeId of importOrder(pending)) {
          if (this.stopped) return;
          await this.receive(byId.get(envelopeId) as EnvelopeItem);
          this.summary.pendingInbox -= 1;
        }
      } finally {
        // also after a failure or a stop: what was handled before it need not be listed again
        await this.advanceInboxMark(mark, since, listed, new Set(byId.keys()));
      }
      this.inboxAttempts = 0;
      this.inboxNextAt = 0;
      if (this.inboxFailureOnDisk) {
        await this.inboxFailure.succeeded();
        this.inboxFailureOnDisk = false;
      }
    } catch (error) {
      const { code, message } = describe(error);
      this.inboxAttempts += 1;
      const delay = backoffDelay(this.inboxAttempts, this.backoff, this.random);
      this.inboxNextAt = this.now().getTime() + delay;
      this.inboxWanted = true;
      this.waitingOn = code;
      // for `renkei status`; best effort: a disk that refuses this refuses the next step too, and says so there
      this.inboxFailureOnDisk = true;
      await this.inboxFailure
        .failed({ code, message }, this.inboxAttempts, new Date(this.inboxNextAt), this.now())
        .catch(() => undefined);
      this.log({
        level: 'warn',
        event: 'inbox.retry',
        code,
        attempt: this.inboxAttempts,
        retryInMs: delay,
        ja: `受信に失敗しました [${code}]。${Math.round(delay / 1000)} 秒後に再試行します: ${message}`,
      });
    }
  }

  /**
   * Moves the mark over the listed arrivals (in number order) that are done with, up to the first one still
   * pending: journaled as receipted or rejected, or never to be imported here (the platform already holds its
   * receipt). A pending arrival holds the mark below it, so the later ones are listed again (the journal keeps
   * them from being imported twice).
   */
  private async advanceInboxMark(
    mark: InboxMark,
    since: number,
    listed: readonly EnvelopeItem[],
    pending: ReadonlySet<string>,
  ): Promise<void> {
    let done = since;
    for (const item of listed) {
      if (pending.has(item.envelopeId)) {
        const entry = await this.journal.get(item.envelopeId);
        if (entry?.state !== 'receipted' && entry?.state !== 'rejected') break;
      }
      // listInboxSince checks that every item is numbered, in ascending order
      done = item.inboxSeq as number;
    }
    if (done > since) await mark.write(done, this.now());
  }

  private async receive(item: EnvelopeItem): Promise<void> {
    let entry = await this.journal.get(item.envelopeId);
    if (!entry) {
      await this.removeImportLeftovers(item.envelopeId);
      const der = await this.client.downloadContent(item.envelopeId);
      const receivedAt = this.now();
      let opened;
      try {
        opened = await openChecked(der, this.profile);
        if (opened.manifest.envelopeId !== item.envelopeId) {
          throw new AgentError(
            AgentErrorCode.ENVELOPE_REJECTED,
            `封筒IDが一致しません (manifest envelopeId ${opened.manifest.envelopeId})`,
            ExitCode.InvalidInput,
          );
        }
      } catch (error) {
        if (error instanceof AgentError && error.exitCode === ExitCode.InvalidInput) {
          await this.rejectArrival(item, der, error, receivedAt);
          return;
        }
        throw error;
      }
      const { manifest, files } = opened;
      const planned = files.map((file) => ({
        name: file.name,
        sha256: sha256Hex(file.content),
        target: safeJoin(this.options.importDir, file.name),
        temp: path.join(this.options.importDir, `.renkei-${item.envelopeId}-${file.name}.tmp`),
      }));
      for (const [i, file] of planned.entries()) {
        const present = await fileSha256(file.target);
        if (present !== undefined && present !== file.sha256) {
          throw new AgentError(
            WatchErrorCode.WATCH_IMPORT_CONFLICT,
            `取込フォルダに同じ名前で内容の違うファイルがあります (a different file of that name is waiting in the import folder): ${file.name}`,
            ExitCode.InvalidInput,
          );
        }
        await writeDurable(file.temp, files[i].content, 0o644);
      }
      entry = {
        version: 1,
        envelopeId: item.envelopeId,
        state: 'importing',
        sender: { ...manifest.sender },
        recipient: { ...manifest.recipient },
        fileSequence: manifest.fileSequence,
        kind: manifest.kind,
        manifestSha256: parseEnvelope(der).manifestSha256,
        receivedAt: receivedAt.toISOString(),
        files: planned,
      };
      await this.journal.save(entry);
      entry = await completeImport(this.journal, entry, this.now());
      this.summary.imported += 1;
      this.log({
        level: 'info',
        event: 'unit.imported',
        envelopeId: item.envelopeId,
        fileSequence: entry.fileSequence,
        files: entry.files.map((f) => f.name),
        ja: `取り込みました 連番 ${entry.fileSequence} ← ${entry.sender.officeNumber} (封筒ID ${item.envelopeId}, ${entry.files.length} ファイル)`,
      });
    } else if (entry.state === 'importing') {
      entry = await completeImport(this.journal, entry, this.now());
    }
    if (entry.state === 'imported') await this.receipt(entry);
  }

  /**
   * A crash while the temps of an unjournaled import were being written leaves them (and the temps of their
   * durable writes) in the import folder; the unit is imported afresh, so they go. Only this envelope's names:
   * envelope ids are unique, so another watcher sharing the folder is never touched.
   */
  private async removeImportLeftovers(envelopeId: string): Promise<void> {
    const prefixes = [`.renkei-${envelopeId}-`, `..renkei-${envelopeId}-`];
    const names = await fs.readdir(this.options.importDir).catch(() => [] as string[]);
    for (const name of names) {
      if (prefixes.some((prefix) => name.startsWith(prefix))) {
        await fs.rm(path.join(this.options.importDir, name), { force: true });
      }
    }
  }

  private async receipt(entry: InboxEntry): Promise<void> {
    const der = signRecipientReceipt(this.profile, {
      envelopeId: entry.envelopeId,
      manifestSha256: entry.manifestSha256,
      sender: entry.sender as Party,
      recipient: entry.recipient as Party,
      reasons: [],
      receivedAt: new Date(entry.receivedAt),
    });
    const receiptSha256 = await this.postReceipt(entry.envelopeId, der);
    await this.markReceipted(entry, undefined, receiptSha256);
  }

  private async markReceipted(
    entry: InboxEntry,
    receiptedAt?: string,
    receiptSha256?: string,
  ): Promise<void> {
    await this.journal.save({
      ...entry,
      state: 'receipted',
      receiptedAt: receiptedAt ?? this.now().toISOString(),
      ...(receiptSha256 ? { receiptSha256 } : {}),
    });
    this.summary.receipted += 1;
  }

  /** a signed rejection naming why; the unit is not imported */
  private async rejectArrival(
    item: EnvelopeItem,
    der: Uint8Array,
    failure: AgentError,
    receivedAt: Date,
  ): Promise<void> {
    const rejection = signRejection(this.profile, item.envelopeId, der, failure, receivedAt);
    if (!rejection) {
      // nothing to sign a rejection about: set aside (journaled, never imported) so later units are not held up
      await this.journal.save({
        version: 1,
        envelopeId: item.envelopeId,
        state: 'rejected',
        sender: { ...item.sender },
        recipient: { ...item.recipient },
        fileSequence: item.fileSequence,
        kind: item.kind,
        manifestSha256: '',
        receivedAt: receivedAt.toISOString(),
        files: [],
        rejection: { code: failure.code, message: failure.message },
      });
      this.log({
        level: 'error',
        event: 'inbox.rejected',
        envelopeId: item.envelopeId,
        fileSequence: item.fileSequence,
        code: failure.code,
        ja: `受信した封筒を解析できないため取り込みませんでした [${failure.code}] (封筒ID ${item.envelopeId}、受領拒否は送れません)`,
      });
      return;
    }
    const { code, receipt, manifestSha256, sender, recipient } = rejection;
    await this.postReceipt(item.envelopeId, receipt);
    await this.journal.save({
      version: 1,
      envelopeId: item.envelopeId,
      state: 'rejected',
      sender: { ...sender },
      recipient: { ...recipient },
      fileSequence: item.fileSequence,
      kind: item.kind,
      manifestSha256,
      receivedAt: receivedAt.toISOString(),
      files: [],
      rejection: { code, message: failure.message },
    });
    this.log({
      level: 'error',
      event: 'inbox.rejected',
      envelopeId: item.envelopeId,
      fileSequence: item.fileSequence,
      code,
      ja: `受信した封筒を検証できないため受領拒否を送りました [${code}] (封筒ID ${item.envelopeId})`,
    });
  }

  /** delivery may not have recorded the download yet: RECEIPT_BEFORE_DOWNLOAD is retried briefly; a receipt
   * already recorded (a retry after a lost answer) counts as done */
  private async postReceipt(envelopeId: string, der: Uint8Array): Promise<string | undefined> {
    try {
      return (await postReceipt(this.client, envelopeId, der)).receiptSha256;
    } catch (error) {
      if (error instanceof AgentError && error.code === 'RECEIPT_ALREADY_RECORDED') return undefined;
      throw error;
    }
  }
}

/**
 * Whether waiting may cure it: the platform unreachable or failing (5xx), a registration not reflected yet
 * (SETTLING_CODES, 404 of the recipient's office, 429), or a receipt the platform's answer may still prove.
 */
export function retryable(error: unknown): boolean {
  if (!(error instanceof AgentError)) return true;
  if (error.code === AgentErrorCode.PLATFORM_UNREACHABLE || error.code === AgentErrorCode.TIMEOUT)
    return true;
  if (error.code === AgentErrorCode.RECEIPT_UNVERIFIED) return true;
  if (SETTLING_CODES.includes(error.code)) return true;
  const status = (error.details as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') return status >= 500 || status === 404 || status === 429 || status === 401;
  return false;
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof AgentError) return { code: error.code, message: error.message };
  return { code: AgentErrorCode.UNEXPECTED, message: error instanceof Error ? error.message : String(error) };
}

function problemLine(problem: CheckProblem): string {
  const where = [
    problem.file,
    problem.row !== null ? `${problem.row}行` : null,
    problem.column !== null
      ? `${problem.column}列${problem.columnName ? `(${problem.columnName})` : ''}`
      : null,
  ]
    .filter((part) => part)
    .join(' ');
  return `${where}: ${problem.message} [${problem.code}]`;
}

function alreadySentReason(existing: OutboxUnit): string {
  return existing.state === 'archived'
    ? `同じファイル連番・送信元・宛先の送信単位は送信済みです (封筒ID ${existing.envelopeId})。二重送信はしません`
    : `同じファイル連番・送信元・宛先の送信単位はプラットフォームに拒否されています (${existing.refusal?.code ?? ''})`;
}

function sequenceBehindReason(ahead: OutboxUnit): string {
  return (
    `同じ宛先へより新しいファイル連番 ${ahead.fileSequence} の送信単位を送信済みです (封筒ID ${ahead.envelopeId ?? '-'})。` +
    '受信側は連番の順に取り込むため、古い連番は送りません'
  );
}

/** the staged unit holds exactly these files (names and bytes) */
function sameFiles(unit: OutboxUnit, files: readonly { name: string; content: Uint8Array }[]): boolean {
  const digest = (list: { name: string; sha256: string }[]) =>
    list
      .map((f) => `${f.name}\t${f.sha256}`)
      .sort()
      .join('\n');
  return digest(unit.files) === digest(files.map((f) => ({ name: f.name, sha256: sha256Hex(f.content) })));
}

function stepName(unit: OutboxUnit): string {
  return unit.state === 'staged' ? '封かん' : unit.state === 'sealed' ? '送信' : '保管';
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}
