// The object store port: MinIO in the cluster, a local directory standalone. Bodies are streamed, never
// buffered whole; SHA-256 is computed while streaming.
import type { Readable } from 'node:stream';

export interface PutOptions {
  readonly contentType?: string;
  /** hex; when given and the streamed body differs, nothing is kept and ObjectStoreError(DIGEST_MISMATCH) is thrown */
  readonly expectedSha256?: string;
  /** when the body grows past this, nothing is kept and ObjectStoreError(TOO_LARGE) is thrown */
  readonly maxBytes?: number;
}

export interface PutResult {
  readonly key: string;
  readonly size: number;
  /** hex SHA-256 of the bytes stored */
  readonly sha256: string;
}

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface GetResult {
  readonly body: Readable;
  readonly size: number;
  /** resolves with the hex SHA-256 of the bytes once `body` has been read to its end */
  readonly sha256: Promise<string>;
}

export enum ObjectStoreErrorCode {
  NotFound = 'OBJECT_NOT_FOUND',
  DigestMismatch = 'OBJECT_DIGEST_MISMATCH',
  TooLarge = 'OBJECT_TOO_LARGE',
  InvalidKey = 'OBJECT_INVALID_KEY',
  Unavailable = 'OBJECT_STORE_UNAVAILABLE',
}

export class ObjectStoreError extends Error {
  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ObjectStoreError';
  }
}

/**
 * Nest injection token and port. Keys are `/`-separated segments of [A-Za-z0-9._-], none empty or starting with
 * `.` (so no `.`/`..`), at most 1024 characters; anything else is ObjectStoreError(INVALID_KEY). Do not use a key
 * that is also a directory-like prefix of another (`a` and `a/b`): the local adapter refuses it and MinIO lists
 * such keys inconsistently.
 */
export abstract class ObjectStore {
  /**
   * atomic: a failed or aborted put leaves nothing behind under `key` (an object already there stays as it was).
   * An error from `body` itself is rethrown as is; store failures are ObjectStoreErrors.
   */
  abstract put(key: string, body: Readable, options?: PutOptions): Promise<PutResult>;
  /** throws ObjectStoreError(NOT_FOUND) */
  abstract get(key: string): Promise<GetResult>;
  abstract stat(key: string): Promise<ObjectInfo | null>;
  /** idempotent */
  abstract delete(key: string): Promise<void>;
  /** every object whose key starts with `prefix` (`''` for all), recursively, in key order */
  abstract list(prefix: string): AsyncIterable<ObjectInfo>;
  /** readiness probe: throws when the store cannot be reached */
  abstract check(): Promise<void>;
}
