import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { LicenceChangedSchema, LicenceState, type LicenceChanged } from '@renkei/contracts';
import { knownLicenceOf } from './licence-changed.consumer';

const TERM_END = new Date(Date.UTC(2027, 11, 1, 15, 0, 0));
const CHANGED_AT = new Date(Date.UTC(2026, 11, 2, 1, 0, 0));

function event(overrides: Partial<Omit<LicenceChanged, '$typeName'>> = {}): LicenceChanged {
  return create(LicenceChangedSchema, {
    officeNumber: '1310000001',
    licenceId: '5f1e0c11-0b5e-4d1e-8a11-000000000001',
    serviceTypes: ['43'],
    state: LicenceState.ACTIVE,
    termEnd: timestampFromDate(TERM_END),
    autoRenew: true,
    version: 4n,
    changedAt: timestampFromDate(CHANGED_AT),
    ...overrides,
  });
}

describe(knownLicenceOf.name, () => {
  it('reads a LicenceChanged event as a read-model row', () => {
    expect({ ...knownLicenceOf(event()) }).toEqual({
      officeNumber: '1310000001',
      licenceId: '5f1e0c11-0b5e-4d1e-8a11-000000000001',
      state: 'active',
      termEnd: TERM_END,
      autoRenew: true,
      version: '4',
      changedAt: CHANGED_AT,
    });
    expect(knownLicenceOf(event({ state: LicenceState.SUSPENDED })).state).toBe('suspended');
  });

  it.each([
    ['a bad office number', { officeNumber: '13100' }],
    ['an unspecified state', { state: LicenceState.UNSPECIFIED }],
    ['no change time', { changedAt: undefined }],
  ])('refuses an event with %s', (_label, overrides) => {
    expect(() => knownLicenceOf(event(overrides))).toThrow();
  });
});
