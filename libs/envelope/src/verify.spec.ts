import { createHash } from 'node:crypto';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EnvelopeErrorCode, isEnvelopeError } from './envelope.errors';
import { OID_DATA, OID_MESSAGE_DIGEST, OID_RECEIPT_CONTENT } from './oids';
import { buildSignedData } from './signed-data.builder';
import {
  checkIncludedSigner,
  messageDigestOf,
  onlySignerInfo,
  otherCertificatesOf,
  readSignedData,
  signedAttributesOf,
} from './verify';

const ca = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '0300000005',
  serviceTypes: ['11'],
  keyType: 'ec',
});
const content = new TextEncoder().encode('signed content');

function signed(chain: readonly Uint8Array[] = []) {
  const der = buildSignedData({
    contentType: OID_DATA,
    content,
    attributes: [],
    certificate: pkijs.Certificate.fromBER(office.certificate),
    privateKey: office.privateKey,
    chain: chain.map((c) => pkijs.Certificate.fromBER(c)),
    who: 'signer',
  });
  const signedData = readSignedData(der, 'test');
  const signerInfo = onlySignerInfo(signedData);
  return { signedData, signerInfo };
}

function errorOf(action: () => unknown): { code: EnvelopeErrorCode; message: string } | undefined {
  try {
    action();
  } catch (error) {
    if (isEnvelopeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe(signedAttributesOf.name, () => {
  it('answers the signed attributes when the content-type attribute names the content type', () => {
    const { signerInfo } = signed();

    expect(signedAttributesOf(signerInfo, OID_DATA)).toBe(signerInfo.signedAttrs);
  });

  it('refuses another content type with SIGNATURE_INVALID and the default message', () => {
    const { signerInfo } = signed();

    expect(errorOf(() => signedAttributesOf(signerInfo, OID_RECEIPT_CONTENT))).toEqual({
      code: EnvelopeErrorCode.SIGNATURE_INVALID,
      message: 'content-type attribute does not match the content',
    });
  });

  it("refuses another content type with the caller's message", () => {
    const { signerInfo } = signed();

    expect(errorOf(() => signedAttributesOf(signerInfo, OID_RECEIPT_CONTENT, 'not a receipt'))).toEqual({
      code: EnvelopeErrorCode.SIGNATURE_INVALID,
      message: 'not a receipt',
    });
  });

  it('refuses a SignerInfo without signed attributes with SIGNED_ATTRIBUTES_MISSING', () => {
    const { signerInfo } = signed();
    signerInfo.signedAttrs = undefined;

    expect(errorOf(() => signedAttributesOf(signerInfo, OID_DATA))?.code).toBe(
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
    );
  });
});

describe(messageDigestOf.name, () => {
  it('answers the message-digest attribute', () => {
    const { signerInfo } = signed();
    const attrs = signedAttributesOf(signerInfo, OID_DATA);

    expect(Buffer.from(messageDigestOf(attrs).valueBlock.valueHexView)).toEqual(
      createHash('sha256').update(content).digest(),
    );
  });

  it('refuses a message digest that is not an OCTET STRING with SIGNED_ATTRIBUTES_MISSING', () => {
    const { signerInfo } = signed();
    const attrs = signedAttributesOf(signerInfo, OID_DATA);
    const digest = attrs.attributes.find((a) => a.type === OID_MESSAGE_DIGEST);
    if (!digest) throw new Error('the builder always signs a message digest');
    digest.values = [new asn1js.Integer({ value: 1 })];

    expect(errorOf(() => messageDigestOf(attrs))).toEqual({
      code: EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      message: 'message-digest attribute is not an OCTET STRING',
    });
  });
});

describe(checkIncludedSigner.name, () => {
  it('checks the signature with the included signer certificate and answers it', () => {
    const { signedData, signerInfo } = signed();
    const attrs = signedAttributesOf(signerInfo, OID_DATA);

    const { certificate, signerCertificate } = checkIncludedSigner(signedData, signerInfo, attrs, 'test');

    expect(signerCertificate.der).toEqual(office.certificate);
    expect(signerCertificate.sha256).toBe(createHash('sha256').update(office.certificate).digest('hex'));
    expect(certificate).toBe(signedData.certificates?.[0]);
  });

  it('refuses a signature that does not verify with SIGNATURE_INVALID', () => {
    const { signedData, signerInfo } = signed();
    const attrs = signedAttributesOf(signerInfo, OID_DATA);
    const value = signerInfo.signature.valueBlock.valueHexView;
    value[value.length - 1] ^= 0xff;

    expect(errorOf(() => checkIncludedSigner(signedData, signerInfo, attrs, 'test'))?.code).toBe(
      EnvelopeErrorCode.SIGNATURE_INVALID,
    );
  });

  it('refuses a SignedData without the signer certificate with SIGNER_CERTIFICATE_MISSING naming it', () => {
    const { signedData, signerInfo } = signed();
    const attrs = signedAttributesOf(signerInfo, OID_DATA);
    signedData.certificates = [];

    expect(errorOf(() => checkIncludedSigner(signedData, signerInfo, attrs, 'receipt'))).toEqual({
      code: EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING,
      message: 'the signer certificate is not in the receipt',
    });
  });
});

describe(otherCertificatesOf.name, () => {
  it('answers the DER of every included certificate but the signer', () => {
    const { signedData, signerInfo } = signed([ca.certificate]);
    const attrs = signedAttributesOf(signerInfo, OID_DATA);
    const { certificate } = checkIncludedSigner(signedData, signerInfo, attrs, 'test');

    expect(otherCertificatesOf(signedData, certificate)).toEqual([ca.certificate]);
  });

  it('answers nothing when only the signer is included', () => {
    const { signedData } = signed();
    const signer = signedData.certificates?.[0];
    if (!(signer instanceof pkijs.Certificate)) throw new Error('the builder includes the signer first');

    expect(otherCertificatesOf(signedData, signer)).toEqual([]);
  });
});
