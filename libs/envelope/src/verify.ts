import { KeyObject, verify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodeDer, sameIssuerAndSerial, sha256Hex, wrap } from './der';
import { NotDerError } from './der-reader';
import { readEnvelope } from './envelope.reader';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { decodeManifest, ENVELOPE_LIMITS, Manifest } from './manifest';
import * as oid from './oids';

export interface SignerCertificate {
  /** DER of the certificate the SignerInfo points at */
  der: Uint8Array;
  /** hex SHA-256 of `der`: the cache key for parsed certificates and chain results */
  sha256: string;
}

/** What `parseEnvelope` extracts; nothing in it is trusted until `verifySignature` has passed. */
export interface ParsedEnvelope {
  manifest: Manifest;
  /** the exact signed manifest bytes (canonical JSON) */
  manifestBytes: Uint8Array;
  manifestSha256: string;
  signerCertificate: SignerCertificate;
  /** DER of the other certificates in the SignedData (intermediate CAs a verifier may chain through) */
  otherCertificates: Uint8Array[];
  /** DER of the encapsulated EnvelopedData */
  content: Uint8Array;
  /** hex SHA-256 of `content` */
  contentSha256: string;
  signature: {
    /** signed attributes re-tagged as SET OF (the bytes the signature covers) */
    signedAttributes: Uint8Array;
    messageDigest: Uint8Array;
    algorithm: string;
    value: Uint8Array;
  };
}

export type VerifiedEnvelope = ParsedEnvelope;

/**
 * Structural parse of the outer SignedData; no signature check and no private key (intake's first step).
 * Byte fields may be views into `der`: keep `der` unchanged while the result is in use.
 */
export function parseEnvelope(der: Uint8Array): ParsedEnvelope {
  if (der.byteLength > ENVELOPE_LIMITS.maxEnvelopeBytes) {
    throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, 'envelope is larger than the size limit');
  }
  try {
    return readEnvelope(der);
  } catch (error) {
    // BER that is not DER (indefinite or long-form lengths, chunked strings) is still accepted (§1)
    if (error instanceof NotDerError) return parseEnvelopeWithPkijs(der);
    throw error;
  }
}

/** The reference parse on asn1js + pkijs: the differential oracle of the fast path and the BER fallback. */
export function parseEnvelopeWithPkijs(der: Uint8Array): ParsedEnvelope {
  if (der.byteLength > ENVELOPE_LIMITS.maxEnvelopeBytes) {
    throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, 'envelope is larger than the size limit');
  }
  const signedData = readSignedData(der, 'envelope');
  const content = readContent(
    signedData,
    oid.OID_ENVELOPED_DATA,
    'encapsulated content is not an EnvelopedData',
  );
  const signerInfo = onlySignerInfo(signedData);
  const attributes = readSignedAttributes(signerInfo);
  const manifest = decodeManifest(attributes.manifestBytes);
  const certificate = findSignerCertificate(signedData, signerInfo, 'envelope');
  return {
    manifest,
    manifestBytes: attributes.manifestBytes,
    manifestSha256: sha256Hex(attributes.manifestBytes),
    signerCertificate: signerCertificateOf(certificate),
    otherCertificates: otherCertificatesOf(signedData, certificate),
    content,
    contentSha256: sha256Hex(content),
    signature: {
      signedAttributes: attributes.encoded,
      messageDigest: attributes.messageDigest,
      algorithm: signerInfo.signatureAlgorithm.algorithmId,
      value: signerInfo.signature.valueBlock.valueHexView.slice(),
    },
  };
}

/**
 * Checks the signature of a parsed envelope against its signer certificate. Pass `publicKey` when the
 * caller already holds the key for `parsed.signerCertificate.sha256` (a cache hit skips certificate parsing).
 * Says nothing about the certificate's chain, validity or revocation: that is the caller's policy.
 */
export function verifySignature(parsed: ParsedEnvelope, options: { publicKey?: KeyObject } = {}): void {
  const { signature } = parsed;
  if (!isHexOf(signature.messageDigest, parsed.contentSha256)) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'message digest does not match the content');
  }
  checkSignerSignature(parsed.signerCertificate.der, signature, options.publicKey);
}

const HEX_DIGITS = '0123456789abcdef';

