import { createHash } from 'node:crypto';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import {
  CachedOfficeCertificatePolicy,
  CertificatePolicyError,
  CertificatePolicyErrorCode,
  OfficeCertificatePolicy,
} from './office-certificate.policy';

const ca = createDevCa();
const offices = ['0300000100', '0300000005', '1310000009'].map((officeNumber) =>
  issueOfficeCertificate(ca, { officeNumber, serviceTypes: ['43'], keyType: 'ec' }),
);
const refOf = (der: Uint8Array) => ({ der, sha256: createHash('sha256').update(der).digest('hex') });

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof CertificatePolicyError ? error.code : String(error);
  }
  return undefined;
}

describe('CachedOfficeCertificatePolicy', () => {
  it('answers like the uncached policy and parses a certificate once', () => {
    const policy = CachedOfficeCertificatePolicy.fromPem(ca.certificatePem);
    const signer = refOf(offices[0].certificate);
    const now = new Date();

    const first = policy.validate(signer, [], now);
    const again = policy.validate(signer, [], now);

    expect(first).toEqual(OfficeCertificatePolicy.fromPem(ca.certificatePem).validate(signer.der, [], now));
    expect(again).toEqual(first);
    expect(policy.publicKey(signer)).toBe(policy.publicKey(signer));
    expect(policy.size).toBe(1);
  });

  it('re-evaluates a cached verdict once the time is past notAfter', () => {
    const policy = CachedOfficeCertificatePolicy.fromPem(ca.certificatePem);
    const signer = refOf(offices[0].certificate);
    const identity = policy.validate(signer, [], new Date());

    expect(codeOf(() => policy.validate(signer, [], new Date(identity.notAfter.getTime() + 1000)))).toBe(
      CertificatePolicyErrorCode.CERTIFICATE_EXPIRED,
    );
    // before the CA's own validity the chain cannot be built
    expect(codeOf(() => policy.validate(signer, [], new Date(0)))).toBe(
      CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED,
    );
    expect(policy.validate(signer, [], new Date())).toEqual(identity);
  });

  it('caches refusals too, with the same code', () => {
    const policy = CachedOfficeCertificatePolicy.fromPem(createDevCa().certificatePem);
    const signer = refOf(offices[1].certificate);

    expect(codeOf(() => policy.validate(signer, [], new Date()))).toBe(
      CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED,
    );
    expect(codeOf(() => policy.validate(signer, [], new Date()))).toBe(
      CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED,
    );
  });

  it('keeps at most maxEntries certificates, dropping the least recently used', () => {
    const policy = CachedOfficeCertificatePolicy.fromPem(ca.certificatePem, 2);
    const [a, b, c] = offices.map((o) => refOf(o.certificate));
    const keyOfA = policy.publicKey(a);
    policy.publicKey(b);
    policy.publicKey(a);
    policy.publicKey(c);

    expect(policy.size).toBe(2);
    expect(policy.publicKey(a)).toBe(keyOfA);
    expect(policy.size).toBe(2);
  });

  it('gives undefined for the key of an unreadable certificate', () => {
    const policy = CachedOfficeCertificatePolicy.fromPem(ca.certificatePem);

    expect(policy.publicKey(refOf(Buffer.from('junk')))).toBeUndefined();
    expect(codeOf(() => policy.validate(refOf(Buffer.from('junk')), [], new Date()))).toBe(
      CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE,
    );
  });
});
