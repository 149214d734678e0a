// Streaming helpers shared by the adapters: bytes are counted and hashed as they pass, never buffered whole.
import { createHash } from 'node:crypto';
import { finished, pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { ObjectStoreError, ObjectStoreErrorCode } from './object-store';

export interface DigestStreamOptions {
  /** the stream fails with ObjectStoreError(TOO_LARGE) as soon as more than this many bytes pass */
  readonly maxBytes?: number;
  /** called with each chunk's length, e.g. to feed a bytes counter */
  readonly onBytes?: (bytes: number) => void;
}

/** A pass-through that counts and SHA-256-hashes the bytes flowing through it. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private hex: string | null = null;

  constructor(private readonly options: DigestStreamOptions = {}) {
    super();
  }

  get size(): number {
    return this.bytes;
  }

  /** hex SHA-256 of everything that passed; only once the writable side has finished */
  get sha256(): string {
    if (this.hex === null) throw new Error('DigestStream: digest read before the stream finished');
    return this.hex;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { maxBytes, onBytes } = this.options;
    if (maxBytes !== undefined && this.bytes > maxBytes) {
      callback(
        new ObjectStoreError(
          ObjectStoreErrorCode.TooLarge,
          `Object body exceeds the limit of ${maxBytes} bytes.`,
        ),
      );
      return;
    }
    this.hash.update(chunk);
    onBytes?.(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    callback();
  }
}

/**
 * Wraps a download so its digest is known once the caller has read it to the end. Destroying the returned body
 * destroys the source (closing the file or connection); the digest promise then rejects.
 */
export function digestingBody(
  source: Readable,
  onBytes?: (bytes: number) => void,
): { body: Readable; sha256: Promise<string> } {
  const body = new DigestStream({ onBytes });
  pipeline(source, body, () => undefined); // errors surface on `body`; the callback only keeps pipeline quiet
  const sha256 = new Promise<string>((resolve, reject) => {
    finished(body, (error) => (error ? reject(error) : resolve(body.sha256)));
  });
  // callers that only read the body must not get an unhandled rejection
  sha256.catch(() => undefined);
  return { body, sha256 };
}

export function normalizeSha256(hex: string): string {
  return hex.trim().toLowerCase();
}

/** throws DIGEST_MISMATCH when the caller gave an expected SHA-256 and the body's differs */
export function assertExpectedSha256(key: string, expected: string | undefined, actual: string): void {
  if (expected === undefined || normalizeSha256(expected) === actual) return;
  throw new ObjectStoreError(
    ObjectStoreErrorCode.DigestMismatch,
    `Object ${key} was not stored: its SHA-256 is ${actual}, expected ${expected}.`,
  );
}
