import { RECEIPT_LIMITS } from '@renkei/envelope';
import type { Request } from 'express';
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
export async function readReceiptBody(request: Request): Promise<Buffer> {
  const limit = RECEIPT_LIMITS.maxReceiptBytes;
  const tooLarge = (): DeliveryError =>
    new DeliveryError(DeliveryErrorCode.RECEIPT_TOO_LARGE, `a receipt is at most ${limit} bytes`);
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
