// The one place a CMS SignedData is built (envelopes, challenges, receipts): SHA-256, one signer by issuer and
// serial number, contentType + messageDigest + the caller's signed attributes in DER order, the signature made
// natively by node:crypto, the DER written here directly (byte for byte what pkijs wrote before).
import { createHash, KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, wrap } from './der';
import { readRoot, TAG_CONTEXT_0, TAG_OCTET_STRING, TAG_SEQUENCE, TAG_SET } from './der-reader';
import { der, DerElement, DerPart, encodeDer, issuerAndSerialNumberElement, oidElement } from './der-writer';
import { EnvelopeErrorCode } from './envelope.errors';
import * as oid from './oids';

export interface SignedDataSpec {
  /** OID of the encapsulated content (id-data, id-envelopedData, …) */
  readonly contentType: string;
  readonly content: Uint8Array;
  /** signed attributes besides contentType and messageDigest, which are always added */
  readonly attributes: readonly pkijs.Attribute[];
  /** the signer's certificate, DER (or parsed, re-encoded here) */
  readonly certificate: Uint8Array | pkijs.Certificate;
  readonly privateKey: KeyObject;
  /** further certificates to include (intermediates) */
  readonly chain?: readonly (Uint8Array | pkijs.Certificate)[];
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
  return encodeDer(
    signedDataElement({
      contentType: spec.contentType,
      content: spec.content,
      contentDigest: createHash('sha256').update(spec.content).digest(),
      attributes: spec.attributes.map((a) => new Uint8Array(a.toSchema().toBER(false))),
      certificate: spec.certificate,
      privateKey: spec.privateKey,
      chain: spec.chain,
      who: spec.who,
    }),
  );
}

/** What `signedDataElement` signs: the content as DER parts, so a large one is written once and never joined. */
export interface SignedDataParts {
  readonly contentType: string;
  /** the eContent octets (for an envelope, the EnvelopedData element) */
  readonly content: DerPart;
  /** SHA-256 of the content octets, computed by the caller (who may need it too) */
  readonly contentDigest: Uint8Array;
  /** DER of each signed attribute besides contentType and messageDigest */
  readonly attributes: readonly Uint8Array[];
  readonly certificate: Uint8Array | pkijs.Certificate;
  readonly privateKey: KeyObject;
  readonly chain?: readonly (Uint8Array | pkijs.Certificate)[];
  readonly who: string;
}

/** ContentInfo(SignedData) over `parts.content` as a DER element: sized, not yet written. */
export function signedDataElement(parts: SignedDataParts): DerElement {
  const attributes = [
    encodeDer(attributeElement(oid.OID_CONTENT_TYPE, oidElement(parts.contentType))),
    encodeDer(attributeElement(oid.OID_MESSAGE_DIGEST, der(TAG_OCTET_STRING, parts.contentDigest))),
    ...parts.attributes,
  ];
  // DER orders SET OF by encoding; OpenSSL re-encodes signed attributes before verifying, so order matters
  const sorted = attributes.sort((x, y) => Buffer.compare(x, y));
  const isRsa = parts.privateKey.asymmetricKeyType === 'rsa';
  // the signature covers the attributes as a SET OF (tag 0x31); they travel as [0] IMPLICIT (tag 0xa0)
  const toBeSigned = encodeDer(der(TAG_SET, ...sorted));
  // PKCS#1 v1.5 for RSA, DER-encoded ECDSA for EC: node's defaults, and what CMS expects
  const signature = wrap(EnvelopeErrorCode.INVALID_KEY, `could not sign with the ${parts.who} key`, () =>
    sign('sha256', toBeSigned, parts.privateKey),
  );
  const certificate = certificateDer(parts.certificate, parts.who);
  const signerInfo = der(
    TAG_SEQUENCE,
    INTEGER_1,
    issuerAndSerialNumberOf(certificate, parts.who),
    SHA256_ALGORITHM,
    der(TAG_CONTEXT_0, ...sorted),
    isRsa ? SHA256_WITH_RSA_ALGORITHM : ECDSA_WITH_SHA256_ALGORITHM,
    der(TAG_OCTET_STRING, signature),
  );
  // RFC 5652 §5.1: version 1 for id-data content with issuer-and-serial signers, 3 for any other content
  const version = parts.contentType === oid.OID_DATA ? INTEGER_1 : INTEGER_3;
  const signedData = der(
    TAG_SEQUENCE,
    version,
    der(TAG_SET, SHA256_ALGORITHM),
    // eContent as one primitive OCTET STRING, never split into a constructed (BER) one
    der(
      TAG_SEQUENCE,
      oidElement(parts.contentType),
      der(TAG_CONTEXT_0, der(TAG_OCTET_STRING, parts.content)),
    ),
    der(TAG_CONTEXT_0, certificate, ...(parts.chain ?? []).map((c) => certificateDer(c, 'chain'))),
    der(TAG_SET, signerInfo),
  );
  return der(TAG_SEQUENCE, SIGNED_DATA_OID, der(TAG_CONTEXT_0, signedData));
}

/** An Attribute (SEQUENCE { type, SET OF one value }), as pkijs.Attribute writes it. */
export function attributeElement(type: string, value: DerPart): DerElement {
  return der(TAG_SEQUENCE, oidElement(type), der(TAG_SET, value));
}

// DER written directly (pkijs re-parsed and re-encoded every certificate on each call: about 1 ms a signature)

const INTEGER_1 = Uint8Array.of(0x02, 0x01, 0x01);
const INTEGER_3 = Uint8Array.of(0x02, 0x01, 0x03);
const SHA256_ALGORITHM = encodeDer(der(TAG_SEQUENCE, oidElement(oid.OID_SHA256)));
const SIGNED_DATA_OID = encodeDer(oidElement(oid.OID_SIGNED_DATA));
const SHA256_WITH_RSA_ALGORITHM = encodeDer(
  der(TAG_SEQUENCE, oidElement(oid.OID_SHA256_WITH_RSA), Uint8Array.of(0x05, 0x00)),
);
const ECDSA_WITH_SHA256_ALGORITHM = encodeDer(der(TAG_SEQUENCE, oidElement(oid.OID_ECDSA_WITH_SHA256)));

function certificateDer(certificate: pkijs.Certificate | Uint8Array, who: string): Uint8Array {
  if (certificate instanceof Uint8Array) {
    // must be one DER certificate: its TBSCertificate is read for the signer identifier
    wrap(EnvelopeErrorCode.MALFORMED_DER, `${who} certificate is not DER`, () => readRoot(certificate));
    return certificate;
  }
  return new Uint8Array(certificate.toSchema().toBER(false));
}

/** IssuerAndSerialNumber of a DER certificate: its TBSCertificate's issuer Name and serial INTEGER, as encoded */
function issuerAndSerialNumberOf(certificate: Uint8Array, who: string): DerElement {
  return wrap(EnvelopeErrorCode.MALFORMED_DER, `${who} certificate is not readable`, () =>
    issuerAndSerialNumberElement(certificate),
  );
}
