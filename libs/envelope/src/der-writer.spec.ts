import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { toArrayBuffer } from './der';
import {
  der,
  DerSink,
  encodeDer,
  headerLength,
  issuerAndSerialNumberElement,
  oidElement,
  updateDer,
  writeDer,
} from './der-writer';
import * as oid from './oids';

// asn1js is the oracle: it encodes independently of the writer under test
const octetString = (bytes: Uint8Array) =>
  Buffer.from(new asn1js.OctetString({ valueHex: toArrayBuffer(bytes) }).toBER(false));

/** a nested structure with short, long and empty parts, and asn1js's encoding of the same */
function nested(big: Uint8Array) {
  const ours = der(
    0x30,
    Uint8Array.of(0x02, 0x01, 0x05),
    der(0x31, der(0x04, big), der(0xa0, der(0x04)), der(0x0c, Buffer.from('予定'))),
    der(0x80, big.subarray(0, 3), new Uint8Array(0), big.subarray(3)),
  );
  const reference = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 5 }),
      new asn1js.Set({
        value: [
          new asn1js.OctetString({ valueHex: toArrayBuffer(big) }),
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [new asn1js.OctetString()],
          }),
          new asn1js.Utf8String({ value: '予定' }),
        ],
      }),
      new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: toArrayBuffer(big) }),
    ],
  });
  return { ours, reference: Buffer.from(reference.toBER(false)) };
}

describe('der-writer', () => {
  it.each([0, 1, 127, 128, 255, 256, 65_535, 65_536, 16_777_215, 16_777_216])(
    'writes the header and value of %i octets as asn1js does',
    (size) => {
      const value = Buffer.alloc(size, 0x5a);
      const element = der(0x04, value);

      const written = Buffer.from(encodeDer(element));

      const reference = octetString(value);
      expect(written.subarray(0, 8)).toEqual(reference.subarray(0, 8));
      expect(written.equals(reference)).toBe(true);
      expect(element.byteLength).toBe(reference.byteLength);
      expect(element.valueLength).toBe(size);
      expect(headerLength(size)).toBe(reference.byteLength - size);
    },
  );

  it('writes a nested structure byte for byte as asn1js does', () => {
    const { ours, reference } = nested(Buffer.alloc(300, 7));

    expect(Buffer.from(encodeDer(ours)).toString('hex')).toBe(reference.toString('hex'));
    expect(ours.byteLength).toBe(reference.byteLength);
  });

  it('writes into a larger buffer at an offset and touches nothing else', () => {
    const { ours, reference } = nested(Buffer.alloc(200, 9));
    const out = Buffer.alloc(ours.byteLength + 10, 0xee);

    const end = writeDer(ours, out, 4);

    expect(end).toBe(4 + ours.byteLength);
    expect(out.subarray(4, end).equals(reference)).toBe(true);
    expect([...out.subarray(0, 4), ...out.subarray(end)]).toEqual(Array(10).fill(0xee));
  });

  it('refuses to write past the end of the buffer', () => {
    const element = der(0x04, Buffer.alloc(20));

    expect(() => writeDer(element, new Uint8Array(30), 9)).toThrow(RangeError);
  });

  it('feeds a sink the same octets it writes, without joining the parts', () => {
    const big = Buffer.alloc(70_000, 3);
    const { ours } = nested(big);
    const seen: Uint8Array[] = [];
    const collector: DerSink = { update: (bytes) => seen.push(bytes) };

    updateDer(collector, ours);
    const hash = createHash('sha256');
    updateDer(hash, ours);

    const written = Buffer.from(encodeDer(ours));
    expect(Buffer.concat(seen).equals(written)).toBe(true);
    expect(seen).toContain(big);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(written).digest('hex'));
  });

  it.each([0x1f, 0x3f, 0x100, -1, 1.5])('refuses tag %s, which does not fit one identifier octet', (tag) => {
    expect(() => der(tag)).toThrow(RangeError);
  });

  it.each(Object.entries(oid))('writes the OID %s as asn1js does', (_name, dotted) => {
    const reference = Buffer.from(new asn1js.ObjectIdentifier({ value: dotted }).toBER(false));

    expect(Buffer.from(encodeDer(oidElement(dotted)))).toEqual(reference);
  });

  it.each([
    ['an RSA', 'rsa'],
    ['an EC', 'ec'],
  ] as const)('writes the IssuerAndSerialNumber of %s certificate as pkijs does', (_what, keyType) => {
    const ca = createDevCa({ keyType });
    const office = issueOfficeCertificate(ca, { officeNumber: '1310000011', serviceTypes: ['43'], keyType });
    const cert = pkijs.Certificate.fromBER(office.certificate);
    const reference = new pkijs.IssuerAndSerialNumber({
      issuer: cert.issuer,
      serialNumber: cert.serialNumber,
    });

    expect(Buffer.from(encodeDer(issuerAndSerialNumberElement(office.certificate)))).toEqual(
      Buffer.from(reference.toSchema().toBER(false)),
    );
  });
});
