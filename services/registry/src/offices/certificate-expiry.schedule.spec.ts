import { DAY_MS, expiryMessageOf, expiryStateOf, warningAt } from './certificate-expiry.schedule';

const NOT_AFTER = new Date('2029-04-01T00:00:00.000Z');
const HOUR_MS = 60 * 60 * 1000;

/** the instant `days` days (and `ms` more milliseconds) before NOT_AFTER */
const before = (days: number, ms = 0): Date => new Date(NOT_AFTER.getTime() - days * DAY_MS - ms);

describe(expiryStateOf.name, () => {
  it('is ok 61 days before notAfter, with the first warning due at notAfter − 60 days', () => {
    const sut = expiryStateOf(NOT_AFTER, before(61));

    expect(sut).toEqual({
      expiry: 'ok',
      daysLeft: 61,
      nextWarningAt: new Date('2029-01-31T00:00:00.000Z'),
    });
  });

  it('is still ok one millisecond before the 60-day point', () => {
    expect(expiryStateOf(NOT_AFTER, before(60, 1))).toMatchObject({ expiry: 'ok', daysLeft: 61 });
  });

  it('reaches the 60-day point exactly at notAfter − 60 days, next warning at − 46 days', () => {
    const sut = expiryStateOf(NOT_AFTER, before(60));

    expect(sut).toEqual({
      expiry: 'expiring',
      daysLeft: 60,
      point: 60,
      pointAt: before(60),
      nextPoint: 46,
      nextWarningAt: before(46),
    });
  });

  it('stays at the 60-day point 59 days before, counting started days', () => {
    expect(expiryStateOf(NOT_AFTER, before(59))).toMatchObject({
      expiry: 'expiring',
      daysLeft: 59,
      point: 60,
      nextPoint: 46,
    });
    expect(expiryStateOf(NOT_AFTER, before(59, -HOUR_MS))).toMatchObject({ daysLeft: 59, point: 60 });
  });

  it.each([
    [46, 32],
    [32, 18],
    [18, 4],
  ] as const)('reaches the %i-day point at its instant, next at %i days', (point, next) => {
    expect(expiryStateOf(NOT_AFTER, before(point, 1))).toMatchObject({ point: point + 14 });
    expect(expiryStateOf(NOT_AFTER, before(point))).toEqual({
      expiry: 'expiring',
      daysLeft: point,
      point,
      pointAt: before(point),
      nextPoint: next,
      nextWarningAt: before(next),
    });
  });

  it('reaches the 4-day point, whose next point is notAfter itself', () => {
    expect(expiryStateOf(NOT_AFTER, before(4, 1))).toMatchObject({ point: 18, daysLeft: 5 });
    expect(expiryStateOf(NOT_AFTER, before(4))).toEqual({
      expiry: 'expiring',
      daysLeft: 4,
      point: 4,
      pointAt: before(4),
      nextPoint: 0,
      nextWarningAt: NOT_AFTER,
    });
  });

  it('has one day left in the last day', () => {
    expect(expiryStateOf(NOT_AFTER, before(0, 1))).toMatchObject({
      expiry: 'expiring',
      daysLeft: 1,
      point: 4,
    });
  });

  it('is expired at notAfter (0 days) and after it', () => {
    const expired = { expiry: 'expired', daysLeft: 0, point: 0, pointAt: NOT_AFTER, nextWarningAt: null };

    expect(expiryStateOf(NOT_AFTER, NOT_AFTER)).toEqual(expired);
    expect(expiryStateOf(NOT_AFTER, before(-400))).toEqual(expired);
  });

  it('starts over for a renewed certificate: a later notAfter is ok again', () => {
    const now = before(10);
    const renewed = new Date(NOT_AFTER.getTime() + 3 * 365 * DAY_MS);

    expect(expiryStateOf(NOT_AFTER, now)).toMatchObject({ expiry: 'expiring', point: 18 });
    expect(expiryStateOf(renewed, now)).toEqual({
      expiry: 'ok',
      daysLeft: 3 * 365 + 10,
      nextWarningAt: warningAt(renewed, 60),
    });
  });
});

describe(expiryMessageOf.name, () => {
  it('tells people in Japanese how many days are left, or that the certificate expired', () => {
    expect(expiryMessageOf(expiryStateOf(NOT_AFTER, before(61)))).toBeNull();
    expect(expiryMessageOf(expiryStateOf(NOT_AFTER, before(45)))).toBe(
      '電子証明書の有効期限まであと45日です。更新してください。',
    );
    expect(expiryMessageOf(expiryStateOf(NOT_AFTER, NOT_AFTER))).toBe(
      '電子証明書の有効期限が切れています。新しい証明書を取得して登録してください。',
    );
  });
});
