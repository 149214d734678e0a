import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  LicenceChangedSchema,
  LicenceState,
  type LicenceChanged,
} from './gen/renkei/registry/v1/licence_changed_pb';
import {
  isLicenceLive,
  LICENCE_RENEWAL_GRACE_MS,
  licenceSnapshotOf,
  type LicenceTerms,
} from './licence-liveness';

const TERM_END = new Date('2027-12-01T15:00:00.000Z');
const CHANGED_AT = new Date('2026-12-02T01:00:00.000Z');
const before = (ms: number): Date => new Date(TERM_END.getTime() - ms);
const after = (ms: number): Date => new Date(TERM_END.getTime() + ms);

const terms = (overrides: Partial<LicenceTerms> = {}): LicenceTerms => ({
  state: 'active',
  termEnd: TERM_END,
  autoRenew: false,
  ...overrides,
});

describe(isLicenceLive.name, () => {
  it('holds an active licence live until its term end, exclusive', () => {
    expect(isLicenceLive(terms(), before(1))).toBe(true);
    expect(isLicenceLive(terms(), TERM_END)).toBe(false);
  });

  it('gives an auto-renewing active licence one day of grace past its term end', () => {
    const licence = terms({ autoRenew: true });

    expect(isLicenceLive(licence, TERM_END)).toBe(true);
    expect(isLicenceLive(licence, after(LICENCE_RENEWAL_GRACE_MS - 1))).toBe(true);
    expect(isLicenceLive(licence, after(LICENCE_RENEWAL_GRACE_MS))).toBe(false);
  });

  it.each(['pending', 'suspended', 'expired', 'cancelled'] as const)(
    'never holds a %s licence live, inside its term or not',
    (state) => {
      expect(isLicenceLive(terms({ state, autoRenew: true }), before(60_000))).toBe(false);
    },
  );

  it('holds no licence, and an active one without a term, not live', () => {
    expect(isLicenceLive(null, before(1))).toBe(false);
    expect(isLicenceLive(undefined, before(1))).toBe(false);
    expect(isLicenceLive(terms({ termEnd: null }), before(1))).toBe(false);
  });
});

function event(overrides: Partial<Omit<LicenceChanged, '$typeName'>> = {}): LicenceChanged {
  return create(LicenceChangedSchema, {
    officeNumber: '1310000001',
    licenceId: '5F1E0C11-0B5E-4D1E-8A11-000000000001',
    serviceTypes: ['43'],
    state: LicenceState.ACTIVE,
    termStart: timestampFromDate(new Date('2026-12-01T15:00:00.000Z')),
    termEnd: timestampFromDate(TERM_END),
    autoRenew: true,
    reason: 'approved',
    version: 2n,
    changedAt: timestampFromDate(CHANGED_AT),
    ...overrides,
  });
}

describe(licenceSnapshotOf.name, () => {
  it('reads a LicenceChanged event as a snapshot', () => {
    expect(licenceSnapshotOf(event())).toEqual({
      officeNumber: '1310000001',
      licenceId: '5f1e0c11-0b5e-4d1e-8a11-000000000001',
      state: 'active',
      termEnd: TERM_END,
      autoRenew: true,
      version: '2',
      changedAt: CHANGED_AT,
    });
    expect(licenceSnapshotOf(event({ state: LicenceState.CANCELLED })).state).toBe('cancelled');
    expect(
      licenceSnapshotOf(event({ state: LicenceState.PENDING, termStart: undefined, termEnd: undefined })),
    ).toMatchObject({ state: 'pending', termEnd: null });
  });

  it.each([
    ['a bad office number', { officeNumber: '13100' }],
    ['a licence id that is not a uuid', { licenceId: 'licence-1' }],
    ['an unspecified state', { state: LicenceState.UNSPECIFIED }],
    ['an active state without a term end', { termEnd: undefined }],
    ['no change time', { changedAt: undefined }],
  ])('refuses an event with %s', (_label, overrides) => {
    expect(() => licenceSnapshotOf(event(overrides))).toThrow();
  });
});
