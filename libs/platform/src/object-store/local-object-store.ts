// ObjectStore over a local directory (standalone mode). A put streams into `<root>/.tmp/<random>`, fsyncs, and
// renames into place, so readers see the old object or the whole new one, never a partial file.
import { randomUUID } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { access, mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Registry } from 'prom-client';
import { assertValidObjectKey, assertValidObjectPrefix } from './object-key.util';
import {
  type GetResult,
  type ObjectInfo,
  ObjectStore,
  ObjectStoreError,
  ObjectStoreErrorCode,
  type PutOptions,
  type PutResult,
} from './object-store';
import { ObjectStoreMetrics } from './object-store.metrics';
import { assertExpectedSha256, DigestStream, digestingBody } from './object-stream.util';

export interface LocalObjectStoreOptions {
  /** the directory holding the objects; created on first use */
  readonly root: string;
  /** default: prom-client's global registry */
  readonly registry?: Registry;
}

/** temp files live on the same filesystem as the objects, so the final rename is atomic */
const TMP_DIR = '.tmp';

export class LocalObjectStore extends ObjectStore {
  private readonly root: string;
  private readonly tmpDir: string;
  private readonly metrics: ObjectStoreMetrics;

  constructor(options: LocalObjectStoreOptions) {
    super();
    this.root = path.resolve(options.root);
    this.tmpDir = path.join(this.root, TMP_DIR);
    this.metrics = new ObjectStoreMetrics(options.registry);
  }

  override put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    return this.metrics.track('put', async () => {
      const target = this.pathOf(key);
      await mkdir(this.tmpDir, { recursive: true });
      const tmp = path.join(this.tmpDir, randomUUID());
      const meter = new DigestStream({ maxBytes: options.maxBytes });
      try {
        const file = await open(tmp, 'wx', 0o600);
        try {
          await pipeline(body, meter, async (source: AsyncIterable<Buffer>) => {
            for await (const chunk of source) await file.write(chunk);
          });
          await file.sync();
        } finally {
          await file.close();
        }
        const sha256 = meter.sha256;
        assertExpectedSha256(key, options.expectedSha256, sha256);
        await this.moveIntoPlace(tmp, target, key);
        this.metrics.written(meter.size);
        return { key, size: meter.size, sha256 };
      } catch (error) {
        await unlink(tmp).catch(() => undefined);
        throw error;
      }
    });
  }

  override get(key: string): Promise<GetResult> {
    return this.metrics.track('get', async () => {
      const file = await this.fs(key, () => open(this.pathOf(key), 'r'));
      try {
        // size from the open descriptor: a concurrent overwrite renames a new inode in, this one stays whole
        const info = await file.stat();
        if (!info.isFile()) throw notFound(key);
        const { body, sha256 } = digestingBody(file.createReadStream(), (bytes) => this.metrics.read(bytes));
        return { body, size: info.size, sha256 };
      } catch (error) {
        await file.close();
        throw error;
      }
    });
  }

  override stat(key: string): Promise<ObjectInfo | null> {
    return this.metrics.track('stat', async () => {
      const target = this.pathOf(key);
      try {
        const info = await stat(target);
        return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw this.mapError(error, key);
      }
    });
  }

  override delete(key: string): Promise<void> {
    return this.metrics.track('delete', async () => {
      const target = this.pathOf(key);
      try {
        await unlink(target);
      } catch (error) {
        if (isMissing(error)) return;
        throw this.mapError(error, key);
      }
      await this.pruneEmptyDirs(path.dirname(target));
    });
  }

  override list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.metrics.trackIteration('list', () => this.listObjects(prefix));
  }

  override check(): Promise<void> {
    return this.metrics.track('check', async () => {
      try {
        await mkdir(this.tmpDir, { recursive: true });
        await access(this.tmpDir, constants.W_OK);
      } catch (error) {
        throw new ObjectStoreError(
          ObjectStoreErrorCode.Unavailable,
          `Local object store at ${this.root} is not writable.`,
          {
            cause: error,
          },
        );
      }
    });
  }

  /** validates the key and resolves it, refusing any path that would leave the root */
  private pathOf(key: string): string {
    assertValidObjectKey(key);
    const resolved = path.resolve(this.root, ...key.split('/'));
    if (!resolved.startsWith(this.root + path.sep) || resolved.startsWith(this.tmpDir + path.sep)) {
      throw new ObjectStoreError(
        ObjectStoreErrorCode.InvalidKey,
        `Object key ${JSON.stringify(key)} escapes the store.`,
      );
    }
    return resolved;
  }

  private async moveIntoPlace(tmp: string, target: string, key: string): Promise<void> {
    // a concurrent delete may prune the parent between mkdir and rename; retry a few times
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await rename(tmp, target);
        break;
      } catch (error) {
        if (hasCode(error, 'ENOENT') && attempt < 3) continue;
        // `a/b` when `a` is an object, or `a` when `a/b` exists: S3 allows both, a directory tree (and MinIO) cannot
        if (hasCode(error, 'ENOTDIR') || hasCode(error, 'EEXIST') || hasCode(error, 'EISDIR')) {
          throw new ObjectStoreError(
            ObjectStoreErrorCode.InvalidKey,
            `Object key ${JSON.stringify(key)} conflicts with an existing object or prefix.`,
            { cause: error },
          );
        }
        throw this.mapError(error, key);
      }
    }
    // best effort: the object is in place and readable; failing the put now would break "failed put leaves nothing"
    await this.syncDir(path.dirname(target)).catch(() => undefined);
  }

  private async syncDir(dir: string): Promise<void> {
    // makes the rename itself durable
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async pruneEmptyDirs(dir: string): Promise<void> {
    for (let current = dir; current.startsWith(this.root + path.sep); current = path.dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
    }
  }

  private async *listObjects(prefix: string): AsyncGenerator<ObjectInfo> {
    assertValidObjectPrefix(prefix);
    // start at the deepest directory the prefix names fully, then filter by the whole prefix
    const slash = prefix.lastIndexOf('/');
    const startKey = slash < 0 ? '' : prefix.slice(0, slash);
    yield* this.walk(startKey, prefix);
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectInfo> {
    const dir = dirKey === '' ? this.root : path.join(this.root, ...dirKey.split('/'));
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw this.mapError(error, dirKey);
    }
    // key order, like S3 listings: a directory sorts as `name/` (so `a-c` < `a/b` < `a0`)
    const sortName = (entry: Dirent) => (entry.isDirectory() ? `${entry.name}/` : entry.name);
    entries.sort((a, b) => (sortName(a) < sortName(b) ? -1 : sortName(a) > sortName(b) ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue; // `.tmp` and anything no key can name
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) yield* this.walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await stat(path.join(dir, entry.name)).catch(() => null); // deleted meanwhile
        if (info) yield { key, size: info.size, lastModified: info.mtime };
      }
    }
  }

  private async fs<T>(key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.mapError(error, key);
    }
  }

  private mapError(error: unknown, key: string): ObjectStoreError {
    if (error instanceof ObjectStoreError) return error;
    if (isMissing(error)) return notFound(key);
    return new ObjectStoreError(
      ObjectStoreErrorCode.Unavailable,
      `Local object store failed at ${this.root}.`,
      {
        cause: error,
      },
    );
  }
}

function notFound(key: string): ObjectStoreError {
  return new ObjectStoreError(ObjectStoreErrorCode.NotFound, `Object ${key} not found.`);
}

/** no object at this path: nothing there, a file where a directory was expected, or a directory (a prefix) */
function isMissing(error: unknown): boolean {
  return hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR') || hasCode(error, 'EISDIR');
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
