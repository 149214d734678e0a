// How long the office certificate has left, read from the certificate itself so it works offline. The same
// rule as the platform's schedule (docs/trust.md, Office certificate expiry): expiring within 60 days, counted
// in started days, expired at notAfter.
import { X509Certificate } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;
/** the platform's first warning, in days before notAfter */
export const EXPIRY_WARNING_DAYS = 60;

export type CertificateExpiry = 'ok' | 'expiring' | 'expired';

export interface LocalCertificateExpiry {
  notAfter: string;
  daysLeft: number;
  expiry: CertificateExpiry;
  /** for people, in Japanese, when expiring or expired; null otherwise */
  message: string | null;
}

export function certificateExpiryOf(certificatePem: string, now: Date): LocalCertificateExpiry {
  const notAfter = new Date(new X509Certificate(certificatePem).validTo);
  const remainingMs = notAfter.getTime() - now.getTime();
  if (remainingMs <= 0) {
    return {
      notAfter: notAfter.toISOString(),
      daysLeft: 0,
      expiry: 'expired',
      message: '電子証明書の有効期限が切れています。新しい証明書を取得して登録してください。',
    };
  }
  const daysLeft = Math.ceil(remainingMs / DAY_MS);
  const expiring = daysLeft <= EXPIRY_WARNING_DAYS;
  return {
    notAfter: notAfter.toISOString(),
    daysLeft,
    expiry: expiring ? 'expiring' : 'ok',
    message: expiring ? `電子証明書の有効期限まであと${daysLeft}日です。更新してください。` : null,
  };
}
