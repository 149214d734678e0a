import { createDevCa, issueOfficeCertificate, issuePlatformCertificate } from '@renkei/pki';
import * as pkijs from 'pkijs';
import { EnvelopeErrorCode, isEnvelopeError } from './envelope.errors';
import { OID_DATA, OID_RECEIPT_CONTENT } from './oids';
import {
  AcceptanceReceiptBody,
  decodeReceiptBody,
  parseReceipt,
  RECEIPT_LIMITS,
  RecipientReceiptBody,
  signReceipt,
  validateReceiptBody,
} from './receipt';
import { buildSignedData } from './signed-data.builder';
import { canonicalJson } from './manifest';

const ca = createDevCa();
const platform = issuePlatformCertificate(ca, { name: 'Renkei Platform Receipts — TEST ONLY' });
const rsaOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000005',
  serviceTypes: ['11'],
  keyType: 'rsa',
});
const platformKey = { certificate: platform.certificate, privateKey: platform.privateKey };
const hex = (c: string): string => c.repeat(64);

function acceptance(
  overrides: Partial<Record<keyof AcceptanceReceiptBody, unknown>> = {},
): AcceptanceReceiptBody {
  return {
    type: 'acceptance',
    version: 1,
    envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
    manifestSha256: hex('a'),
    contentSha256: hex('b'),
    objectSha256: hex('c'),
    sender: { officeNumber: '0300000100', serviceType: '43' },
    recipient: { officeNumber: '0300000005', serviceType: '11' },
    acceptedAt: '2026-11-24T05:30:01.123Z',
    platform: 'renkei',
    ...overrides,
  } as AcceptanceReceiptBody;
}

function recipient(
  overrides: Partial<Record<keyof RecipientReceiptBody, unknown>> = {},
): RecipientReceiptBody {
  return {
    type: 'recipient',
    version: 1,
    envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
    manifestSha256: hex('a'),
    verdict: 'accepted',
    reasons: [],
    recipient: { officeNumber: '0300000005', serviceType: '11' },
    sender: { officeNumber: '0300000100', serviceType: '43' },
    receivedAt: '2026-11-24T06:00:00Z',
    ...overrides,
  } as RecipientReceiptBody;
}

