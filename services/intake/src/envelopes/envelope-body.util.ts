// The request body of POST /v1/envelopes, read here rather than by a body parser: Nest's global parsers only
// take JSON and forms (other services' routes in standalone keep them), and the cap must stop reading as soon
// as it is passed instead of buffering the rest.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';

/** docs/exchange.md: at most 64 MiB per request */
export const MAX_ENVELOPE_REQUEST_BYTES = 64 * 1024 * 1024;

export const ENVELOPE_MEDIA_TYPES: readonly string[] = ['application/cms', 'application/octet-stream'];

/** What the reader needs of an HTTP request (an express Request is one). */
export type EnvelopeRequest = Readable & { readonly headers: IncomingHttpHeaders; readonly body?: unknown };

/** Throws UNSUPPORTED_MEDIA_TYPE unless the Content-Type is one of ENVELOPE_MEDIA_TYPES (parameters ignored). */
export function assertEnvelopeMediaType(contentType: string | undefined): void {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!ENVELOPE_MEDIA_TYPES.includes(mediaType)) {
    throw new IntakeError(
      IntakeErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `send the envelope as ${ENVELOPE_MEDIA_TYPES.join(' or ')}`,
    );
  }
}

const tooLarge = (maxBytes: number): IntakeError =>
  new IntakeError(IntakeErrorCode.ENVELOPE_TOO_LARGE, `the envelope is larger than ${maxBytes} bytes`);

/**
 * The whole body as one Buffer. Throws ENVELOPE_TOO_LARGE without reading when Content-Length is over
 * `maxBytes`, and as soon as the streamed bytes pass it (reading stops there; the rest is never buffered).
 */
export function readEnvelopeBody(request: EnvelopeRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  // some raw parser mounted by the host already read it
  if (Buffer.isBuffer(request.body)) {
    return request.body.length > maxBytes
      ? Promise.reject(tooLarge(maxBytes))
      : Promise.resolve(request.body);
  }
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const detach = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        detach();
        request.pause();
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      detach();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    const onClose = () => {
      detach();
      reject(new Error('the request closed before its body ended'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
