import { X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { checkSealingKey, SealingCertificates } from './sealing-certificates';

const ca = createDevCa();
const rsa = issueOfficeCertificate(ca, { officeNumber: '1310000011', serviceTypes: ['43'], keyType: 'rsa' });
const ec = issueOfficeCertificate(ca, { officeNumber: '1310000029', serviceTypes: ['11'], keyType: 'ec' });
const otherEc = issueOfficeCertificate(ca, {
  officeNumber: '1310000037',
  serviceTypes: ['11'],
  keyType: 'ec',
});

function errorOf(action: () => unknown): { code: string; message: string } | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof EnvelopeError) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe(SealingCertificates.name, () => {
  it.each([
    ['an RSA', rsa, 'rsa'],
    ['an EC', ec, 'p256'],
  ] as const)('reads the key and the signer identifier of %s certificate', (_what, office, keyType) => {
    const sut = new SealingCertificates();

    const cert = sut.read(office.certificate, 'sender certificate');

    const parsed = pkijs.Certificate.fromBER(office.certificate);
    const issuerAndSerial = new pkijs.IssuerAndSerialNumber({
      issuer: parsed.issuer,
      serialNumber: parsed.serialNumber,
    });
    expect(cert.keyType).toBe(keyType);
    expect(Buffer.from(cert.issuerAndSerialNumber)).toEqual(
      Buffer.from(issuerAndSerial.toSchema().toBER(false)),
    );
    expect(cert.publicKey.equals(new X509Certificate(office.certificate).publicKey)).toBe(true);
  });

  it('gives the uncompressed public point of a P-256 key, and none for RSA', () => {
    const sut = new SealingCertificates();

    const spki = new X509Certificate(ec.certificate).publicKey.export({ type: 'spki', format: 'der' });

    // a P-256 SubjectPublicKeyInfo ends in the 65-octet uncompressed point
    expect(sut.read(ec.certificate, 'c').ecPoint).toEqual(spki.subarray(-65));
    expect(sut.read(ec.certificate, 'c').ecPoint?.[0]).toBe(0x04);
    expect(sut.read(rsa.certificate, 'c').ecPoint).toBeUndefined();
  });

  it('reads a certificate once, by its octets, whatever buffer holds them', () => {
    const sut = new SealingCertificates();

    const first = sut.read(rsa.certificate, 'c');
    const again = sut.read(Buffer.from(rsa.certificate), 'c');

    expect(again).toBe(first);
    expect(sut.size).toBe(1);
  });

  it('keeps nothing of the caller buffer, which may be reused', () => {
    const sut = new SealingCertificates();
    const buffer = Buffer.from(rsa.certificate);
    const cert = sut.read(buffer, 'c');
    const before = Buffer.from(cert.issuerAndSerialNumber);

    buffer.fill(0);

    expect(Buffer.from(cert.issuerAndSerialNumber)).toEqual(before);
  });

  it('forgets the least recently used certificate beyond its bound', () => {
    const sut = new SealingCertificates(2);
    const rsaEntry = sut.read(rsa.certificate, 'c');
    const ecEntry = sut.read(ec.certificate, 'c');
    sut.read(rsa.certificate, 'c');

    sut.read(otherEc.certificate, 'c');

    expect(sut.size).toBe(2);
    expect(sut.read(rsa.certificate, 'c')).toBe(rsaEntry);
    expect(sut.read(ec.certificate, 'c')).not.toBe(ecEntry);
  });

  it.each([
    ['garbage', Buffer.from('not a certificate'), 'sender certificate is not valid DER'],
    [
      'trailing bytes',
      Buffer.concat([rsa.certificate, Buffer.from([0])]),
      'sender certificate is not valid DER',
    ],
    [
      'DER that is no certificate',
      Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]),
      'sender certificate is not an X.509 certificate',
    ],
  ])('refuses %s with MALFORMED_DER and remembers nothing', (_what, bytes, message) => {
    const sut = new SealingCertificates();

    expect(errorOf(() => sut.read(bytes, 'sender certificate'))).toEqual({
      code: EnvelopeErrorCode.MALFORMED_DER,
      message,
    });
    expect(sut.size).toBe(0);
  });

  it.each([
    ['RSA-1024', { keyType: 'rsa', rsaBits: 1024 }],
    ['P-384', { keyType: 'ec', curve: 'P-384' }],
  ] as const)('reads a %s certificate but refuses its key with UNSUPPORTED_ALGORITHM', (_what, key) => {
    const weak = issueOfficeCertificate(ca, { officeNumber: '1310000045', serviceTypes: ['11'], ...key });
    const cert = new SealingCertificates().read(weak.certificate, 'recipient certificate');

    expect(cert.keyType).toBeUndefined();
    expect(errorOf(() => checkSealingKey(cert, 'recipient'))).toEqual({
      code: EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      message: 'recipient certificate key is neither RSA-2048+ nor P-256',
    });
  });

  describe('assertKeyMatches', () => {
    it('accepts the private key of the certificate, again and again', () => {
      const sut = new SealingCertificates();
      const cert = sut.read(ec.certificate, 'c');

      expect(() => sut.assertKeyMatches(cert, ec.privateKey, 'sender')).not.toThrow();
      expect(() => sut.assertKeyMatches(cert, ec.privateKey, 'sender')).not.toThrow();
    });

    it('refuses another private key with INVALID_KEY, also after the right one was accepted', () => {
      const sut = new SealingCertificates();
      const cert = sut.read(ec.certificate, 'c');
      sut.assertKeyMatches(cert, ec.privateKey, 'sender');

      expect(errorOf(() => sut.assertKeyMatches(cert, otherEc.privateKey, 'sender'))).toEqual({
        code: EnvelopeErrorCode.INVALID_KEY,
        message: 'sender private key does not match the sender certificate',
      });
    });

    it('refuses the public key itself with INVALID_KEY', () => {
      const sut = new SealingCertificates();
      const cert = sut.read(rsa.certificate, 'c');

      expect(errorOf(() => sut.assertKeyMatches(cert, cert.publicKey, 'sender'))?.code).toBe(
        EnvelopeErrorCode.INVALID_KEY,
      );
    });
  });
});