function codeOf(action: () => unknown): EnvelopeErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (isEnvelopeError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe(signReceipt.name, () => {
  it('signs an acceptance receipt that parses back to the same body with the platform as signer', () => {
    const body = acceptance();

    const sut = parseReceipt(signReceipt(body, platformKey));

    expect(sut.body).toEqual(body);
    expect(Buffer.from(sut.bodyBytes).toString('utf8')).toBe(canonicalJson(body));
    expect(sut.signerCertificate.sha256).toBe(platform.fingerprint);
    expect(sut.receiptSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['accepted', recipient()],
    [
      'rejected',
      recipient({
        verdict: 'rejected',
        reasons: [
          { code: 'FILE_DIGEST_MISMATCH', message: 'ファイルが壊れています' },
          { code: 'VALIDATION_FAILED' },
        ],
      }),
    ],
  ])('signs a recipient receipt (%s) with an RSA office key', (_what, body) => {
    const der = signReceipt(body, { certificate: rsaOffice.certificate, privateKey: rsaOffice.privateKey });

    const sut = parseReceipt(der);

    expect(sut.body).toEqual(body);
    expect(sut.signerCertificate.sha256).toBe(rsaOffice.fingerprint);
  });

  it('includes the chain certificates it is given', () => {
    const der = signReceipt(acceptance(), { ...platformKey, chain: [ca.certificate] });

    const sut = parseReceipt(der);

    expect(sut.otherCertificates.map((c) => Buffer.from(c).toString('hex'))).toEqual([
      Buffer.from(ca.certificate).toString('hex'),
    ]);
  });

  it('refuses a private key that is not the certificate key', () => {
    expect(
      codeOf(() =>
        signReceipt(acceptance(), { certificate: platform.certificate, privateKey: rsaOffice.privateKey }),
      ),
    ).toBe(EnvelopeErrorCode.INVALID_KEY);
  });

  it('refuses to sign a body that breaks a rule', () => {
    expect(codeOf(() => signReceipt(acceptance({ envelopeId: 'nope' }), platformKey))).toBe(
      EnvelopeErrorCode.RECEIPT_INVALID,
    );
  });
});

describe(validateReceiptBody.name, () => {
  it.each<[string, unknown]>([
    ['not an object', []],
    ['an unknown type', { ...acceptance(), type: 'other' }],
    ['an unknown key', { ...acceptance(), extra: 1 }],
    ['a missing key', (({ platform: _p, ...rest }) => rest)(acceptance())],
    ['version 2', acceptance({ version: 2 })],
    ['an envelope id in upper case', acceptance({ envelopeId: '0B6D3F5E-8A2C-4C7E-9F1A-2B3C4D5E6F70' })],
    ['a short manifest digest', acceptance({ manifestSha256: 'ab' })],
    ['an upper-case content digest', acceptance({ contentSha256: hex('B') })],
    ['a bad object digest', acceptance({ objectSha256: hex('g') })],
    ['a bad office number', acceptance({ sender: { officeNumber: '03000001', serviceType: '43' } })],
    ['a bad service type', acceptance({ recipient: { officeNumber: '0300000005', serviceType: '1' } })],
    [
      'a party with an extra key',
      acceptance({ sender: { officeNumber: '0300000100', serviceType: '43', name: 'x' } }),
    ],
    ['a local time', acceptance({ acceptedAt: '2026-11-24T05:30:01+09:00' })],
    ['an impossible date', acceptance({ acceptedAt: '2026-13-24T05:30:01Z' })],
    ['an empty platform name', acceptance({ platform: '' })],
    ['a platform name with a newline', acceptance({ platform: 'a\nb' })],
    [
      'a too long platform name',
      acceptance({ platform: 'x'.repeat(RECEIPT_LIMITS.maxPlatformNameLength + 1) }),
    ],
    ['an unknown verdict', recipient({ verdict: 'maybe' })],
    ['an accepted receipt with reasons', recipient({ reasons: [{ code: 'X' }] })],
    ['a rejected receipt without reasons', recipient({ verdict: 'rejected', reasons: [] })],
    ['reasons that are not an array', recipient({ verdict: 'rejected', reasons: 'X' })],
    ['a lower-case reason code', recipient({ verdict: 'rejected', reasons: [{ code: 'bad' }] })],
    [
      'a reason code of 65 characters',
      recipient({ verdict: 'rejected', reasons: [{ code: 'A'.repeat(65) }] }),
    ],
    ['a reason without code', recipient({ verdict: 'rejected', reasons: [{ message: 'x' }] })],
    ['a reason with an extra key', recipient({ verdict: 'rejected', reasons: [{ code: 'X', at: 1 }] })],
    [
      'a reason message of 501 characters',
      recipient({ verdict: 'rejected', reasons: [{ code: 'X', message: 'あ'.repeat(501) }] }),
    ],
    [
      'a reason message that is not a string',
      recipient({ verdict: 'rejected', reasons: [{ code: 'X', message: 1 }] }),
    ],
    [
      '51 reasons',
      recipient({ verdict: 'rejected', reasons: Array.from({ length: 51 }, () => ({ code: 'X' })) }),
    ],
    ['a bad receivedAt', recipient({ receivedAt: 'yesterday' })],
  ])('refuses %s', (_what, value) => {
    expect(codeOf(() => validateReceiptBody(value))).toBe(EnvelopeErrorCode.RECEIPT_INVALID);
  });

  it.each<[string, unknown]>([
    [
      '50 reasons with 500-character messages',
      recipient({
        verdict: 'rejected',
        reasons: Array.from({ length: 50 }, () => ({ code: 'A'.repeat(64), message: 'あ'.repeat(500) })),
      }),
    ],
    ['an acceptance receipt', acceptance()],
  ])('accepts %s', (_what, value) => {
    expect(codeOf(() => validateReceiptBody(value))).toBeUndefined();
  });
});

describe(decodeReceiptBody.name, () => {
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('refuses JSON that is not in canonical form', () => {
    expect(codeOf(() => decodeReceiptBody(encode(JSON.stringify(acceptance(), null, 1))))).toBe(
      EnvelopeErrorCode.RECEIPT_INVALID,
    );
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(codeOf(() => decodeReceiptBody(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe(
      EnvelopeErrorCode.RECEIPT_INVALID,
    );
  });

  it('reads canonical JSON with Japanese text', () => {
    const body = recipient({
      verdict: 'rejected',
      reasons: [{ code: 'VALIDATION_FAILED', message: '検証に失敗しました' }],
    });

    expect(decodeReceiptBody(encode(canonicalJson(body)))).toEqual(body);
  });
});

describe(parseReceipt.name, () => {
  it('refuses a receipt whose signed JSON was changed', () => {
    const der = Buffer.from(signReceipt(acceptance(), platformKey));
    const at = der.indexOf('"platform":"renkei"') + '"platform":"r'.length;
    der[at] ^= 0x01;

    expect(codeOf(() => parseReceipt(der))).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
  });

  it('refuses a receipt whose signature bytes were altered', () => {
    const der = Buffer.from(signReceipt(acceptance(), platformKey));
    der[der.length - 3] ^= 0x01;

    expect(codeOf(() => parseReceipt(der))).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
  });

  it('refuses a receipt larger than 64 KiB before parsing', () => {
    expect(codeOf(() => parseReceipt(new Uint8Array(RECEIPT_LIMITS.maxReceiptBytes + 1)))).toBe(
      EnvelopeErrorCode.LIMIT_EXCEEDED,
    );
  });

  it('refuses bytes that are not DER', () => {
    expect(codeOf(() => parseReceipt(new Uint8Array([0x30, 0x03, 0x01])))).toBe(
      EnvelopeErrorCode.MALFORMED_DER,
    );
  });

  it('refuses a SignedData over other content (a signed challenge is not a receipt)', () => {
    const der = buildSignedData({
      contentType: OID_DATA,
      content: new TextEncoder().encode(canonicalJson(acceptance())),
      attributes: [],
      certificate: pkijs.Certificate.fromBER(platform.certificate),
      privateKey: platform.privateKey,
      who: 'signer',
    });

    expect(codeOf(() => parseReceipt(der))).toBe(EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE);
  });

  it('refuses a correctly signed body that breaks a rule', () => {
    const der = buildSignedData({
      contentType: OID_RECEIPT_CONTENT,
      content: new TextEncoder().encode(canonicalJson({ ...acceptance(), version: 2 })),
      attributes: [],
      certificate: pkijs.Certificate.fromBER(platform.certificate),
      privateKey: platform.privateKey,
      who: 'signer',
    });

    expect(codeOf(() => parseReceipt(der))).toBe(EnvelopeErrorCode.RECEIPT_INVALID);
  });

  it('refuses a receipt whose eContentType was changed after signing', () => {
    const der = signReceipt(acceptance(), platformKey);
    const contentInfo = pkijs.ContentInfo.fromBER(der);
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    // swap the eContentType while the signed content-type attribute still names a receipt
    signedData.encapContentInfo.eContentType = OID_DATA;
    const changed = new pkijs.ContentInfo({
      contentType: contentInfo.contentType,
      content: signedData.toSchema(),
    });

    expect(codeOf(() => parseReceipt(new Uint8Array(changed.toSchema().toBER(false))))).toBe(
      EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE,
    );
  });
});
