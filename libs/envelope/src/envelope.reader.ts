// The fast structural parse of an envelope (docs/envelope.md §1) on the strict DER reader: one pass over the
// headers, byte ranges of the input instead of copies, and the same EnvelopeErrorCode per failure as the pkijs
// parse in verify.ts. What DER forbids but BER allows, and the rare shapes the fast path does not model (other
// certificate choices, CRLs, a signer named only up to string case), throw `NotDerError` so the caller can
// hand the input to the pkijs parse.
import { sha256Hex } from './der';
import {
  checkTree,
  childrenOf,
  decodeOid,
  DerError,
  NotDerError,
  readRoot,
  TAG_CONTEXT_0,
  TAG_CONTEXT_1,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_SET,
  TAG_UTF8_STRING,
  Tlv,
} from './der-reader';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { KnownCertificate, KnownCertificates } from './known-certificates';
import { decodeManifest } from './manifest';
import * as oid from './oids';
import type { ParsedEnvelope } from './verify';

/** [0] IMPLICIT primitive: SignerIdentifier subjectKeyIdentifier */
const TAG_CONTEXT_0_PRIMITIVE = 0x80;

/** where certificates sit below the root: ContentInfo > [0] > SignedData > [0] certificates > Certificate */
const CERTIFICATE_DEPTH = 4;

/**
 * Certificates that passed this parse before (process-wide): their octets are neither walked nor hashed again.
 * Only certificates read at CERTIFICATE_DEPTH by a parse that succeeded are remembered, so skipping the same
 * octets at that depth gives the walk's own result.
 */
export const KNOWN_CERTIFICATES = new KnownCertificates();

const knownCertificate = (bytes: Uint8Array, start: number, end: number, depth: number): boolean =>
  depth === CERTIFICATE_DEPTH &&
  bytes[start] === TAG_SEQUENCE &&
  KNOWN_CERTIFICATES.find(bytes, start, end) !== undefined;

interface RawAttribute {
  type: string;
  values: Tlv[];
}

interface RawSignerInfo {
  /** IssuerAndSerialNumber parts, absent for a subjectKeyIdentifier */
  issuer?: Tlv;
  serial?: Tlv;
  digestAlgorithm: string;
  signedAttrs?: Tlv;
  attributes: RawAttribute[];
  signatureAlgorithm: string;
  signature: Tlv;
}

interface RawCertificate {
  whole: Tlv;
  issuerStart: number;
  issuerEnd: number;
  serialStart: number;
  serialEnd: number;
  /** set when the octets are those of a certificate read before */
  known?: KnownCertificate;
}

interface RawSignedData {
  eContentType: string;
  eContent?: Tlv;
  certificates: RawCertificate[];
  signerInfos: RawSignerInfo[];
}

/** Parses an envelope's outer SignedData; throws EnvelopeError, or NotDerError for the pkijs parse to take. */
export function readEnvelope(der: Uint8Array): ParsedEnvelope {
  const signedData = malformedUnless('envelope is not valid DER', () => {
    const root = readRoot(der);
    checkTree(der, root, 0, knownCertificate);
    return root;
  });
  const raw = readSignedDataShape(der, signedData);
  const { eContent } = raw;
  if (raw.eContentType !== oid.OID_ENVELOPED_DATA || !eContent) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE,
      'encapsulated content is not an EnvelopedData',
    );
  }
  if (eContent.tag !== TAG_OCTET_STRING) {
    throw new EnvelopeError(EnvelopeErrorCode.MALFORMED_DER, 'eContent is malformed');
  }
  if (raw.signerInfos.length === 0) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNER_INFO_MISSING, 'SignedData has no SignerInfo');
  }
  if (raw.signerInfos.length > 1) {
    throw new EnvelopeError(EnvelopeErrorCode.MULTIPLE_SIGNERS, 'SignedData has more than one SignerInfo');
  }
  const signerInfo = raw.signerInfos[0];
  if (signerInfo.digestAlgorithm !== oid.OID_SHA256) {
    throw new EnvelopeError(EnvelopeErrorCode.UNSUPPORTED_ALGORITHM, 'digest algorithm is not SHA-256');
  }
  const attributes = readSignedAttributes(der, signerInfo);
  const manifest = decodeManifest(attributes.manifestBytes);
  const signerIndex = findSignerCertificate(der, raw, signerInfo);
  const content = der.subarray(eContent.valueStart, eContent.end);
  const signer = raw.certificates[signerIndex];
  const signerDer = der.subarray(signer.whole.start, signer.whole.end);
  let signerSha256 = '';
  for (const certificate of raw.certificates) {
    const known =
      certificate.known ??
      KNOWN_CERTIFICATES.remember(der, certificate.whole.start, certificate.whole.end, certificate);
    if (certificate === signer) signerSha256 = known.sha256;
  }
  return {
    manifest,
    manifestBytes: attributes.manifestBytes,
    manifestSha256: sha256Hex(attributes.manifestBytes),
    signerCertificate: { der: signerDer, sha256: signerSha256 },
    otherCertificates: raw.certificates
      .filter((_, i) => i !== signerIndex)
      .map((c) => der.subarray(c.whole.start, c.whole.end)),
    content,
    contentSha256: sha256Hex(content),
    signature: {
      signedAttributes: attributes.encoded,
      messageDigest: attributes.messageDigest,
      algorithm: signerInfo.signatureAlgorithm,
      value: der.subarray(signerInfo.signature.valueStart, signerInfo.signature.end),
    },
  };
}

