// The request body of POST /v1/envelopes, read here rather than by a body parser: Nest's global parsers only
// take JSON and forms (other services' routes in standalone keep them), and the cap must stop reading as soon
// as it is passed instead of buffering the rest.
import { readBodyWithLimit, RequestBodyTooLargeError, type BodyRequest } from '@renkei/platform';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';

/** docs/exchange.md: at most 64 MiB per request */
export const MAX_ENVELOPE_REQUEST_BYTES = 64 * 1024 * 1024;

export const ENVELOPE_MEDIA_TYPES: readonly string[] = ['application/cms', 'application/octet-stream'];

/** What the reader needs of an HTTP request (an express Request is one). */
export type EnvelopeRequest = BodyRequest;

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
  return readBodyWithLimit(request, maxBytes, { overflow: 'stop', abortOnClose: true }).catch(
    (error: unknown) => {
      throw error instanceof RequestBodyTooLargeError ? tooLarge(maxBytes) : error;
    },
  );
}
