// The durable send queue of `renkei watch`: one directory per send unit under <queue>/outbox/<key>/, holding
// unit.json (the state, rewritten durably at each step), files/ (the unit's bytes as validated, so the care
// software may delete or overwrite its export) and envelope.der (the sealed envelope, kept from before the first
// POST: its envelope id is the idempotency key of every retry).
//
//   staged ──seal──▶ sealed ──POST (ENVELOPE_DUPLICATE counts)──▶ sent ──move export files──▶ archived
//      └────────────────┴── a refusal retrying cannot cure ──▶ refused
//
// A unit is never sealed twice once `sealed` is on disk; a directory without unit.json is an interrupted staging
// (nothing was sent from it) and is removed.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AgentError, ExitCode } from '../agent.errors';
import { ensureDirectory, safeJoin } from '../files.util';
import { fsyncDirectory, readJson, sha256Hex, writeDurable, writeJsonDurable } from './durable-fs';
import { WatchErrorCode } from './watch.errors';

export type OutboxState = 'staged' | 'sealed' | 'sent' | 'archived' | 'refused';

export interface QueueParty {
  officeNumber: string;
  serviceType: string;
}

export interface OutboxFile {
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
}

export interface OutboxUnit {
  version: 1;
  /** <ファイル連番>_<sender>_<recipient>: one send unit of the export folder */
  key: string;
  state: OutboxState;
  fileSequence: string;
  kind: string;
  targetMonth: string;
  sender: QueueParty;
  recipient: QueueParty;
  files: OutboxFile[];
  stagedAt: string;
  envelopeId?: string;
  sealedAt?: string;
  sentAt?: string;
  /** the platform already had it (a re-POST after a lost answer or a crash) */
  duplicate?: boolean;
  acceptanceReceipt?: { file: string; sha256: string };
  archivedAt?: string;
  archiveDir?: string;
  refusedAt?: string;
  refusal?: { code: string; message: string };
  /** failed attempts of the current step, and when the next may run */
  attempts: number;
  nextAttemptAt?: string;
  lastError?: { code: string; message: string };
}

export const UNIT_FILE = 'unit.json';
export const ENVELOPE_FILE = 'envelope.der';
const FILES_DIR = 'files';
const KEY_PATTERN = /^[0-9A-Za-z_-]{1,120}$/;

export class OutboxStore {
  readonly root: string;
  /**
   * the units in a final state (archived, refused), which never change again: read from disk once, not at every
   * pass of the watcher (the outbox keeps them as the record of what was sent, so they only grow in number)
   */
  private readonly settled = new Map<string, OutboxUnit>();

  constructor(queueDir: string) {
    this.root = path.join(queueDir, 'outbox');
  }

  async init(): Promise<void> {
    await ensureDirectory(this.root, 0o700);
  }

  private dirOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw corrupt(`unit key ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }

  /** every unit on disk, after removing interrupted stagings; in ascending ファイル連番, then key */
  async load(): Promise<OutboxUnit[]> {
    const units: OutboxUnit[] = [];
    let removed = false;
    for (const entry of await fs.readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !KEY_PATTERN.test(entry.name)) continue;
      const settled = this.settled.get(entry.name);
      if (settled) {
        units.push(settled);
        continue;
      }
      const unit = await readJson<OutboxUnit>(path.join(this.root, entry.name, UNIT_FILE));
      if (!unit) {
        await fs.rm(path.join(this.root, entry.name), { recursive: true, force: true });
        removed = true;
        continue;
      }
      if (unit.version !== 1 || unit.key !== entry.name) throw corrupt(entry.name);
      this.remember(unit);
      units.push(unit);
    }
    if (removed) await fsyncDirectory(this.root);
    return units.sort(byImportOrder);
  }

  private remember(unit: OutboxUnit): void {
    if (unit.state === 'archived' || unit.state === 'refused') this.settled.set(unit.key, unit);
    else this.settled.delete(unit.key);
  }

  async get(key: string): Promise<OutboxUnit | undefined> {
    return this.settled.get(key) ?? readJson<OutboxUnit>(path.join(this.dirOf(key), UNIT_FILE));
  }

  /** copies the unit's bytes into the queue, then records it `staged` (the step that makes it exist) */
  async stage(
    unit: Omit<OutboxUnit, 'version' | 'state' | 'files' | 'stagedAt' | 'attempts'>,
    files: readonly { name: string; mediaType: string; content: Uint8Array }[],
    now: Date,
  ): Promise<OutboxUnit> {
    const dir = this.dirOf(unit.key);
    this.settled.delete(unit.key);
    await fs.rm(dir, { recursive: true, force: true });
    const filesDir = path.join(dir, FILES_DIR);
    await ensureDirectory(filesDir, 0o700);
    for (const file of files) await writeDurable(safeJoin(filesDir, file.name), file.content);
    await fsyncDirectory(dir);
    const staged: OutboxUnit = {
      version: 1,
      ...unit,
      state: 'staged',
      files: files.map((f) => ({
        name: f.name,
        mediaType: f.mediaType,
        size: f.content.length,
        sha256: sha256Hex(f.content),
      })),
      stagedAt: now.toISOString(),
      attempts: 0,
    };
    await this.save(staged);
    await fsyncDirectory(this.root);
    return staged;
  }

  async save(unit: OutboxUnit): Promise<void> {
    await writeJsonDurable(path.join(this.dirOf(unit.key), UNIT_FILE), unit);
    this.remember(unit);
  }

  /** the staged bytes, each checked against the SHA-256 recorded when it was staged */
  async readFiles(unit: OutboxUnit): Promise<{ name: string; mediaType: string; content: Uint8Array }[]> {
    const filesDir = path.join(this.dirOf(unit.key), FILES_DIR);
    return Promise.all(
      unit.files.map(async (file) => {
        const content = new Uint8Array(await fs.readFile(safeJoin(filesDir, file.name)));
        if (sha256Hex(content) !== file.sha256) throw corrupt(`${unit.key}/${file.name}`);
        return { name: file.name, mediaType: file.mediaType, content };
      }),
    );
  }

  stagedFilePath(unit: OutboxUnit, name: string): string {
    return safeJoin(path.join(this.dirOf(unit.key), FILES_DIR), name);
  }

  async writeEnvelope(unit: OutboxUnit, der: Uint8Array): Promise<void> {
    await writeDurable(path.join(this.dirOf(unit.key), ENVELOPE_FILE), der);
  }

  async readEnvelope(unit: OutboxUnit): Promise<Uint8Array> {
    try {
      return new Uint8Array(await fs.readFile(path.join(this.dirOf(unit.key), ENVELOPE_FILE)));
    } catch {
      throw corrupt(`${unit.key}/${ENVELOPE_FILE}`);
    }
  }

  /** after archiving: the bytes live in the archive; unit.json stays as the record */
  async dropPayload(unit: OutboxUnit): Promise<void> {
    const dir = this.dirOf(unit.key);
    await fs.rm(path.join(dir, FILES_DIR), { recursive: true, force: true });
    await fs.rm(path.join(dir, ENVELOPE_FILE), { force: true });
  }
}

/** ascending ファイル連番, then key: the order a receiver imports */
export function byImportOrder(a: OutboxUnit, b: OutboxUnit): number {
  if (a.fileSequence !== b.fileSequence) return a.fileSequence < b.fileSequence ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

const corrupt = (what: string): AgentError =>
  new AgentError(
    WatchErrorCode.WATCH_QUEUE_CORRUPT,
    `送信キューが壊れています (queue entry unreadable or altered): ${what}`,
    ExitCode.Unexpected,
  );
