import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createDevCa, issueIntermediateCa, issueOfficeCertificate } from '@renkei/pki';
import { toArrayBuffer } from './der';
import { buildSignedDataWithPkijs } from './fixtures/pkijs-signed-data.builder';
import { OID_DATA, OID_ENVELOPED_DATA, OID_MANIFEST_ATTRIBUTE, OID_SIGNING_TIME } from './oids';
import { buildSignedData, signedAttribute } from './signed-data.builder';

// RSA PKCS#1 v1.5 signatures are deterministic, so the two builders must agree byte for byte
const ca = createDevCa({ keyType: 'rsa' });
const intermediate = issueIntermediateCa(ca, { name: 'Renkei Intermediate — TEST ONLY' });
const signer = issueOfficeCertificate(intermediate, {
  officeNumber: '1310000001',
  serviceTypes: ['43'],
  keyType: 'rsa',
});

function both(content: Uint8Array, contentType: string, attributes: () => pkijs.Attribute[]) {
  const common = { contentType, content, privateKey: signer.privateKey, who: 'signer' };
  const direct = buildSignedData({
    ...common,
    attributes: attributes(),
    certificate: signer.certificate,
    chain: [intermediate.certificate],
  });
  const reference = buildSignedDataWithPkijs({
    ...common,
    attributes: attributes(),
    certificate: pkijs.Certificate.fromBER(signer.certificate),
    chain: [pkijs.Certificate.fromBER(intermediate.certificate)],
  });
  return { direct: Buffer.from(direct), reference: Buffer.from(reference) };
}

describe(buildSignedData.name, () => {
  it.each([
    ['a short id-data content', 10, OID_DATA],
    ['an EnvelopedData of 200 bytes (one length octet)', 200, OID_ENVELOPED_DATA],
    ['an EnvelopedData of 70 KB (three length octets)', 70_000, OID_ENVELOPED_DATA],
    ['an EnvelopedData of 17 MB (four length octets)', 17_000_000, OID_ENVELOPED_DATA],
  ])('writes exactly what the pkijs builder wrote, for %s', (_name, size, contentType) => {
    const content = Buffer.alloc(size, 7);
    const { direct, reference } = both(content, contentType, () => [
      signedAttribute(OID_MANIFEST_ATTRIBUTE, new asn1js.Utf8String({ value: '{"version":1}' })),
      signedAttribute(OID_SIGNING_TIME, new asn1js.UTCTime({ valueDate: new Date(Date.UTC(2026, 10, 24)) })),
    ]);

    expect(direct.equals(reference)).toBe(true);
  });

  it('writes the same with no extra attributes and a parsed certificate', () => {
    const content = Buffer.from('nonce');
    const direct = buildSignedData({
      contentType: OID_DATA,
      content,
      attributes: [],
      certificate: pkijs.Certificate.fromBER(toArrayBuffer(signer.certificate)),
      privateKey: signer.privateKey,
      who: 'signer',
    });
    const reference = buildSignedDataWithPkijs({
      contentType: OID_DATA,
      content,
      attributes: [],
      certificate: pkijs.Certificate.fromBER(toArrayBuffer(signer.certificate)),
      privateKey: signer.privateKey,
      who: 'signer',
    });

    expect(Buffer.from(direct).equals(Buffer.from(reference))).toBe(true);
  });

  it('refuses a signer certificate that is not DER with MALFORMED_DER', () => {
    expect(() =>
      buildSignedData({
        contentType: OID_DATA,
        content: Buffer.from('x'),
        attributes: [],
        certificate: Buffer.from([0x30, 0x03, 0x02, 0x01]),
        privateKey: signer.privateKey,
        who: 'signer',
      }),
    ).toThrow(expect.objectContaining({ code: 'MALFORMED_DER' }));
  });
});
