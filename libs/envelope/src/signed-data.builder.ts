// The one place a CMS SignedData is built (envelopes, challenges, and later receipts): SHA-256, one signer by
// issuer and serial number, contentType + messageDigest + the caller's signed attributes in DER order, the
// signature made natively by node:crypto over exactly the bytes pkijs will write.
import { createHash, KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, wrap } from './der';
import { EnvelopeErrorCode } from './envelope.errors';
import * as oid from './oids';

export interface SignedDataSpec {
  /** OID of the encapsulated content (id-data, id-envelopedData, …) */
  readonly contentType: string;
  readonly content: Uint8Array;
  /** signed attributes besides contentType and messageDigest, which are always added */
  readonly attributes: readonly pkijs.Attribute[];
  readonly certificate: pkijs.Certificate;
  readonly privateKey: KeyObject;
  /** further certificates to include (intermediates) */
  readonly chain?: readonly pkijs.Certificate[];
  /** who signs, for error messages: "sender", "signer" */
  readonly who: string;
}

export function signedAttribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

export function sha256Of(bytes: Uint8Array): ArrayBuffer {
  return toArrayBuffer(createHash('sha256').update(bytes).digest());
}

/** DER of ContentInfo(SignedData) over `spec.content`, encapsulated. */
export function buildSignedData(spec: SignedDataSpec): Uint8Array {
  const attributes = [
    signedAttribute(oid.OID_CONTENT_TYPE, new asn1js.ObjectIdentifier({ value: spec.contentType })),
    signedAttribute(oid.OID_MESSAGE_DIGEST, new asn1js.OctetString({ valueHex: sha256Of(spec.content) })),
    ...spec.attributes,
  ];
  // DER orders SET OF by encoding; OpenSSL re-encodes signed attributes before verifying, so order matters
  const sorted = attributes
    .map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map((x) => x.a);
  const toBeSigned = Buffer.from(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER(false));
  const isRsa = spec.privateKey.asymmetricKeyType === 'rsa';
  // PKCS#1 v1.5 for RSA, DER-encoded ECDSA for EC: node's defaults, and what CMS expects
  const signature = wrap(EnvelopeErrorCode.INVALID_KEY, `could not sign with the ${spec.who} key`, () =>
    sign('sha256', toBeSigned, spec.privateKey),
  );
  const cert = spec.certificate;
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oid.OID_SHA256 }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier(
      isRsa
        ? { algorithmId: oid.OID_SHA256_WITH_RSA, algorithmParams: new asn1js.Null() }
        : { algorithmId: oid.OID_ECDSA_WITH_SHA256 },
    ),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const encap = new pkijs.EncapsulatedContentInfo({ eContentType: spec.contentType });
  // assigned after construction so pkijs does not split it into a constructed (BER) OCTET STRING
  encap.eContent = new asn1js.OctetString({ valueHex: toArrayBuffer(spec.content) });
  const signedData = new pkijs.SignedData({
    // RFC 5652 §5.1: version 1 for id-data content with issuer-and-serial signers, 3 for any other content
    version: spec.contentType === oid.OID_DATA ? 1 : 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: oid.OID_SHA256 })],
    encapContentInfo: encap,
    certificates: [cert, ...(spec.chain ?? [])],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({
    contentType: oid.OID_SIGNED_DATA,
    content: signedData.toSchema(),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}
