import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeEvent, OfficeStatus as OfficeStatusProto } from '@renkei/contracts';
import type { OutboxEventInput } from '@renkei/platform';
import { OfficeEntity, OfficeStatus } from './office.entity';

export const REGISTRY_PRODUCER = 'registry';

const STATUS_PROTO: Record<OfficeStatus, OfficeStatusProto> = {
  [OfficeStatus.ACTIVE]: OfficeStatusProto.ACTIVE,
  [OfficeStatus.WITHDRAWN]: OfficeStatusProto.WITHDRAWN,
};

/** registry.office.changed.v1 for the office's current row, keyed by office number. */
export function officeChangedEvent(office: OfficeEntity, eventId: string): OutboxEventInput {
  const { topic, type, value } = encodeEvent(
    'registryOfficeChanged',
    { eventId, producer: REGISTRY_PRODUCER, occurredAt: office.updatedAt },
    {
      officeNumber: office.officeNumber,
      serviceTypes: [...office.serviceTypes],
      status: STATUS_PROTO[office.status],
      certificateDer: new Uint8Array(office.certificateDer),
      certificateSha256: office.certificateSha256,
      version: BigInt(office.version),
      changedAt: timestampFromDate(office.updatedAt),
    },
  );
  return { topic, type, value, key: office.officeNumber, eventId, producer: REGISTRY_PRODUCER };
}
