// Which protobuf message each topic carries, as code: producers encode and consumers decode through this map,
// so a topic and its schema cannot drift apart (event-schemas.spec.ts checks it against the registry).
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CertificateRevokedSchema, TrustChangedSchema } from './gen/renkei/certificate/v1/trust_events_pb';
import { EventMetaSchema } from './gen/renkei/common/v1/event_meta_pb';
import { ReceiptRecordedSchema } from './gen/renkei/delivery/v1/receipt_recorded_pb';
import { EnvelopeAcceptedSchema } from './gen/renkei/intake/v1/envelope_accepted_pb';
import { ProbeRecordedSchema } from './gen/renkei/platform/v1/probe_pb';
import { LicenceChangedSchema } from './gen/renkei/registry/v1/licence_changed_pb';
import { OfficeChangedSchema } from './gen/renkei/registry/v1/office_changed_pb';
import {
  EnvelopeAvailableSchema,
  EnvelopeDownloadedSchema,
} from './gen/renkei/storage/v1/envelope_events_pb';
import { Topics, type TopicKey } from './topics';

export const TopicSchemas = {
  platformProbeRecorded: ProbeRecordedSchema,
  registryOfficeChanged: OfficeChangedSchema,
  registryLicenceChanged: LicenceChangedSchema,
  intakeEnvelopeAccepted: EnvelopeAcceptedSchema,
  storageEnvelopeAvailable: EnvelopeAvailableSchema,
  storageEnvelopeDownloaded: EnvelopeDownloadedSchema,
  certificateTrustChanged: TrustChangedSchema,
  certificateRevocationRecorded: CertificateRevokedSchema,
  deliveryReceiptRecorded: ReceiptRecordedSchema,
} as const satisfies Record<TopicKey, DescMessage>;

export type TopicMessage<K extends TopicKey> = MessageShape<(typeof TopicSchemas)[K]>;

export interface EventMetaInit {
  readonly eventId: string;
  readonly producer: string;
  readonly correlationId?: string;
  readonly occurredAt?: Date;
}

/** Builds and encodes an event for a registry topic, with its EventMeta (field 1) filled in. */
export function encodeEvent<K extends TopicKey>(
  topic: K,
  meta: EventMetaInit,
  fields: Omit<MessageInitShape<(typeof TopicSchemas)[K]>, 'meta' | '$typeName'>,
): { topic: string; type: string; value: Uint8Array } {
  const schema: DescMessage = TopicSchemas[topic];
  const message = create(schema, {
    ...(fields as object),
    meta: create(EventMetaSchema, {
      eventId: meta.eventId,
      type: schema.typeName,
      producer: meta.producer,
      correlationId: meta.correlationId ?? '',
      occurredAt: timestampFromDate(meta.occurredAt ?? new Date()),
    }),
  });
  return { topic: Topics[topic].name, type: schema.typeName, value: toBinary(schema, message) };
}

/** Decodes a payload of a registry topic; throws on bytes that are not that message. */
export function decodeEvent<K extends TopicKey>(topic: K, value: Uint8Array): TopicMessage<K> {
  return fromBinary(TopicSchemas[topic], value) as TopicMessage<K>;
}
