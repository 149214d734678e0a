import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeEvent, ReceiptVerdict } from '@renkei/contracts';
import type { RecipientReceiptBody } from '@renkei/envelope';
import type { OutboxEventInput } from '@renkei/platform';

export const PRODUCER = 'delivery';

/** delivery.receipt.recorded.v1 for a recorded recipient receipt, keyed by recipient office number. */
export function receiptRecordedEvent(
  body: RecipientReceiptBody,
  receiptSha256: string,
  recordedAt: Date,
  eventId: string,
): OutboxEventInput {
  const encoded = encodeEvent(
    'deliveryReceiptRecorded',
    { eventId, producer: PRODUCER, occurredAt: recordedAt },
    {
      envelopeId: body.envelopeId,
      verdict: body.verdict === 'accepted' ? ReceiptVerdict.ACCEPTED : ReceiptVerdict.REJECTED,
      reasonCodes: body.reasons.map((reason) => reason.code),
      recipient: { ...body.recipient },
      sender: { ...body.sender },
      manifestSha256: body.manifestSha256,
      receiptSha256,
      receiptedAt: timestampFromDate(new Date(body.receivedAt)),
      recordedAt: timestampFromDate(recordedAt),
    },
  );
  return {
    topic: encoded.topic,
    type: encoded.type,
    value: encoded.value,
    key: body.recipient.officeNumber,
    eventId,
    producer: PRODUCER,
    occurredAt: recordedAt,
  };
}
