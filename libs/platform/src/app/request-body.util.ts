// Reading a raw request body under a byte cap, for routes whose media type the global parsers (JSON and
// forms only) leave unread. Each caller maps the outcomes below to its own error codes.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** What the reader needs of an HTTP request (an express Request is one). */
export type BodyRequest = Readable & { readonly headers: IncomingHttpHeaders; readonly body?: unknown };

export interface ReadBodyOptions {
  /**
   * What happens past the cap. `drain`: the rest is read and dropped, so the client can read the answer, and
   * the read is refused once the body ended. `stop`: a declared Content-Length over the cap is refused before
   * anything is read; streamed bytes past it are refused at once and the request is paused (the rest is never
   * read, so the caller closes the connection).
   */
  readonly overflow: 'drain' | 'stop';
  /** refuse with RequestBodyAbortedError when the request closes before its body ended (else keep waiting) */
  readonly abortOnClose?: boolean;
}

/** The body is (or is declared) larger than `maxBytes`. */
export class RequestBodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the request body is larger than ${maxBytes} bytes`);
    this.name = 'RequestBodyTooLargeError';
  }
}

/** The request closed before its body ended. */
export class RequestBodyAbortedError extends Error {
  constructor() {
    super('the request closed before its body ended');
    this.name = 'RequestBodyAbortedError';
  }
}

/**
 * The whole body of `request` as one Buffer, at most `maxBytes`: a Buffer some raw parser of the host already
 * read, else the stream (empty when it has already ended). Rejects with RequestBodyTooLargeError past the cap,
 * RequestBodyAbortedError (with `abortOnClose`) and the stream's own error otherwise.
 */
export function readBodyWithLimit(
  request: BodyRequest,
  maxBytes: number,
  options: ReadBodyOptions,
): Promise<Buffer> {
  const stop = options.overflow === 'stop';
  const declared = Number(request.headers['content-length']);
  const declaredTooLarge = Number.isFinite(declared) && declared > maxBytes;
  if (stop && declaredTooLarge) return Promise.reject(new RequestBodyTooLargeError(maxBytes));
  if (Buffer.isBuffer(request.body)) {
    return request.body.length > maxBytes
      ? Promise.reject(new RequestBodyTooLargeError(maxBytes))
      : Promise.resolve(request.body);
  }
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = declaredTooLarge;
    const detach = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (stop && size > maxBytes) {
        detach();
        request.pause();
        chunks.length = 0;
        reject(new RequestBodyTooLargeError(maxBytes));
        return;
      }
      // past the cap the rest is read and dropped, so the client can read the 413
      if (refused || size > maxBytes) {
        refused = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      detach();
      if (refused) reject(new RequestBodyTooLargeError(maxBytes));
      else resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    const onClose = () => {
      detach();
      reject(new RequestBodyAbortedError());
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    if (options.abortOnClose) request.on('close', onClose);
  });
}