/** ContentInfo → SignedData, every field's shape checked (MALFORMED_DER) before any meaning is. */
function readSignedDataShape(der: Uint8Array, root: Tlv): RawSignedData {
  const content = malformedUnless('envelope is not a CMS ContentInfo', () => {
    const parts = sequenceOf(der, root);
    const contentType = parts[0];
    const explicit = parts[1];
    must(contentType?.tag === TAG_OID && explicit?.tag === TAG_CONTEXT_0 && parts.length === 2);
    const inner = childrenOf(der, explicit);
    must(inner.length === 1);
    return { contentType: decodeOid(der, contentType), value: inner[0] };
  });
  if (content.contentType !== oid.OID_SIGNED_DATA) {
    throw new EnvelopeError(
      EnvelopeErrorCode.NOT_SIGNED_DATA,
      `envelope content type is ${content.contentType}, not SignedData`,
    );
  }
  return malformedUnless('envelope SignedData is malformed', () => {
    const fields = sequenceOf(der, content.value);
    let i = 0;
    const next = (): Tlv | undefined => fields[i];
    must(next()?.tag === TAG_INTEGER);
    i += 1;
    const digestAlgorithms = fields[i++];
    must(digestAlgorithms?.tag === TAG_SET);
    childrenOf(der, digestAlgorithms).forEach((a) => algorithmOf(der, a));
    const encap = fields[i++];
    must(encap?.tag === TAG_SEQUENCE);
    const encapParts = childrenOf(der, encap);
    const eContentType = encapParts[0];
    const eContentExplicit = encapParts[1] as Tlv | undefined;
    must(eContentType?.tag === TAG_OID && encapParts.length <= 2);
    let eContent: Tlv | undefined;
    if (eContentExplicit) {
      must(eContentExplicit.tag === TAG_CONTEXT_0);
      const inner = childrenOf(der, eContentExplicit);
      must(inner.length === 1);
      eContent = inner[0];
    }
    let certificates: RawCertificate[] = [];
    if (next()?.tag === TAG_CONTEXT_0) {
      certificates = childrenOf(der, fields[i++]).map((c) => certificateOf(der, c));
    }
    if (next()?.tag === TAG_CONTEXT_1) throw new NotDerError('CRLs are left to the pkijs parse');
    const signerInfos = fields[i++];
    must(signerInfos?.tag === TAG_SET && i === fields.length);
    return {
      eContentType: decodeOid(der, eContentType),
      eContent,
      certificates,
      signerInfos: childrenOf(der, signerInfos).map((s) => signerInfoOf(der, s)),
    };
  });
}

