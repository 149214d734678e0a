import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeEvent } from '@renkei/contracts';
import type { OutboxEventInput } from '@renkei/platform';
import type { EnvelopeEntity } from './envelope.entity';

export const PRODUCER = 'intake';

/** intake.envelope.accepted.v1 for a stored envelope, keyed by recipient office number (acceptance order per recipient). */
export function envelopeAcceptedEvent(envelope: EnvelopeEntity, eventId: string): OutboxEventInput {
  const { manifest } = envelope;
  const encoded = encodeEvent(
    'intakeEnvelopeAccepted',
    { eventId, producer: PRODUCER, occurredAt: envelope.acceptedAt },
    {
      envelope: {
        envelopeId: envelope.envelopeId,
        sender: { ...manifest.sender },
        recipient: { ...manifest.recipient },
        kind: manifest.kind,
        targetMonth: manifest.targetMonth,
        fileSequence: manifest.fileSequence,
        files: manifest.files.map((file) => ({
          name: file.name,
          mediaType: file.mediaType,
          size: BigInt(file.size),
          sha256: file.sha256,
        })),
        manifestSha256: envelope.manifestSha256,
        objectKey: envelope.objectKey,
        objectSize: BigInt(envelope.objectSize),
        objectSha256: envelope.objectSha256,
        acceptedAt: timestampFromDate(envelope.acceptedAt),
        createdAt: timestampFromDate(new Date(manifest.createdAt)),
      },
    },
  );
  return {
    topic: encoded.topic,
    type: encoded.type,
    value: encoded.value,
    key: envelope.recipientOfficeNumber,
    eventId,
    producer: PRODUCER,
    occurredAt: envelope.acceptedAt,
  };
}
