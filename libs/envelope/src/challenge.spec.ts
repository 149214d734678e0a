import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { signChallenge, verifyChallengeSignature } from './challenge';
import { EnvelopeErrorCode, isEnvelopeError } from './envelope.errors';

const ca = createDevCa();
const ecOffice = issueOfficeCertificate(ca, {
  officeNumber: '1310000001',
  serviceTypes: ['43'],
  keyType: 'ec',
});
const rsaOffice = issueOfficeCertificate(ca, {
  officeNumber: '1310000002',
  serviceTypes: ['11'],
  keyType: 'rsa',
});
const nonce = 'q2VgS7m0Xk0o7kq3l2Q2mY8G0xvJp2s6JrQJm1m7b1E';

function codeOf(action: () => unknown): EnvelopeErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (isEnvelopeError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('signChallenge', () => {
  it.each([
    ['EC P-256', ecOffice],
    ['RSA', rsaOffice],
  ])('produces SignedData over the nonce that verifies with a %s office certificate', (_kind, office) => {
    const der = signChallenge(nonce, { certificate: office.certificate, privateKey: office.privateKey });

    const sut = verifyChallengeSignature(der);

    expect(sut.nonce).toBe(nonce);
    expect(sut.signerCertificate.sha256).toBe(office.fingerprint);
    expect(sut.otherCertificates).toEqual([]);
  });

  it('refuses a private key that does not belong to the certificate', () => {
    expect(
      codeOf(() =>
        signChallenge(nonce, { certificate: ecOffice.certificate, privateKey: rsaOffice.privateKey }),
      ),
    ).toBe(EnvelopeErrorCode.INVALID_KEY);
  });
});

describe('verifyChallengeSignature', () => {
  it('refuses a signed challenge whose signature bytes were altered', () => {
    const der = Buffer.from(
      signChallenge(nonce, { certificate: ecOffice.certificate, privateKey: ecOffice.privateKey }),
    );
    // the ECDSA signature is the last element of the SignerInfo, i.e. the last bytes of the DER
    der[der.length - 3] ^= 0x01;

    expect(codeOf(() => verifyChallengeSignature(der))).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
  });

  it('refuses a signed challenge whose content was altered', () => {
    const der = Buffer.from(
      signChallenge(nonce, { certificate: ecOffice.certificate, privateKey: ecOffice.privateKey }),
    );
    const at = der.indexOf(Buffer.from(nonce));
    der[at] = der[at] === 0x41 ? 0x42 : 0x41;

    expect(codeOf(() => verifyChallengeSignature(der))).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
  });

  it('refuses bytes that are not DER', () => {
    expect(codeOf(() => verifyChallengeSignature(Buffer.from('not der')))).toBe(
      EnvelopeErrorCode.MALFORMED_DER,
    );
  });
});