function certificateOf(der: Uint8Array, whole: Tlv): RawCertificate {
  const known = KNOWN_CERTIFICATES.find(der, whole.start, whole.end);
  if (known) {
    const { start } = whole;
    return {
      whole,
      issuerStart: start + known.issuerStart,
      issuerEnd: start + known.issuerEnd,
      serialStart: start + known.serialStart,
      serialEnd: start + known.serialEnd,
      known,
    };
  }
  if (whole.tag !== TAG_SEQUENCE) {
    if ((whole.tag & 0xc0) === 0x80) throw new NotDerError('other certificate choices go to the pkijs parse');
    throw new DerError(`certificate at ${whole.start} is not a SEQUENCE`);
  }
  const [tbs, signatureAlgorithm, signature, ...rest] = childrenOf(der, whole);
  must(tbs?.tag === TAG_SEQUENCE && signature?.tag === 0x03 && rest.length === 0);
  algorithmOf(der, signatureAlgorithm);
  const fields = childrenOf(der, tbs);
  let i = fields[0]?.tag === TAG_CONTEXT_0 ? 1 : 0;
  const serial = fields[i++];
  must(serial?.tag === TAG_INTEGER);
  algorithmOf(der, fields[i++]);
  const issuer = fields[i++];
  const validity = fields[i++];
  const subject = fields[i++];
  const publicKey = fields[i++];
  for (const part of [issuer, validity, subject, publicKey]) must(part?.tag === TAG_SEQUENCE);
  return {
    whole,
    issuerStart: issuer.start,
    issuerEnd: issuer.end,
    serialStart: serial.start,
    serialEnd: serial.end,
  };
}

function signerInfoOf(der: Uint8Array, tlv: Tlv): RawSignerInfo {
  must(tlv.tag === TAG_SEQUENCE);
  const fields = childrenOf(der, tlv);
  let i = 0;
  must(fields[i++]?.tag === TAG_INTEGER);
  const sid = fields[i++];
  let issuer: Tlv | undefined;
  let serial: Tlv | undefined;
  if (sid?.tag === TAG_SEQUENCE) {
    const sidParts = childrenOf(der, sid);
    const name = sidParts[0];
    const number = sidParts[1];
    must(name?.tag === TAG_SEQUENCE && number?.tag === TAG_INTEGER && sidParts.length === 2);
    issuer = name;
    serial = number;
  } else {
    must(sid?.tag === TAG_CONTEXT_0_PRIMITIVE);
  }
  const digestAlgorithm = algorithmOf(der, fields[i++]);
  let signedAttrs: Tlv | undefined;
  let attributes: RawAttribute[] = [];
  if (fields[i]?.tag === TAG_CONTEXT_0) {
    signedAttrs = fields[i++];
    attributes = childrenOf(der, signedAttrs).map((a) => attributeOf(der, a));
  }
  const signatureAlgorithm = algorithmOf(der, fields[i++]);
  const signature = fields[i++];
  must(signature?.tag === TAG_OCTET_STRING);
  if (fields[i]?.tag === TAG_CONTEXT_1) i += 1;
  must(i === fields.length);
  return { issuer, serial, digestAlgorithm, signedAttrs, attributes, signatureAlgorithm, signature };
}

function attributeOf(der: Uint8Array, tlv: Tlv): RawAttribute {
  const parts = sequenceOf(der, tlv);
  const type = parts[0];
  const values = parts[1];
  must(type?.tag === TAG_OID && values?.tag === TAG_SET && parts.length === 2);
  return { type: decodeOid(der, type), values: childrenOf(der, values) };
}

/** AlgorithmIdentifier: SEQUENCE { OID, parameters OPTIONAL }; the dotted OID */
function algorithmOf(der: Uint8Array, tlv: Tlv | undefined): string {
  must(tlv?.tag === TAG_SEQUENCE);
  const parts = childrenOf(der, tlv as Tlv);
  const algorithm = parts[0];
  must(algorithm?.tag === TAG_OID && parts.length <= 2);
  return decodeOid(der, algorithm);
}

interface SignedAttributes {
  encoded: Uint8Array;
  messageDigest: Uint8Array;
  manifestBytes: Uint8Array;
}

