// The request body of POST /v1/trust/crls, read here rather than by a body parser (the global parsers only
// take JSON and forms): DER (application/pkix-crl) or PEM (text/plain, application/x-pem-file), capped.
import { readBodyWithLimit, RequestBodyTooLargeError, type BodyRequest } from '@renkei/platform';
import { crlDerOf } from './crl.util';
import { TrustError, TrustErrorCode } from './trust.errors';

const MAX_CRL_REQUEST_BYTES = 10 * 1024 * 1024;
const CRL_DER_MEDIA_TYPES: readonly string[] = ['application/pkix-crl'];
const CRL_PEM_MEDIA_TYPES: readonly string[] = ['text/plain', 'application/x-pem-file'];

const tooLarge = (maxBytes: number): TrustError =>
  new TrustError(TrustErrorCode.CRL_TOO_LARGE, `the CRL is larger than ${maxBytes} bytes`);

/** the DER CRL of the request: media type checked, body read up to `maxBytes`, PEM unwrapped */
export async function readCrlBody(
  request: BodyRequest,
  maxBytes = MAX_CRL_REQUEST_BYTES,
): Promise<Uint8Array> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const pem = CRL_PEM_MEDIA_TYPES.includes(mediaType);
  if (!pem && !CRL_DER_MEDIA_TYPES.includes(mediaType)) {
    throw new TrustError(
      TrustErrorCode.CRL_MEDIA_TYPE_UNSUPPORTED,
      `send the CRL as ${[...CRL_DER_MEDIA_TYPES, ...CRL_PEM_MEDIA_TYPES].join(' or ')}`,
    );
  }
  const body = await readBody(request, maxBytes);
  if (body.length === 0) throw new TrustError(TrustErrorCode.CRL_MALFORMED, 'the body is empty');
  return pem ? crlDerOf(body) : body;
}

function readBody(request: BodyRequest, maxBytes: number): Promise<Uint8Array> {
  return readBodyWithLimit(request, maxBytes, { overflow: 'drain' }).catch((error: unknown) => {
    throw error instanceof RequestBodyTooLargeError ? tooLarge(maxBytes) : error;
  });
}
