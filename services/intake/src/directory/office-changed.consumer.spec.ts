import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { OfficeChangedSchema, OfficeStatus, type OfficeChanged } from '@renkei/contracts';
import { KnownOfficeStatus } from './known-office.entity';
import { knownOfficeOf } from './office-changed.consumer';

const CHANGED_AT = new Date(Date.UTC(2026, 10, 24, 6, 0, 0));

function event(overrides: Partial<Omit<OfficeChanged, '$typeName'>> = {}): OfficeChanged {
  return create(OfficeChangedSchema, {
    officeNumber: '1310000001',
    serviceTypes: ['43', '46'],
    status: OfficeStatus.ACTIVE,
    certificateSha256: 'ab'.repeat(32),
    version: 3n,
    changedAt: timestampFromDate(CHANGED_AT),
    ...overrides,
  });
}

describe(knownOfficeOf.name, () => {
  it('reads an OfficeChanged event as a read-model row', () => {
    expect({ ...knownOfficeOf(event()) }).toEqual({
      officeNumber: '1310000001',
      serviceTypes: ['43', '46'],
      status: KnownOfficeStatus.Active,
      certificateSha256: 'ab'.repeat(32),
      version: '3',
      changedAt: CHANGED_AT,
    });
    expect(knownOfficeOf(event({ status: OfficeStatus.WITHDRAWN })).status).toBe(KnownOfficeStatus.Withdrawn);
  });

  it.each([
    ['a bad office number', { officeNumber: '13100' }],
    ['a bad service type', { serviceTypes: ['4'] }],
    ['an unspecified status', { status: OfficeStatus.UNSPECIFIED }],
    ['a bad certificate digest', { certificateSha256: 'xyz' }],
    ['no change time', { changedAt: undefined }],
  ])('refuses an event with %s', (_label, overrides) => {
    expect(() => knownOfficeOf(event(overrides))).toThrow();
  });
});
