import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { LicenceChangedSchema, LicenceState, type LicenceChanged } from '@renkei/contracts';
import { billingLicenceOf } from './licence-changed.consumer';

const CHANGED_AT = new Date('2027-04-15T01:00:00.000Z');
const TERM_START = new Date('2027-04-14T15:00:00.000Z');
const TERM_END = new Date('2028-04-14T15:00:00.000Z');
const LICENCE_ID = '6f1c2b9e-8d4a-4c3e-9b1a-2f3e4d5c6b7a';

function event(overrides: Partial<Omit<LicenceChanged, '$typeName'>> = {}): LicenceChanged {
  return create(LicenceChangedSchema, {
    officeNumber: '1310000001',
    licenceId: LICENCE_ID,
    serviceTypes: ['43'],
    state: LicenceState.ACTIVE,
    termStart: timestampFromDate(TERM_START),
    termEnd: timestampFromDate(TERM_END),
    autoRenew: true,
    reason: 'approved',
    version: 2n,
    changedAt: timestampFromDate(CHANGED_AT),
    ...overrides,
  });
}

describe(billingLicenceOf.name, () => {
  it('reads a LicenceChanged event as a read-model row, the prefecture from the office number', () => {
    expect({ ...billingLicenceOf(event()) }).toEqual({
      officeNumber: '1310000001',
      licenceId: LICENCE_ID,
      prefecture: '13',
      state: 'active',
      termStart: TERM_START,
      termEnd: TERM_END,
      version: 2,
      changedAt: CHANGED_AT,
      officeName: null,
    });
  });

  it("keeps the office master's name the event carries, trimmed", () => {
    expect(billingLicenceOf(event({ officeName: ' ケアプランセンター年間 ' })).officeName).toBe(
      'ケアプランセンター年間',
    );
  });

  it('reads a licence that was never active, without a term', () => {
    const pending = billingLicenceOf(
      event({ state: LicenceState.PENDING, termStart: undefined, termEnd: undefined, version: 1n }),
    );
    expect(pending).toMatchObject({ state: 'pending', termStart: null, termEnd: null, version: 1 });
  });

  it.each([
    ['a bad office number', { officeNumber: '13100' }],
    ['a bad licence id', { licenceId: 'licence-1' }],
    ['an unspecified state', { state: LicenceState.UNSPECIFIED }],
    ['no change time', { changedAt: undefined }],
    ['version 0', { version: 0n }],
    ['an active state without a term', { termStart: undefined }],
  ])('refuses an event with %s', (_label, overrides) => {
    expect(() => billingLicenceOf(event(overrides))).toThrow();
  });
});
