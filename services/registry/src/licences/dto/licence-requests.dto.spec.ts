import { LicencesErrorCode } from '../licences.errors';
import { parseLicenceApplication } from './licence-application.dto';
import { parseLicenceQuery, parseReason, parseRenewal } from './licence-requests.dto';

const invalid = (code: LicencesErrorCode) => expect.objectContaining({ code });

describe(parseLicenceApplication.name, () => {
  const valid = {
    type: 'licence-application',
    officeNumber: '1310000001',
    serviceTypes: ['43', '46'],
    autoRenew: true,
    appliedAt: '2026-04-01T01:00:00.000Z',
  };

  it('accepts a well-formed application', () => {
    expect(parseLicenceApplication(valid)).toEqual(valid);
  });

  it('lists every problem of a malformed one', () => {
    const sut = () =>
      parseLicenceApplication({ ...valid, serviceTypes: ['43', '43'], appliedAt: 'yesterday', extra: 1 });

    expect(sut).toThrow(
      expect.objectContaining({
        code: LicencesErrorCode.LICENCE_APPLICATION_INVALID,
        details: [
          { field: 'extra', problem: 'unknown field' },
          expect.objectContaining({ field: 'serviceTypes' }),
          expect.objectContaining({ field: 'appliedAt' }),
        ],
      }),
    );
  });

  it('refuses what is not an object', () => {
    expect(() => parseLicenceApplication(['x'])).toThrow(
      invalid(LicencesErrorCode.LICENCE_APPLICATION_INVALID),
    );
  });
});

describe(parseReason.name, () => {
  it('trims a reason and refuses an empty or overlong one', () => {
    expect(parseReason({ reason: ' 調査 ' })).toBe('調査');
    expect(() => parseReason({ reason: ' ' })).toThrow(invalid(LicencesErrorCode.REQUEST_INVALID));
    expect(() => parseReason({ reason: 'x'.repeat(501) })).toThrow(
      invalid(LicencesErrorCode.REQUEST_INVALID),
    );
    expect(() => parseReason(undefined)).toThrow(invalid(LicencesErrorCode.REQUEST_INVALID));
  });
});

describe(parseRenewal.name, () => {
  it('needs a boolean autoRenew', () => {
    expect(parseRenewal({ autoRenew: false })).toEqual({ autoRenew: false });
    expect(() => parseRenewal({ autoRenew: 'false' })).toThrow(invalid(LicencesErrorCode.REQUEST_INVALID));
  });
});

describe(parseLicenceQuery.name, () => {
  it('reads filters and the page size, 50 by default', () => {
    expect(parseLicenceQuery({ state: 'active', prefecture: '13', after: '1310000001' })).toEqual({
      state: 'active',
      prefecture: '13',
      officeNumber: undefined,
      serviceType: undefined,
      name: undefined,
      after: '1310000001',
      limit: 50,
    });
    expect(parseLicenceQuery({ limit: '200' }).limit).toBe(200);
  });

  it('refuses an unknown state, a bad prefecture and a page size out of range', () => {
    expect(() => parseLicenceQuery({ state: 'live', prefecture: '1', limit: '201' })).toThrow(
      expect.objectContaining({
        code: LicencesErrorCode.REQUEST_INVALID,
        details: [
          expect.objectContaining({ field: 'state' }),
          expect.objectContaining({ field: 'prefecture' }),
          expect.objectContaining({ field: 'limit' }),
        ],
      }),
    );
  });
});