/** true when `hex` is the lower-case hex form of `bytes` (compared in place, nothing allocated) */
function isHexOf(bytes: Uint8Array, hex: string): boolean {
  if (hex.length !== bytes.byteLength * 2) return false;
  for (let i = 0; i < bytes.byteLength; i += 1) {
    const b = bytes[i];
    if (hex.charCodeAt(2 * i) !== HEX_DIGITS.charCodeAt(b >> 4)) return false;
    if (hex.charCodeAt(2 * i + 1) !== HEX_DIGITS.charCodeAt(b & 0x0f)) return false;
  }
  return true;
}

/**
 * Checks a SignerInfo signature over its signed attributes with the signer certificate's key (or `publicKey`
 * when the caller already holds it): the algorithm must fit the key, and the signature must verify.
 */
export function checkSignerSignature(
  signerDer: Uint8Array,
  signature: { signedAttributes: Uint8Array; algorithm: string; value: Uint8Array },
  publicKey?: KeyObject,
): void {
  const key =
    publicKey ??
    wrap(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      'signer public key is not usable',
      () => new X509Certificate(signerDer).publicKey,
    );
  checkSignatureAlgorithm(key, signature.algorithm);
  const ok = wrap(EnvelopeErrorCode.SIGNATURE_INVALID, 'signature does not verify', () =>
    verify('sha256', signature.signedAttributes, key, signature.value),
  );
  if (!ok) throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'signature does not verify');
}

/** the DER of a certificate found in a SignedData, with its SHA-256 */
export function signerCertificateOf(certificate: pkijs.Certificate): SignerCertificate {
  const der = new Uint8Array(certificate.toSchema().toBER(false));
  return { der, sha256: sha256Hex(der) };
}

/** `parseEnvelope` then `verifySignature`: everything intake needs, with no private key. */
export function verifyEnvelope(der: Uint8Array): VerifiedEnvelope {
  const parsed = parseEnvelope(der);
  verifySignature(parsed);
  return parsed;
}

/** the SignedData of a DER ContentInfo; `what` names the input in error messages */
export function readSignedData(der: Uint8Array, what: string): pkijs.SignedData {
  const asn1 = decodeDer(der, what);
  const contentInfo = wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    `${what} is not a CMS ContentInfo`,
    () => new pkijs.ContentInfo({ schema: asn1 }),
  );
  if (contentInfo.contentType !== oid.OID_SIGNED_DATA) {
    throw new EnvelopeError(
      EnvelopeErrorCode.NOT_SIGNED_DATA,
      `${what} content type is ${contentInfo.contentType}, not SignedData`,
    );
  }
  return wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    `${what} SignedData is malformed`,
    () => new pkijs.SignedData({ schema: contentInfo.content }),
  );
}

/** the encapsulated content, which must be present and of `contentType` */
export function readContent(signedData: pkijs.SignedData, contentType: string, message: string): Uint8Array {
  const { eContentType, eContent } = signedData.encapContentInfo;
  if (eContentType !== contentType || !eContent) {
    throw new EnvelopeError(EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE, message);
  }
  // getValue() also joins a constructed (BER) OCTET STRING
  return wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    'eContent is malformed',
    () => new Uint8Array(eContent.getValue()),
  );
}

export function onlySignerInfo(signedData: pkijs.SignedData): pkijs.SignerInfo {
  if (signedData.signerInfos.length === 0) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNER_INFO_MISSING, 'SignedData has no SignerInfo');
  }
  if (signedData.signerInfos.length > 1) {
    throw new EnvelopeError(EnvelopeErrorCode.MULTIPLE_SIGNERS, 'SignedData has more than one SignerInfo');
  }
  const signerInfo = signedData.signerInfos[0];
  if (signerInfo.digestAlgorithm.algorithmId !== oid.OID_SHA256) {
    throw new EnvelopeError(EnvelopeErrorCode.UNSUPPORTED_ALGORITHM, 'digest algorithm is not SHA-256');
  }
  return signerInfo;
}

interface SignedAttributes {
  encoded: Uint8Array;
  messageDigest: Uint8Array;
  manifestBytes: Uint8Array;
}

function readSignedAttributes(signerInfo: pkijs.SignerInfo): SignedAttributes {
  const attrs = signedAttributesOf(signerInfo, oid.OID_ENVELOPED_DATA);
  const messageDigest = messageDigestOf(attrs);
  const manifest = single(attrs, oid.OID_MANIFEST_ATTRIBUTE, EnvelopeErrorCode.MANIFEST_MISSING);
  if (!(manifest instanceof asn1js.Utf8String)) {
    throw new EnvelopeError(EnvelopeErrorCode.MANIFEST_INVALID, 'manifest attribute is not a UTF8String');
  }
  return {
    // pkijs keeps the received bytes with the [0] tag already replaced by SET OF
    encoded: new Uint8Array(attrs.encodedValue),
    messageDigest: messageDigest.valueBlock.valueHexView.slice(),
    manifestBytes: manifest.valueBlock.valueHexView.slice(),
  };
}

