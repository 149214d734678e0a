import * as asn1js from 'asn1js';
import {
  createDevCa,
  createDevCrl,
  crlToPem,
  OID_DELTA_CRL_INDICATOR,
  OID_ISSUING_DISTRIBUTION_POINT,
} from '@renkei/testing';
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { crlDerOf, issuedBy, parseCrl, verifyCrlSignature } from './crl.util';
import { TrustError, TrustErrorCode } from './trust.errors';

const ca = createDevCa({ name: 'CRL unit CA — TEST ONLY' });
const rsaCa = createDevCa({ name: 'CRL unit RSA CA — TEST ONLY', keyType: 'rsa' });
const THIS_UPDATE = new Date('2026-11-01T00:00:00Z');
const NEXT_UPDATE = new Date('2026-11-08T00:00:00Z');
const REVOKED_AT = new Date('2026-10-31T12:00:00Z');

function codeOf(action: () => unknown): TrustErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof TrustError) return error.code;
    throw error;
  }
  return undefined;
}

/** IssuingDistributionPoint with indirectCRL [4] TRUE */
function indirectIdp(): Uint8Array {
  const indirect = new asn1js.Primitive({
    idBlock: { tagClass: 3, tagNumber: 4 },
    valueHex: new Uint8Array([0xff]),
  });
  return new Uint8Array(new asn1js.Sequence({ value: [indirect] }).toBER(false));
}

describe(parseCrl.name, () => {
  it('reads issuer, times, cRLNumber and entries (canonical serials, reason codes) of a v2 CRL', () => {
    const der = createDevCrl(ca, {
      crlNumber: 300,
      thisUpdate: THIS_UPDATE,
      nextUpdate: NEXT_UPDATE,
      entries: [
        { serialNumber: '00FF01', revokedAt: REVOKED_AT, reason: 1 },
        { serialNumber: '0a', revokedAt: REVOKED_AT },
      ],
    });

    const sut = parseCrl(der);

    const subject = pkijs.Certificate.fromBER(ca.certificate).subject.valueBeforeDecode;
    expect(sut).toMatchObject({
      issuerNameSha256: createHash('sha256').update(new Uint8Array(subject)).digest('hex'),
      thisUpdate: THIS_UPDATE,
      nextUpdate: NEXT_UPDATE,
      crlNumber: 300n,
      sha256: createHash('sha256').update(der).digest('hex'),
      entries: [
        { serialNumber: 'ff01', revokedAt: REVOKED_AT, reason: 1 },
        { serialNumber: 'a', revokedAt: REVOKED_AT, reason: 0 },
      ],
    });
  });

  it('reads a CRL without cRLNumber, nextUpdate or entries', () => {
    expect(parseCrl(createDevCrl(ca, { nextUpdate: null }))).toMatchObject({
      crlNumber: null,
      nextUpdate: null,
      entries: [],
    });
  });

  it.each<[string, () => Uint8Array, TrustErrorCode]>([
    ['bytes that are not DER', () => Buffer.from('not a crl'), TrustErrorCode.CRL_MALFORMED],
    ['a certificate instead of a CRL', () => ca.certificate, TrustErrorCode.CRL_MALFORMED],
    [
      'a CRL with trailing bytes',
      () => Buffer.concat([createDevCrl(ca), Buffer.from([0])]),
      TrustErrorCode.CRL_MALFORMED,
    ],
    [
      'nextUpdate before thisUpdate',
      () => createDevCrl(ca, { thisUpdate: NEXT_UPDATE, nextUpdate: THIS_UPDATE }),
      TrustErrorCode.CRL_MALFORMED,
    ],
    [
      'a delta CRL',
      () =>
        createDevCrl(ca, {
          extensions: [{ oid: OID_DELTA_CRL_INDICATOR, critical: true, value: Uint8Array.from([2, 1, 1]) }],
        }),
      TrustErrorCode.CRL_UNSUPPORTED,
    ],
    [
      'an indirect CRL',
      () =>
        createDevCrl(ca, {
          extensions: [{ oid: OID_ISSUING_DISTRIBUTION_POINT, critical: true, value: indirectIdp() }],
        }),
      TrustErrorCode.CRL_UNSUPPORTED,
    ],
    [
      'an unknown critical extension',
      () =>
        createDevCrl(ca, {
          extensions: [{ oid: '1.2.3.4', critical: true, value: Uint8Array.from([5, 0]) }],
        }),
      TrustErrorCode.CRL_UNSUPPORTED,
    ],
    [
      'a removeFromCRL entry (delta CRLs only)',
      () => createDevCrl(ca, { entries: [{ serialNumber: '01', revokedAt: REVOKED_AT, reason: 8 }] }),
      TrustErrorCode.CRL_UNSUPPORTED,
    ],
  ])('refuses %s', (_case, der, code) => {
    expect(codeOf(() => parseCrl(der()))).toBe(code);
  });

  it('ignores an unknown extension that is not critical', () => {
    const der = createDevCrl(ca, {
      crlNumber: 1,
      extensions: [{ oid: '1.2.3.4', critical: false, value: Uint8Array.from([5, 0]) }],
    });

    expect(parseCrl(der).crlNumber).toBe(1n);
  });
});

describe(verifyCrlSignature.name, () => {
  it.each([
    ['EC', ca],
    ['RSA', rsaCa],
  ])(
    'verifies a CRL signed by the %s anchor key, and not against another key of the same name',
    (_kind, issuer) => {
      const crl = parseCrl(createDevCrl(issuer, { crlNumber: 1 }));
      const sameName = createDevCa({
        name: issuer === ca ? 'CRL unit CA — TEST ONLY' : 'CRL unit RSA CA — TEST ONLY',
        keyType: issuer.keyType,
      });

      expect(issuedBy(crl, issuer.certificate)).toBe(true);
      expect(verifyCrlSignature(crl, issuer.certificate)).toBe(true);
      expect(issuedBy(crl, sameName.certificate)).toBe(true);
      expect(verifyCrlSignature(crl, sameName.certificate)).toBe(false);
      expect(issuedBy(crl, createDevCa({ name: 'Someone else — TEST ONLY' }).certificate)).toBe(false);
    },
  );

  it('does not verify an RSA-signed CRL against an EC key', () => {
    expect(verifyCrlSignature(parseCrl(createDevCrl(rsaCa)), ca.certificate)).toBe(false);
  });
});

describe(crlDerOf.name, () => {
  it('unwraps PEM and passes DER through', () => {
    const der = createDevCrl(ca);

    expect(Buffer.from(crlDerOf(Buffer.from(crlToPem(der))))).toEqual(Buffer.from(der));
    expect(crlDerOf(der)).toBe(der);
  });

  it('refuses PEM armour without an X509 CRL block', () => {
    expect(codeOf(() => crlDerOf(Buffer.from(ca.certificatePem)))).toBe(TrustErrorCode.CRL_MALFORMED);
  });
});
