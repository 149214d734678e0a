// What storage needs of intake.envelope.accepted.v1, checked once when decoding: protobuf decoding is lenient,
// so bytes that are not an EnvelopeAccepted can still parse to an empty message.
import { decodeEvent, type EnvelopeSummary } from '@renkei/contracts';
import { assertValidObjectKey } from '@renkei/platform';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;

/** The accepted envelope's summary; throws (→ DLQ `undecodable`) when a field storage relies on is missing. */
export function decodeAcceptedEnvelope(value: Uint8Array): EnvelopeSummary {
  const envelope = decodeEvent('intakeEnvelopeAccepted', value).envelope;
  if (!envelope) throw new Error('no envelope');
  const problems = [
    UUID.test(envelope.envelopeId) ? null : 'envelope_id is not a UUID',
    OFFICE_NUMBER.test(envelope.sender?.officeNumber ?? '') ? null : 'sender office number',
    OFFICE_NUMBER.test(envelope.recipient?.officeNumber ?? '') ? null : 'recipient office number',
    SHA256_HEX.test(envelope.objectSha256) ? null : 'object_sha256 is not hex SHA-256',
    envelope.objectSize > 0n ? null : 'object_size is 0',
    envelope.acceptedAt ? null : 'no accepted_at',
  ].filter((problem) => problem !== null);
  if (problems.length > 0) throw new Error(`not an accepted envelope: ${problems.join('; ')}`);
  assertValidObjectKey(envelope.objectKey);
  return envelope;
}