/**
 * The signed attributes of `signerInfo`, which must be present and carry one content-type attribute naming
 * `contentType` (SIGNATURE_INVALID with `mismatch` otherwise).
 */
export function signedAttributesOf(
  signerInfo: pkijs.SignerInfo,
  contentType: string,
  mismatch = 'content-type attribute does not match the content',
): pkijs.SignedAndUnsignedAttributes {
  const attrs = signerInfo.signedAttrs;
  if (!attrs || attrs.encodedValue.byteLength === 0) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      'SignerInfo has no signed attributes',
    );
  }
  const attribute = single(attrs, oid.OID_CONTENT_TYPE, EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING);
  if (!(attribute instanceof asn1js.ObjectIdentifier) || attribute.getValue() !== contentType) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, mismatch);
  }
  return attrs;
}

/** the one message-digest attribute of `attrs`, which must be an OCTET STRING */
export function messageDigestOf(attrs: pkijs.SignedAndUnsignedAttributes): asn1js.OctetString {
  const messageDigest = single(attrs, oid.OID_MESSAGE_DIGEST, EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING);
  if (!(messageDigest instanceof asn1js.OctetString)) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      'message-digest attribute is not an OCTET STRING',
    );
  }
  return messageDigest;
}

/**
 * Checks the signature of `signerInfo` over its signed attributes `attrs` with the signer certificate included
 * in `signedData` (SIGNER_CERTIFICATE_MISSING names `what` when it is not there); returns that certificate.
 */
export function checkIncludedSigner(
  signedData: pkijs.SignedData,
  signerInfo: pkijs.SignerInfo,
  attrs: pkijs.SignedAndUnsignedAttributes,
  what: string,
): { certificate: pkijs.Certificate; signerCertificate: SignerCertificate } {
  const certificate = findSignerCertificate(signedData, signerInfo, what);
  const signerCertificate = signerCertificateOf(certificate);
  checkSignerSignature(signerCertificate.der, {
    // pkijs keeps the received bytes with the [0] tag already replaced by SET OF
    signedAttributes: new Uint8Array(attrs.encodedValue),
    algorithm: signerInfo.signatureAlgorithm.algorithmId,
    value: signerInfo.signature.valueBlock.valueHexView,
  });
  return { certificate, signerCertificate };
}

/** the DER of every certificate in `signedData` other than `signer` */
export function otherCertificatesOf(signedData: pkijs.SignedData, signer: pkijs.Certificate): Uint8Array[] {
  return (signedData.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate && c !== signer)
    .map((c) => new Uint8Array(c.toSchema().toBER(false)));
}

export function single(
  attrs: pkijs.SignedAndUnsignedAttributes,
  type: string,
  missing: EnvelopeErrorCode,
): asn1js.AsnType {
  const found = attrs.attributes.filter((a) => a.type === type);
  if (found.length === 0) throw new EnvelopeError(missing, `signed attribute ${type} is missing`);
  if (found.length > 1 || found[0].values.length !== 1) {
    throw new EnvelopeError(
      EnvelopeErrorCode.MALFORMED_DER,
      `signed attribute ${type} must have exactly one value`,
    );
  }
  return found[0].values[0];
}

export function findSignerCertificate(
  signedData: pkijs.SignedData,
  signerInfo: pkijs.SignerInfo,
  what: string,
): pkijs.Certificate {
  const sid: unknown = signerInfo.sid;
  const match =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? (signedData.certificates ?? []).find(
          (c): c is pkijs.Certificate => c instanceof pkijs.Certificate && sameIssuerAndSerial(sid, c),
        )
      : undefined;
  if (!match) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING,
      `the signer certificate is not in the ${what}`,
    );
  }
  return match;
}

function checkSignatureAlgorithm(key: KeyObject, algorithm: string): void {
  const ok =
    key.asymmetricKeyType === 'rsa'
      ? algorithm === oid.OID_SHA256_WITH_RSA || algorithm === oid.OID_RSA_ENCRYPTION
      : key.asymmetricKeyType === 'ec' && algorithm === oid.OID_ECDSA_WITH_SHA256;
  if (!ok) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      `signature algorithm ${algorithm} is not accepted for this key`,
    );
  }
}
