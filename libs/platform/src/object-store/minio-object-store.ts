// ObjectStore over MinIO (any S3 API). Puts stream into fixed-size multipart parts so memory stays at about one
// part whatever the object size; the upload is completed only after the size and digest checks pass, so a failed
// put never replaces what is stored. Not client.putObject: with an unknown length (minio 8.0.7) it sizes parts for
// 5 TiB (~550 MiB, held in memory), never aborts a failed multipart upload, and resumes any incomplete upload of
// the same key, even a concurrent one.
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { Client, S3Error } from 'minio';
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

export interface MinioObjectStoreOptions {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
  /** prepended to every key (a `/` is added when missing), e.g. a per-test-file namespace; hidden from callers */
  readonly keyPrefix?: string;
  /** bytes held in memory per multipart part; S3 allows 5 MiB to 5 GiB; default 16 MiB (objects up to ~156 GiB) */
  readonly partSize?: number;
  /** default `us-east-1`; setting it spares a bucket-location request */
  readonly region?: string;
  /** check() gives up after this long; default 2000 ms */
  readonly checkTimeoutMs?: number;
  /** default: prom-client's global registry */
  readonly registry?: Registry;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

interface MultipartUpload {
  readonly uploadId: string;
  readonly parts: { part: number; etag: string }[];
}

interface PutState {
  /**
   * Chunks not uploaded yet, `filled` bytes in all. Most objects (envelopes of tens of KB) end before one part
   * is full and go in a single PUT of exactly their size; a part-sized buffer per PUT would be 16 MiB of
   * garbage per object (measured: a quarter of intake's CPU in the collector).
   */
  chunks: Buffer[];
  filled: number;
  upload: MultipartUpload | null;
}

export class MinioObjectStore extends ObjectStore {
  private readonly logger = new Logger(MinioObjectStore.name);
  private readonly client: Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly partSize: number;
  private readonly checkTimeoutMs: number;
  private readonly metrics: ObjectStoreMetrics;

