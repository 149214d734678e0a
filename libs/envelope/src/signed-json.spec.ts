import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { signChallenge } from './challenge';
import { EnvelopeErrorCode } from './envelope.errors';
import { signJson, verifySignedJson } from './signed-json';

const ca = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000001',
  serviceTypes: ['43'],
  keyType: 'ec',
});
const signer = { certificate: office.certificate, privateKey: office.privateKey };

describe('signed JSON', () => {
  it('verifies a signed document and returns it with the signer certificate', () => {
    const der = signJson({ b: [1, 'x'], a: 'あ' }, signer);

    const sut = verifySignedJson(der);

    expect(sut.value).toEqual({ a: 'あ', b: [1, 'x'] });
    expect(sut.signerCertificate.sha256).toBe(office.fingerprint);
  });

  it('refuses signed content that is not canonical JSON', () => {
    const der = signChallenge('{"b":1, "a":2}', signer);

    expect(() => verifySignedJson(der)).toThrow(
      expect.objectContaining({ code: EnvelopeErrorCode.SIGNATURE_INVALID }),
    );
  });

  it('refuses signed content that is not JSON', () => {
    const der = signChallenge('not json', signer);

    expect(() => verifySignedJson(der)).toThrow(
      expect.objectContaining({ code: EnvelopeErrorCode.SIGNATURE_INVALID }),
    );
  });

  it('refuses a document whose content was changed after signing', () => {
    const der = Buffer.from(signJson({ officeNumber: '1310000001' }, signer));
    const at = der.indexOf(Buffer.from('1310000001'));
    der[at + 9] = '2'.charCodeAt(0);

    expect(() => verifySignedJson(der)).toThrow(
      expect.objectContaining({ code: EnvelopeErrorCode.SIGNATURE_INVALID }),
    );
  });
});
