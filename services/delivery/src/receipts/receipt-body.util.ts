import { RECEIPT_LIMITS } from '@renkei/envelope';
import { readBodyWithLimit, RequestBodyTooLargeError, type BodyRequest } from '@renkei/platform';
import { DeliveryError, DeliveryErrorCode } from '../envelopes/envelopes.errors';

const MEDIA_TYPES = new Set(['application/cms', 'application/octet-stream']);

/** application/cms (or application/octet-stream), parameters ignored */
export function assertReceiptMediaType(header: string | undefined): void {
  const type = header?.split(';')[0].trim().toLowerCase();
  if (!type || !MEDIA_TYPES.has(type)) {
    throw new DeliveryError(
      DeliveryErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'a receipt is posted as application/cms (DER)',
    );
  }
}

/** The request body, at most RECEIPT_LIMITS.maxReceiptBytes; RECEIPT_TOO_LARGE as soon as it is more. */
export function readReceiptBody(request: BodyRequest): Promise<Buffer> {
  const limit = RECEIPT_LIMITS.maxReceiptBytes;
  return readBodyWithLimit(request, limit, { overflow: 'stop', abortOnClose: true }).catch(
    (error: unknown) => {
      throw error instanceof RequestBodyTooLargeError
        ? new DeliveryError(DeliveryErrorCode.RECEIPT_TOO_LARGE, `a receipt is at most ${limit} bytes`)
        : error;
    },
  );
}
