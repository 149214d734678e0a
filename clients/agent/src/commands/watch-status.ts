// The local state of `renkei watch` for `renkei status`: read from the profile's queue directory only (the outbox,
// the inbox journal, the inbox mark and the lock), so it answers offline and when no watcher runs. It never writes:
// OutboxStore.load() removes a unit directory without unit.json, which is a staging still being written while a
// watcher runs, so the outbox is read here without it. Only the JSON state files are read, never the queued bytes.
import { Dirent, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { jstDateTime } from '../evidence/evidence-month';
import { readJson } from '../watch/durable-fs';
import {
  InboxEntry,
  InboxFailure,
  InboxFailureRecord,
  InboxJournal,
  InboxMark,
  InboxState,
} from '../watch/inbox.journal';
import { byImportOrder, OutboxState, OutboxStore, OutboxUnit, UNIT_FILE } from '../watch/outbox.store';
import { WATCH_LOCK_FILE, watchLockOwner } from '../watch/watch-lock';
import { WatchErrorCode } from '../watch/watch.errors';

/** what needs a person; monitoring looks at a non-empty `attention` (`renkei status` exits 0 either way) */
export enum WatchAttentionCode {
  /** a send unit has been failing at its step (and retrying) for more than an hour */
  WATCH_UNIT_STALLED = 'WATCH_UNIT_STALLED',
  /** the platform refused a send unit in the last 7 days: its files are in rejected/ */
  WATCH_UNIT_REFUSED = 'WATCH_UNIT_REFUSED',
  /** a received unit has not been imported and receipted for more than an hour */
  WATCH_IMPORT_STALLED = 'WATCH_IMPORT_STALLED',
  /** units wait and no watcher holds the lock */
  WATCH_NOT_RUNNING = 'WATCH_NOT_RUNNING',
  /** receiving has been failing for more than an hour (the platform unreachable, refusing…) */
  WATCH_INBOX_FAILING = 'WATCH_INBOX_FAILING',
  /** receiving stops at a file of the same name and other contents in the import folder: a person must move it */
  WATCH_IMPORT_BLOCKED = 'WATCH_IMPORT_BLOCKED',
  /** a state file of the queue cannot be read (the watcher stops on it too: WatchErrorCode) */
  WATCH_QUEUE_CORRUPT = 'WATCH_QUEUE_CORRUPT',
}

export interface WatchAttention {
  code: WatchAttentionCode;
  message: string;
}

export interface WaitingUnit {
  key: string;
  state: OutboxState;
  stagedAt: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: { code: string; message: string } | null;
}

export interface WaitingImport {
  envelopeId: string;
  fileSequence: string;
  state: InboxState;
  receivedAt: string;
}

export type WatchStatus =
  | { configured: false }
  | {
      configured: true;
      queueDir: string;
      /** a watcher holds the lock (its process lives) */
      running: boolean;
      /** the running watcher's pid */
      pid?: number;
      /** the pid in a lock whose process is gone (a watcher killed, or a power cut) */
      staleLockPid?: number;
      outbox: {
        counts: Record<OutboxState, number>;
        /** the units not archived or refused, oldest first: `total` of them, at most LISTED in `units` */
        waiting: { total: number; units: WaitingUnit[] };
      };
      inbox: {
        counts: Record<InboxState, number>;
        /** the imports not finished (importing, or imported and not receipted), oldest first */
        waiting: { total: number; entries: WaitingImport[] };
        /** every arrival numbered up to `since` is receipted or rejected (0 and null: never written) */
        mark: { since: number; updatedAt: string | null };
        /** why the last pass over the inbox failed, while it keeps failing (null: the last pass worked) */
        failing: InboxFailure | null;
      };
      attention: WatchAttention[];
    };

const OUTBOX_STATES: readonly OutboxState[] = ['staged', 'sealed', 'sent', 'archived', 'refused'];
const INBOX_STATES: readonly InboxState[] = ['importing', 'imported', 'receipted', 'rejected'];
const LISTED = 20;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
export const STALLED_AFTER_MS = HOUR_MS;
export const REFUSALS_SHOWN_MS = 7 * DAY_MS;

export async function watchStatus(queueDir: string, now: Date): Promise<WatchStatus> {
  if (!(await isDirectory(queueDir))) return { configured: false };
  const corrupt: string[] = [];
  const units = await readOutbox(queueDir, corrupt);
  const entries = await readJournal(queueDir, corrupt);
  const lock = await watchLockOwner(path.join(queueDir, WATCH_LOCK_FILE));
  const waitingUnits = units.filter((u) => u.state !== 'archived' && u.state !== 'refused').sort(byAge);
  const waitingImports = entries
    .filter((e) => e.state === 'importing' || e.state === 'imported')
    .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  const running = lock?.alive === true;
  const failing = await new InboxFailureRecord(queueDir).read();
  return {
    configured: true,
    queueDir,
    running,
    ...(lock ? (running ? { pid: lock.pid } : { staleLockPid: lock.pid }) : {}),
    outbox: {
      counts: countBy(units, OUTBOX_STATES),
      waiting: { total: waitingUnits.length, units: waitingUnits.slice(0, LISTED).map(waitingUnit) },
    },
    inbox: {
      counts: countBy(entries, INBOX_STATES),
      waiting: { total: waitingImports.length, entries: waitingImports.slice(0, LISTED).map(waitingImport) },
      mark: await readMark(queueDir),
      failing: failing ?? null,
    },
    attention: [
      ...(!running && (waitingUnits.length > 0 || waitingImports.length > 0)
        ? [notRunning(waitingUnits.length, waitingImports.length, lock?.pid)]
        : []),
      ...waitingUnits.flatMap((u) => stalledUnit(u, now)),
      ...units.flatMap((u) => refusedUnit(u, now)),
      ...waitingImports.flatMap((e) => stalledImport(e, now)),
      ...(failing ? failingInbox(failing, now) : []),
      ...corrupt.map((file) => ({
        code: WatchAttentionCode.WATCH_QUEUE_CORRUPT,
        message: `renkei watch の記録を読めません (queue state unreadable): ${file}。サポートに連絡してください`,
      })),
    ],
  };
}

// ---------------------------------------------------------------- reading

/** every unit.json of the outbox, in ascending ファイル連番; a directory without one is skipped, never removed */
async function readOutbox(queueDir: string, corrupt: string[]): Promise<OutboxUnit[]> {
  const root = new OutboxStore(queueDir).root;
  const units: OutboxUnit[] = [];
  for (const entry of await readDirectory(root)) {
    if (!entry.isDirectory()) continue;
    const file = path.join(entry.name, UNIT_FILE);
    const unit = await readState<OutboxUnit>(root, file, corrupt);
    if (unit === undefined) continue;
    if (unit.version === 1 && unit.key === entry.name && OUTBOX_STATES.includes(unit.state)) units.push(unit);
    else corrupt.push(path.join('outbox', file));
  }
  return units.sort(byImportOrder);
}

/** the inbox journal's entries (the files InboxJournal.list() reads), each one readable or reported */
async function readJournal(queueDir: string, corrupt: string[]): Promise<InboxEntry[]> {
  const root = new InboxJournal(queueDir).root;
  const entries: InboxEntry[] = [];
  for (const entry of await readDirectory(root)) {
    if (!entry.isFile() || !entry.name.endsWith('.json') || entry.name.startsWith('.')) continue;
    const journaled = await readState<InboxEntry>(root, entry.name, corrupt);
    if (journaled === undefined) continue;
    if (journaled.version === 1 && INBOX_STATES.includes(journaled.state)) entries.push(journaled);
    else corrupt.push(path.join('inbox', entry.name));
  }
  return entries;
}

async function readState<T>(root: string, file: string, corrupt: string[]): Promise<T | undefined> {
  try {
    return await readJson<T>(path.join(root, file));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    corrupt.push(path.join(path.basename(root), file));
    return undefined;
  }
}

async function readMark(queueDir: string): Promise<{ since: number; updatedAt: string | null }> {
  const mark = new InboxMark(queueDir);
  const since = await mark.read();
  if (since === 0) return { since, updatedAt: null };
  const stored = await readJson<{ updatedAt?: unknown }>(mark.file);
  return { since, updatedAt: typeof stored?.updatedAt === 'string' ? stored.updatedAt : null };
}

async function readDirectory(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    // the watcher creates outbox/ and inbox/ when it first runs, after the queue directory and the lock
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

// ---------------------------------------------------------------- shaping

function countBy<S extends string>(items: readonly { state: S }[], states: readonly S[]): Record<S, number> {
  const counts = Object.fromEntries(states.map((s) => [s, 0])) as Record<S, number>;
  for (const item of items) counts[item.state] += 1;
  return counts;
}

function byAge(a: OutboxUnit, b: OutboxUnit): number {
  return Date.parse(a.stagedAt) - Date.parse(b.stagedAt) || byImportOrder(a, b);
}

const waitingUnit = (u: OutboxUnit): WaitingUnit => ({
  key: u.key,
  state: u.state,
  stagedAt: u.stagedAt,
  attempts: u.attempts,
  nextAttemptAt: u.nextAttemptAt ?? null,
  lastError: u.lastError ? { code: u.lastError.code, message: u.lastError.message } : null,
});

const waitingImport = (e: InboxEntry): WaitingImport => ({
  envelopeId: e.envelopeId,
  fileSequence: e.fileSequence,
  state: e.state,
  receivedAt: e.receivedAt,
});

// ---------------------------------------------------------------- attention

function notRunning(units: number, imports: number, stalePid: number | undefined): WatchAttention {
  const gone = stalePid === undefined ? '' : ` (前回の watch pid ${stalePid} は終了しています)`;
  return {
    code: WatchAttentionCode.WATCH_NOT_RUNNING,
    message: `renkei watch が動いていません${gone}。送信待ち ${units} 件、取込待ち ${imports} 件が処理されません。renkei watch を起動してください`,
  };
}

/** the queue keeps no time of the first failure: a failing unit has been stuck since it reached its step */
function stalledUnit(u: OutboxUnit, now: Date): WatchAttention[] {
  const since = u.state === 'sent' ? u.sentAt : u.state === 'sealed' ? u.sealedAt : u.stagedAt;
  const stuck = now.getTime() - Date.parse(since ?? u.stagedAt);
  if (u.attempts === 0 || !(stuck > STALLED_AFTER_MS)) return [];
  const last = u.lastError ? `[${u.lastError.code}] ${u.lastError.message}` : '-';
  return [
    {
      code: WatchAttentionCode.WATCH_UNIT_STALLED,
      message: `送信単位 ${u.key} が ${elapsedJa(stuck)} 再試行中です (${STEP_JA[u.state]}、試行 ${u.attempts} 回、最後のエラー: ${last})`,
    },
  ];
}

function refusedUnit(u: OutboxUnit, now: Date): WatchAttention[] {
  if (u.state !== 'refused' || !u.refusedAt) return [];
  const age = now.getTime() - Date.parse(u.refusedAt);
  if (!(age <= REFUSALS_SHOWN_MS)) return [];
  const why = u.refusal ? `[${u.refusal.code}] ${u.refusal.message}` : '';
  return [
    {
      code: WatchAttentionCode.WATCH_UNIT_REFUSED,
      message: `送信単位 ${u.key} はプラットフォームに拒否されました (${jstDateTime(u.refusedAt)} JST) ${why}。ファイルは rejected フォルダ (理由.txt) にあります。内容を確かめて出力し直してください`,
    },
  ];
}

function stalledImport(e: InboxEntry, now: Date): WatchAttention[] {
  const stuck = now.getTime() - Date.parse(e.receivedAt);
  if (!(stuck > STALLED_AFTER_MS)) return [];
  const step = e.state === 'importing' ? '取込の途中' : '取込済み・受領証明が未送信';
  return [
    {
      code: WatchAttentionCode.WATCH_IMPORT_STALLED,
      message: `受信した送信単位 (封筒ID ${e.envelopeId}、連番 ${e.fileSequence}) が ${elapsedJa(stuck)} ${step}のままです`,
    },
  ];
}

function failingInbox(failure: InboxFailure, now: Date): WatchAttention[] {
  const { code, message } = failure.lastError;
  if (code === WatchErrorCode.WATCH_IMPORT_CONFLICT) {
    return [
      {
        code: WatchAttentionCode.WATCH_IMPORT_BLOCKED,
        message: `受信を止めています: ${message}。そのファイルを取込フォルダから移すと、受信を再開します`,
      },
    ];
  }
  const failingFor = now.getTime() - Date.parse(failure.failingSince);
  if (!(failingFor > STALLED_AFTER_MS)) return [];
  return [
    {
      code: WatchAttentionCode.WATCH_INBOX_FAILING,
      message: `受信が ${elapsedJa(failingFor)} 失敗し続けています (試行 ${failure.attempts} 回、最後のエラー: [${code}] ${message})`,
    },
  ];
}

const STEP_JA: Record<OutboxState, string> = {
  staged: '封かん待ち',
  sealed: '送信待ち',
  sent: '保管待ち',
  archived: '保管済み',
  refused: '拒否',
};

/** 「45 分」「3 時間」「2 日」 */
export function elapsedJa(ms: number): string {
  if (ms < HOUR_MS) return `${Math.max(0, Math.floor(ms / 60_000))} 分`;
  if (ms < 2 * DAY_MS) return `${Math.floor(ms / HOUR_MS)} 時間`;
  return `${Math.floor(ms / DAY_MS)} 日`;
}
