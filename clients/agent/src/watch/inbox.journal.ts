// The receive journal of `renkei watch`: <queue>/inbox/<envelopeId>.json, one per received unit, so that a
// restart never imports a unit twice.
//
//   (temps written and flushed in the import folder) ──▶ importing ──renames──▶ imported ──receipt──▶ receipted
//   (opening or verification failed) ──signed rejection──▶ rejected
//
// `importing` names each temp and its target: a temp still there was not renamed yet; a temp gone was renamed
// (the care software may already have taken the file), so recovery renames what is left and never writes again.
//
// Beside it, <queue>/inbox-mark.json: the highest inbox number n such that every arrival numbered up to n is
// done with (see InboxMark), so a poll lists only what arrived above it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ensureDirectory } from '../files.util';
import { fsyncDirectory, readJson, writeDurable, writeJsonDurable } from './durable-fs';
import type { QueueParty } from './outbox.store';

export type InboxState = 'importing' | 'imported' | 'receipted' | 'rejected';

export interface InboxEntry {
  version: 1;
  envelopeId: string;
  state: InboxState;
  sender: QueueParty;
  recipient: QueueParty;
  fileSequence: string;
  kind: string;
  manifestSha256: string;
  receivedAt: string;
  /** temp → target in the import folder, in manifest order */
  files: { name: string; sha256: string; temp: string; target: string }[];
  importedAt?: string;
  receiptedAt?: string;
  receiptSha256?: string;
  rejection?: { code: string; message: string };
}

const ID_PATTERN = /^[0-9a-f-]{36}$/;

export class InboxJournal {
  readonly root: string;

  constructor(queueDir: string) {
    this.root = path.join(queueDir, 'inbox');
  }

  async init(): Promise<void> {
    await ensureDirectory(this.root, 0o700);
  }

  async get(envelopeId: string): Promise<InboxEntry | undefined> {
    if (!ID_PATTERN.test(envelopeId)) return undefined;
    return readJson<InboxEntry>(path.join(this.root, `${envelopeId}.json`));
  }

  async save(entry: InboxEntry): Promise<void> {
    await writeJsonDurable(path.join(this.root, `${entry.envelopeId}.json`), entry);
  }

  async list(): Promise<InboxEntry[]> {
    const entries: InboxEntry[] = [];
    for (const name of await fs.readdir(this.root)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const entry = await readJson<InboxEntry>(path.join(this.root, name));
      if (entry) entries.push(entry);
    }
    return entries;
  }
}

/**
 * Finishes an `importing` entry: renames every temp still present onto its target (a temp that is gone was
 * renamed before the crash), flushes the import folder and records `imported`.
 */
export async function completeImport(
  journal: InboxJournal,
  entry: InboxEntry,
  now: Date,
): Promise<InboxEntry> {
  const dirs = new Set<string>();
  for (const file of entry.files) {
    try {
      await fs.rename(file.temp, file.target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    dirs.add(path.dirname(file.target));
  }
  for (const dir of dirs) await fsyncDirectory(dir);
  const imported: InboxEntry = { ...entry, state: 'imported', importedAt: now.toISOString() };
  await journal.save(imported);
  return imported;
}

interface InboxMarkFile {
  version: 1;
  /** every arrival numbered up to this is journaled as receipted or rejected */
  since: number;
  updatedAt: string;
}

/**
 * Where the inbox poll starts: delivery numbers an office's arrivals in commit order (whoever has seen n has
 * seen every number below n), so arrivals at or below the mark never need listing again. The mark only bounds
 * the listing; the journal still guards against importing twice, so a missing or unreadable mark (0) only
 * costs one full listing.
 */
export class InboxMark {
  readonly file: string;

  constructor(queueDir: string) {
    this.file = path.join(queueDir, 'inbox-mark.json');
  }

  async read(): Promise<number> {
    let stored: Partial<InboxMarkFile> | undefined;
    try {
      stored = await readJson<Partial<InboxMarkFile>>(this.file);
    } catch (error) {
      if (error instanceof SyntaxError) return 0;
      throw error;
    }
    const since = stored?.since;
    return stored?.version === 1 && Number.isSafeInteger(since) && (since as number) >= 0
      ? (since as number)
      : 0;
  }

  async write(since: number, now: Date): Promise<void> {
    const mark: InboxMarkFile = { version: 1, since, updatedAt: now.toISOString() };
    await writeDurable(this.file, `${JSON.stringify(mark, null, 2)}\n`);
  }
}

/** why receiving stopped, as the watcher last saw it (absent while receiving works) */
export interface InboxFailure {
  version: 1;
  /** when the current run of failures began */
  failingSince: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: { code: string; message: string; at: string };
}

/**
 * <queue>/inbox-failure.json: written when a pass over the inbox fails (the platform unreachable, an import
 * conflict…) and removed when one succeeds, so `renkei status` can tell a person why nothing is imported.
 */
export class InboxFailureRecord {
  readonly file: string;

  constructor(queueDir: string) {
    this.file = path.join(queueDir, 'inbox-failure.json');
  }

  async read(): Promise<InboxFailure | undefined> {
    try {
      const stored = await readJson<InboxFailure>(this.file);
      return stored?.version === 1 ? stored : undefined;
    } catch (error) {
      if (error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  async failed(
    error: { code: string; message: string },
    attempts: number,
    nextAttemptAt: Date,
    now: Date,
  ): Promise<void> {
    const before = await this.read();
    const failure: InboxFailure = {
      version: 1,
      failingSince: before?.failingSince ?? now.toISOString(),
      attempts,
      nextAttemptAt: nextAttemptAt.toISOString(),
      lastError: { ...error, at: now.toISOString() },
    };
    await writeDurable(this.file, `${JSON.stringify(failure, null, 2)}\n`);
  }

  async succeeded(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}
