// The local API's idempotency journal: `POST /v1/units` with an Idempotency-Key records the sealed envelope
// under that key BEFORE it is posted, and the answer once the platform accepted it. A retried call with the same
// key (after a lost answer, or after the agent was killed mid-call) posts the same sealed bytes again, which the
// platform answers as a duplicate, so a unit is never sent twice; a call after completion gets the stored answer.
// A queued send (`Prefer: respond-async`, `renkei watch --api`) records the outbox's unit key instead: a retry
// answers that unit's state, and the watcher's outbox (not this journal) keeps it from being sent twice.
// One file per key: <profile>/api-journal/<sha256 of the key>.json, written atomically (temp, fsync, rename).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ensureDirectory, writeFileAtomic } from '../files.util';

export const JOURNAL_DIR = 'api-journal';

/** printable ASCII without spaces, 1–200 characters (a UUID is the usual choice) */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export interface JournalEntry<R = unknown> {
  version: 1;
  /** SHA-256 of the request body's meaning (file names and contents): the same key must carry the same unit */
  requestSha256: string;
  /** the sealed envelope's id (a synchronous send) */
  envelopeId?: string;
  /** the unit key in the watcher's outbox (a queued send); no envelope, no result here */
  unitKey?: string;
  /** base64 DER of the sealed envelope, exactly the bytes posted (again); dropped once the call completed */
  sealedDer?: string;
  createdAt: string;
  /** the answer, once the platform accepted the envelope and its receipt was verified */
  result?: R;
  completedAt?: string;
}

export class IdempotencyJournal<R = unknown> {
  private readonly dir: string;
  /** calls of one key run one after another in this process */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(profileDir: string) {
    this.dir = path.join(profileDir, JOURNAL_DIR);
  }

  fileOf(key: string): string {
    return path.join(this.dir, `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`);
  }

  async read(key: string): Promise<JournalEntry<R> | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.fileOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return JSON.parse(text) as JournalEntry<R>;
  }

  /** records the sealed envelope under `key`; refuses to replace an entry */
  async begin(
    key: string,
    entry: Required<Pick<JournalEntry<R>, 'requestSha256' | 'envelopeId' | 'sealedDer'>>,
    now = new Date(),
  ): Promise<JournalEntry<R>> {
    await ensureDirectory(this.dir, 0o700);
    const written: JournalEntry<R> = { version: 1, ...entry, createdAt: now.toISOString() };
    await writeFileAtomic(this.fileOf(key), JSON.stringify(written), { mode: 0o600 });
    return written;
  }

  /** records the outbox unit a queued send staged under `key`; refuses to replace an entry */
  async recordQueued(
    key: string,
    entry: { requestSha256: string; unitKey: string },
    now = new Date(),
  ): Promise<JournalEntry<R>> {
    await ensureDirectory(this.dir, 0o700);
    const written: JournalEntry<R> = { version: 1, ...entry, createdAt: now.toISOString() };
    await writeFileAtomic(this.fileOf(key), JSON.stringify(written), { mode: 0o600 });
    return written;
  }

  async complete(key: string, entry: JournalEntry<R>, result: R, now = new Date()): Promise<JournalEntry<R>> {
    const { requestSha256, envelopeId, createdAt } = entry;
    // the sealed bytes are not needed any more: a later call with the key gets the stored answer
    const completed: JournalEntry<R> = {
      version: 1,
      requestSha256,
      envelopeId,
      createdAt,
      result,
      completedAt: now.toISOString(),
    };
    await writeFileAtomic(this.fileOf(key), JSON.stringify(completed), { mode: 0o600, overwrite: true });
    return completed;
  }

  /** runs `work` after every earlier call of the same key has finished */
  async serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.running.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.running.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.running.get(key) === mine) this.running.delete(key);
    }
  }
}

/** what a request means for idempotency: its files by name, each as name and content digest */
export function requestDigest(files: readonly { name: string; content: Uint8Array }[]): string {
  const lines = [...files]
    .map((f) => `${f.name}\t${createHash('sha256').update(f.content).digest('hex')}`)
    .sort();
  return createHash('sha256').update(lines.join('\n'), 'utf8').digest('hex');
}