  constructor(options: MinioObjectStoreOptions) {
    super();
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (this.partSize < MIN_PART_SIZE) {
      throw new Error(`MinioObjectStore: partSize must be at least ${MIN_PART_SIZE} bytes.`);
    }
    this.keyPrefix = normalizeKeyPrefix(options.keyPrefix ?? '');
    this.bucket = options.bucket;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 2000;
    this.metrics = new ObjectStoreMetrics(options.registry);
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region ?? 'us-east-1',
      partSize: this.partSize,
    });
  }

  override put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    return this.metrics.track('put', async () => {
      assertValidObjectKey(key);
      const name = this.keyPrefix + key;
      const meter = new DigestStream({ maxBytes: options.maxBytes });
      // a part is uploaded (and awaited) before the next is collected, so at most one part is held
      const state: PutState = { chunks: [], filled: 0, upload: null };
      try {
        await pipeline(body, meter, async (source: AsyncIterable<Buffer>) => {
          for await (const chunk of source) await this.bufferChunk(name, state, chunk, options.contentType);
        });
        const sha256 = meter.sha256;
        assertExpectedSha256(key, options.expectedSha256, sha256);
        await this.finishPut(name, state, options.contentType);
        this.metrics.written(meter.size);
        return { key, size: meter.size, sha256 };
      } catch (error) {
        // parts already uploaded would otherwise linger as an incomplete upload
        if (state.upload !== null) await this.abortUpload(name, state.upload);
        throw error;
      }
    });
  }

  override get(key: string): Promise<GetResult> {
    return this.metrics.track('get', async () => {
      assertValidObjectKey(key);
      const response = await this.call(() => this.client.getObject(this.bucket, this.keyPrefix + key));
      // the client returns the HTTP response itself; its length spares a separate stat (which could race an overwrite)
      const size = Number((response as IncomingMessage).headers['content-length']);
      const { body, sha256 } = digestingBody(response, (bytes) => this.metrics.read(bytes));
      return { body, size, sha256 };
    });
  }

  override stat(key: string): Promise<ObjectInfo | null> {
    return this.metrics.track('stat', async () => {
      assertValidObjectKey(key);
      try {
        const info = await this.call(() => this.client.statObject(this.bucket, this.keyPrefix + key));
        return { key, size: info.size, lastModified: info.lastModified };
      } catch (error) {
        if (error instanceof ObjectStoreError && error.code === ObjectStoreErrorCode.NotFound) return null;
        throw error;
      }
    });
  }

  override delete(key: string): Promise<void> {
    return this.metrics.track('delete', async () => {
      assertValidObjectKey(key);
      // S3 DELETE already succeeds for a missing key
      await this.call(() => this.client.removeObject(this.bucket, this.keyPrefix + key));
    });
  }

  override list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.metrics.trackIteration('list', () => this.listObjects(prefix));
  }

  override check(): Promise<void> {
    return this.metrics.track('check', async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(unavailable(`MinIO did not answer within ${this.checkTimeoutMs} ms.`)),
          this.checkTimeoutMs,
        );
      });
      try {
        const exists = await Promise.race([this.call(() => this.client.bucketExists(this.bucket)), timeout]);
        if (!exists) throw unavailable(`Bucket ${this.bucket} does not exist.`);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  private async *listObjects(prefix: string): AsyncGenerator<ObjectInfo> {
    assertValidObjectPrefix(prefix);
    const stream = this.client.listObjectsV2(this.bucket, this.keyPrefix + prefix, true);
    try {
      for await (const item of stream) {
        // recursive listings carry only objects; `prefix` entries appear only with a delimiter
        if (item.name === undefined) continue;
        yield {
          key: item.name.slice(this.keyPrefix.length),
          size: item.size,
          lastModified: item.lastModified,
        };
      }
    } catch (error) {
      throw mapMinioError(error);
    }
  }

  private async bufferChunk(
    name: string,
    state: PutState,
    chunk: Buffer,
    contentType: string | undefined,
  ): Promise<void> {
    state.chunks.push(chunk);
    state.filled += chunk.length;
    while (state.filled >= this.partSize) {
      const all = Buffer.concat(state.chunks, state.filled);
      const part = all.subarray(0, this.partSize);
      const rest = all.subarray(this.partSize);
      state.chunks = rest.length > 0 ? [rest] : [];
      state.filled = rest.length;
      state.upload ??= await this.startUpload(name, contentType);
      await this.uploadPart(name, state.upload, part);
    }
  }

  private async finishPut(name: string, state: PutState, contentType: string | undefined): Promise<void> {
    const last = Buffer.concat(state.chunks, state.filled);
    state.chunks = [];
    const upload = state.upload;
    if (upload === null) {
      // objects smaller than one part go in a single PUT
      await this.call(() =>
        this.client.putObject(this.bucket, name, last, last.length, contentTypeHeader(contentType)),
      );
      return;
    }
    if (last.length > 0) await this.uploadPart(name, upload, last);
    await this.call(() =>
      this.client.completeMultipartUpload(this.bucket, name, upload.uploadId, upload.parts),
    );
    state.upload = null;
  }

  private async startUpload(name: string, contentType: string | undefined): Promise<MultipartUpload> {
    const uploadId = await this.call(() =>
      this.client.initiateNewMultipartUpload(this.bucket, name, contentTypeHeader(contentType)),
    );
    return { uploadId, parts: [] };
  }

  private async uploadPart(name: string, upload: MultipartUpload, payload: Buffer): Promise<void> {
    const partNumber = upload.parts.length + 1;
    const { etag } = await this.call(() =>
      this.client.uploadPart(
        { bucketName: this.bucket, objectName: name, uploadID: upload.uploadId, partNumber, headers: {} },
        payload,
      ),
    );
    upload.parts.push({ part: partNumber, etag });
  }

  private async abortUpload(name: string, upload: MultipartUpload): Promise<void> {
    try {
      await this.client.abortMultipartUpload(this.bucket, name, upload.uploadId);
    } catch (error) {
      // invisible as an object; MinIO expires stale uploads itself (24 h by default)
      this.logger.warn({
        msg: 'Could not abort a multipart upload.',
        objectName: name,
        uploadId: upload.uploadId,
        error: String(error),
      });
    }
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw mapMinioError(error);
    }
  }
}

/** Maps a MinIO client error to ObjectStoreError; anything not about the key is UNAVAILABLE (retryable). */
export function mapMinioError(error: unknown): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const code = error instanceof S3Error || isCoded(error) ? String(error.code ?? '') : '';
  const name = error instanceof Error ? error.name : '';
  if (code === 'NoSuchKey' || code === 'NotFound') {
    return new ObjectStoreError(ObjectStoreErrorCode.NotFound, 'Object not found.', { cause: error });
  }
  if (
    name === 'InvalidObjectNameError' ||
    code === 'KeyTooLongError' ||
    code === 'XMinioInvalidObjectName' ||
    code === 'XMinioParentIsObject' ||
    code === 'XMinioObjectExistsAsDirectory'
  ) {
    return new ObjectStoreError(
      ObjectStoreErrorCode.InvalidKey,
      `Object key refused by MinIO (${code || name}).`,
      { cause: error },
    );
  }
  const detail = code || (error instanceof Error ? error.message : String(error));
  return unavailable(`MinIO request failed (${detail}).`, error);
}

function isCoded(error: unknown): error is { code?: unknown } {
  return typeof error === 'object' && error !== null && 'code' in error;
}

function unavailable(message: string, cause?: unknown): ObjectStoreError {
  return new ObjectStoreError(ObjectStoreErrorCode.Unavailable, message, { cause });
}

function contentTypeHeader(contentType: string | undefined): Record<string, string> {
  return contentType === undefined ? {} : { 'Content-Type': contentType };
}

function normalizeKeyPrefix(keyPrefix: string): string {
  if (keyPrefix === '') return '';
  const trimmed = keyPrefix.endsWith('/') ? keyPrefix.slice(0, -1) : keyPrefix;
  assertValidObjectKey(trimmed);
  return `${trimmed}/`;
}
