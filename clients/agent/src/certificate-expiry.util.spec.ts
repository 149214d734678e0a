import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { certificateExpiryOf } from './certificate-expiry.util';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOT_AFTER = new Date('2029-04-01T00:00:00.000Z');

describe(certificateExpiryOf.name, () => {
  const { certificatePem } = issueOfficeCertificate(createDevCa(), {
    officeNumber: '1310000004',
    serviceTypes: ['43'],
    keyType: 'ec',
    notBefore: new Date('2026-04-01T00:00:00.000Z'),
    notAfter: NOT_AFTER,
  });
  const at = (daysBefore: number, ms = 0) => new Date(NOT_AFTER.getTime() - daysBefore * DAY_MS - ms);

  it('is ok more than 60 days before notAfter, with no message', () => {
    expect(certificateExpiryOf(certificatePem, at(61))).toEqual({
      notAfter: NOT_AFTER.toISOString(),
      daysLeft: 61,
      expiry: 'ok',
      message: null,
    });
    expect(certificateExpiryOf(certificatePem, at(60, 1))).toMatchObject({ expiry: 'ok', daysLeft: 61 });
  });

  it('warns in Japanese from 60 days before notAfter, counting started days', () => {
    expect(certificateExpiryOf(certificatePem, at(60))).toEqual({
      notAfter: NOT_AFTER.toISOString(),
      daysLeft: 60,
      expiry: 'expiring',
      message: '電子証明書の有効期限まであと60日です。更新してください。',
    });
    expect(certificateExpiryOf(certificatePem, at(59))).toMatchObject({ expiry: 'expiring', daysLeft: 59 });
    expect(certificateExpiryOf(certificatePem, at(0, 1))).toMatchObject({ expiry: 'expiring', daysLeft: 1 });
  });

  it('is expired at notAfter', () => {
    expect(certificateExpiryOf(certificatePem, NOT_AFTER)).toEqual({
      notAfter: NOT_AFTER.toISOString(),
      daysLeft: 0,
      expiry: 'expired',
      message: '電子証明書の有効期限が切れています。新しい証明書を取得して登録してください。',
    });
  });
});
