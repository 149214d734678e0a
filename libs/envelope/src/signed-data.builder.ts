// The one place a CMS SignedData is built (envelopes, challenges, receipts): SHA-256, one signer by issuer and
// serial number, contentType + messageDigest + the caller's signed attributes in DER order, the signature made
// natively by node:crypto, the DER written here directly (byte for byte what pkijs wrote before).
import { createHash, KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, wrap } from './der';
import { childrenOf, readRoot, TAG_INTEGER, TAG_SEQUENCE } from './der-reader';
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
  const attributes = [
    signedAttribute(oid.OID_CONTENT_TYPE, new asn1js.ObjectIdentifier({ value: spec.contentType })),
    signedAttribute(oid.OID_MESSAGE_DIGEST, new asn1js.OctetString({ valueHex: sha256Of(spec.content) })),
    ...spec.attributes,
  ];
  // DER orders SET OF by encoding; OpenSSL re-encodes signed attributes before verifying, so order matters
  const sorted = attributes
    .map((a) => Buffer.from(a.toSchema().toBER(false)))
    .sort((x, y) => Buffer.compare(x, y));
  const attributesDer = Buffer.concat(sorted);
  const isRsa = spec.privateKey.asymmetricKeyType === 'rsa';
  // the signature covers the attributes as a SET OF (tag 0x31); they travel as [0] IMPLICIT (tag 0xa0)
  const toBeSigned = tlv(0x31, attributesDer);
  // PKCS#1 v1.5 for RSA, DER-encoded ECDSA for EC: node's defaults, and what CMS expects
  const signature = wrap(EnvelopeErrorCode.INVALID_KEY, `could not sign with the ${spec.who} key`, () =>
    sign('sha256', toBeSigned, spec.privateKey),
  );
  const certificate = certificateDer(spec.certificate, spec.who);
  const sha256Algorithm = tlv(0x30, OID_SHA256_DER);
  const signerInfo = tlv(
    0x30,
    INTEGER_1,
    issuerAndSerialNumberOf(certificate, spec.who),
    sha256Algorithm,
    tlv(0xa0, attributesDer),
    isRsa ? SHA256_WITH_RSA_ALGORITHM : ECDSA_WITH_SHA256_ALGORITHM,
    tlv(0x04, signature),
  );
  // RFC 5652 §5.1: version 1 for id-data content with issuer-and-serial signers, 3 for any other content
  const version = spec.contentType === oid.OID_DATA ? INTEGER_1 : INTEGER_3;
  const signedData = tlv(
    0x30,
    version,
    tlv(0x31, sha256Algorithm),
    // eContent as one primitive OCTET STRING, never split into a constructed (BER) one
    tlv(0x30, oidDer(spec.contentType), tlv(0xa0, tlv(0x04, spec.content))),
    tlv(0xa0, certificate, ...(spec.chain ?? []).map((c) => certificateDer(c, 'chain'))),
    tlv(0x31, signerInfo),
  );
  return new Uint8Array(tlv(0x30, OID_SIGNED_DATA_DER, tlv(0xa0, signedData)));
}

// DER written directly (pkijs re-parsed and re-encoded every certificate on each call: about 1 ms a signature)

const INTEGER_1 = Buffer.from([0x02, 0x01, 0x01]);
const INTEGER_3 = Buffer.from([0x02, 0x01, 0x03]);
const OID_SHA256_DER = oidDer(oid.OID_SHA256);
const OID_SIGNED_DATA_DER = oidDer(oid.OID_SIGNED_DATA);
const SHA256_WITH_RSA_ALGORITHM = tlv(0x30, oidDer(oid.OID_SHA256_WITH_RSA), Buffer.from([0x05, 0x00]));
const ECDSA_WITH_SHA256_ALGORITHM = tlv(0x30, oidDer(oid.OID_ECDSA_WITH_SHA256));

/** one DER element: tag, definite length, the parts as its value */
function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
  let header: number[];
  if (length < 0x80) {
    header = [tag, length];
  } else {
    const octets: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest & 0xff);
    header = [tag, 0x80 | octets.length, ...octets];
  }
  return Buffer.concat([Buffer.from(header), ...parts], header.length + length);
}

function oidDer(dotted: string): Buffer {
  return Buffer.from(new asn1js.ObjectIdentifier({ value: dotted }).toBER(false));
}

function certificateDer(certificate: pkijs.Certificate | Uint8Array, who: string): Uint8Array {
  if (certificate instanceof Uint8Array) {
    // must be one DER certificate: its TBSCertificate is read for the signer identifier
    wrap(EnvelopeErrorCode.MALFORMED_DER, `${who} certificate is not DER`, () => readRoot(certificate));
    return certificate;
  }
  return new Uint8Array(certificate.toSchema().toBER(false));
}

/** IssuerAndSerialNumber of a DER certificate: its TBSCertificate's issuer Name and serial INTEGER, as encoded */
function issuerAndSerialNumberOf(certificate: Uint8Array, who: string): Buffer {
  return wrap(EnvelopeErrorCode.MALFORMED_DER, `${who} certificate is not readable`, () => {
    const tbs = childrenOf(certificate, readRoot(certificate))[0];
    const fields = childrenOf(certificate, tbs);
    // [0] EXPLICIT version is optional (v1 certificates have none)
    const at = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = fields[at];
    const issuer = fields[at + 2];
    if (serial?.tag !== TAG_INTEGER || issuer?.tag !== TAG_SEQUENCE) {
      throw new Error('no serial number and issuer');
    }
    return tlv(
      0x30,
      certificate.subarray(issuer.start, issuer.end),
      certificate.subarray(serial.start, serial.end),
    );
  });
}