/** the checks of verify.ts readSignedAttributes, in the same order and with the same codes */
function readSignedAttributes(der: Uint8Array, signerInfo: RawSignerInfo): SignedAttributes {
  const { signedAttrs, attributes } = signerInfo;
  if (!signedAttrs) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      'SignerInfo has no signed attributes',
    );
  }
  const contentType = single(attributes, oid.OID_CONTENT_TYPE, EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING);
  if (contentType.tag !== TAG_OID || decodeOidOrEmpty(der, contentType) !== oid.OID_ENVELOPED_DATA) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNATURE_INVALID,
      'content-type attribute does not match the content',
    );
  }
  const messageDigest = single(
    attributes,
    oid.OID_MESSAGE_DIGEST,
    EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
  );
  if (messageDigest.tag !== TAG_OCTET_STRING) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      'message-digest attribute is not an OCTET STRING',
    );
  }
  const manifest = single(attributes, oid.OID_MANIFEST_ATTRIBUTE, EnvelopeErrorCode.MANIFEST_MISSING);
  if (manifest.tag !== TAG_UTF8_STRING) {
    throw new EnvelopeError(EnvelopeErrorCode.MANIFEST_INVALID, 'manifest attribute is not a UTF8String');
  }
  // the signature covers the attributes as received, re-tagged from [0] IMPLICIT to SET OF
  // a copy (`der` may be a Buffer, whose own slice() would be a view), in memory from Buffer's pool: a
  // typed array of its own would cost a fresh backing store per envelope
  const encoded = Buffer.allocUnsafe(signedAttrs.end - signedAttrs.start);
  encoded.set(der.subarray(signedAttrs.start, signedAttrs.end));
  encoded[0] = TAG_SET;
  return {
    encoded,
    messageDigest: der.subarray(messageDigest.valueStart, messageDigest.end),
    manifestBytes: der.subarray(manifest.valueStart, manifest.end),
  };
}

function single(attributes: RawAttribute[], type: string, missing: EnvelopeErrorCode): Tlv {
  const found = attributes.filter((a) => a.type === type);
  if (found.length === 0) throw new EnvelopeError(missing, `signed attribute ${type} is missing`);
  if (found.length > 1 || found[0].values.length !== 1) {
    throw new EnvelopeError(
      EnvelopeErrorCode.MALFORMED_DER,
      `signed attribute ${type} must have exactly one value`,
    );
  }
  return found[0].values[0];
}

/** index of the certificate named by the SignerInfo's issuer and serial number, compared as octets */
function findSignerCertificate(der: Uint8Array, raw: RawSignedData, signerInfo: RawSignerInfo): number {
  const { issuer, serial } = signerInfo;
  if (issuer && serial) {
    let sameSerial = false;
    for (let index = 0; index < raw.certificates.length; index += 1) {
      const c = raw.certificates[index];
      if (!sameRange(der, c.serialStart, c.serialEnd, serial.start, serial.end)) continue;
      if (sameRange(der, c.issuerStart, c.issuerEnd, issuer.start, issuer.end)) return index;
      sameSerial = true;
    }
    // pkijs compares names after string normalisation; leave such a near match to it
    if (sameSerial) throw new NotDerError('signer named differently from its certificate');
  }
  throw new EnvelopeError(
    EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING,
    'the signer certificate is not in the envelope',
  );
}

/** true when bytes[aStart, aEnd) and bytes[bStart, bEnd) hold the same octets */
function sameRange(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i += 1) if (bytes[aStart + i] !== bytes[bStart + i]) return false;
  return true;
}

function decodeOidOrEmpty(der: Uint8Array, tlv: Tlv): string {
  try {
    return decodeOid(der, tlv);
  } catch {
    return '';
  }
}

function sequenceOf(der: Uint8Array, tlv: Tlv): Tlv[] {
  must(tlv.tag === TAG_SEQUENCE);
  return childrenOf(der, tlv);
}

function must(condition: boolean): void {
  if (!condition) throw new DerError('unexpected element');
}

function malformedUnless<T>(message: string, step: () => T): T {
  try {
    return step();
  } catch (cause) {
    if (cause instanceof DerError)
      throw new EnvelopeError(EnvelopeErrorCode.MALFORMED_DER, message, { cause });
    throw cause;
  }
}
