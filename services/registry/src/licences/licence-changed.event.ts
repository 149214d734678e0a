import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeEvent, LicenceState as LicenceStateProto } from '@renkei/contracts';
import type { OutboxEventInput } from '@renkei/platform';
import { LicenceEntity, LicenceState } from './licence.entity';

const REGISTRY_PRODUCER = 'registry';

const STATE_PROTO: Record<LicenceState, LicenceStateProto> = {
  [LicenceState.PENDING]: LicenceStateProto.PENDING,
  [LicenceState.ACTIVE]: LicenceStateProto.ACTIVE,
  [LicenceState.SUSPENDED]: LicenceStateProto.SUSPENDED,
  [LicenceState.EXPIRED]: LicenceStateProto.EXPIRED,
  [LicenceState.CANCELLED]: LicenceStateProto.CANCELLED,
};

/**
 * registry.licence.changed.v1 for the licence's current row, keyed by office number; `officeName` is the office's
 * 事業所名 in the office master (null when it has no entry there).
 */
export function licenceChangedEvent(
  licence: LicenceEntity,
  eventId: string,
  officeName: string | null,
): OutboxEventInput {
  const { topic, type, value } = encodeEvent(
    'registryLicenceChanged',
    { eventId, producer: REGISTRY_PRODUCER, occurredAt: licence.updatedAt },
    {
      officeNumber: licence.officeNumber,
      licenceId: licence.licenceId,
      serviceTypes: [...licence.serviceTypes],
      state: STATE_PROTO[licence.state],
      ...(licence.termStart ? { termStart: timestampFromDate(licence.termStart) } : {}),
      ...(licence.termEnd ? { termEnd: timestampFromDate(licence.termEnd) } : {}),
      autoRenew: licence.autoRenew,
      reason: licence.reason,
      version: BigInt(licence.version),
      changedAt: timestampFromDate(licence.updatedAt),
      officeName: officeName ?? '',
    },
  );
  return { topic, type, value, key: licence.officeNumber, eventId, producer: REGISTRY_PRODUCER };
}
