import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DownloaderRole as DownloaderRoleProto, encodeEvent, type EnvelopeSummary } from '@renkei/contracts';
import type { OutboxEventInput } from '@renkei/platform';
import { DownloaderRole, EnvelopeDownloadEntity } from './envelope-download.entity';
import { StoredEnvelopeEntity } from './stored-envelope.entity';

export const STORAGE_PRODUCER = 'storage';

const ROLE_PROTO: Record<DownloaderRole, DownloaderRoleProto> = {
  [DownloaderRole.RECIPIENT]: DownloaderRoleProto.RECIPIENT,
  [DownloaderRole.SENDER]: DownloaderRoleProto.SENDER,
};

interface EventIds {
  readonly eventId: string;
  readonly correlationId?: string;
}

/** storage.envelope.available.v1: the summary exactly as intake accepted it, keyed by recipient office. */
export function envelopeAvailableEvent(
  envelope: EnvelopeSummary,
  availableAt: Date,
  { eventId, correlationId }: EventIds,
): OutboxEventInput {
  const { topic, type, value } = encodeEvent(
    'storageEnvelopeAvailable',
    { eventId, producer: STORAGE_PRODUCER, correlationId, occurredAt: availableAt },
    { envelope, availableAt: timestampFromDate(availableAt) },
  );
  const key = envelope.recipient?.officeNumber ?? '';
  return { topic, type, value, key, eventId, correlationId, producer: STORAGE_PRODUCER };
}

/** storage.envelope.downloaded.v1, keyed by recipient office like the rest of the envelope's events. */
export function envelopeDownloadedEvent(
  envelope: StoredEnvelopeEntity,
  download: EnvelopeDownloadEntity,
  { eventId, correlationId }: EventIds,
): OutboxEventInput {
  const serviceType =
    download.role === DownloaderRole.RECIPIENT ? envelope.recipientServiceType : envelope.senderServiceType;
  const { topic, type, value } = encodeEvent(
    'storageEnvelopeDownloaded',
    { eventId, producer: STORAGE_PRODUCER, correlationId, occurredAt: download.downloadedAt },
    {
      envelopeId: envelope.envelopeId,
      downloadedBy: { officeNumber: download.officeNumber, serviceType },
      role: ROLE_PROTO[download.role],
      downloadedAt: timestampFromDate(download.downloadedAt),
      bytes: BigInt(download.bytes),
      recipientOfficeNumber: envelope.recipientOfficeNumber,
    },
  );
  const key = envelope.recipientOfficeNumber;
  return { topic, type, value, key, eventId, correlationId, producer: STORAGE_PRODUCER };
}
