import { decodeEvent, OfficeStatus as OfficeStatusProto, Topics } from '@renkei/contracts';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { officeChangedEvent } from './office-changed.event';
import { OfficeEntity, OfficeStatus } from './office.entity';

describe(officeChangedEvent.name, () => {
  it('carries the office row on registry.office.changed.v1, keyed by office number', () => {
    const at = new Date('2026-11-24T06:00:00.000Z');
    const office = Object.assign(new OfficeEntity(), {
      officeNumber: '1310000001',
      serviceTypes: ['43', '46'],
      status: OfficeStatus.ACTIVE,
      certificateDer: Buffer.from([1, 2, 3]),
      certificateSha256: 'c'.repeat(64),
      version: 3,
      registeredAt: new Date('2026-01-01T00:00:00.000Z'),
      updatedAt: at,
    });

    const sut = officeChangedEvent(office, '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a');

    expect(sut).toMatchObject({
      topic: Topics.registryOfficeChanged.name,
      type: Topics.registryOfficeChanged.message,
      key: '1310000001',
      eventId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
      producer: 'registry',
    });
    const event = decodeEvent('registryOfficeChanged', sut.value);
    expect(event).toMatchObject({
      officeNumber: '1310000001',
      serviceTypes: ['43', '46'],
      status: OfficeStatusProto.ACTIVE,
      certificateSha256: 'c'.repeat(64),
      version: 3n,
      meta: { eventId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a', producer: 'registry' },
    });
    expect(Array.from(event.certificateDer)).toEqual([1, 2, 3]);
    expect(event.changedAt && timestampDate(event.changedAt)).toEqual(at);
  });
});
