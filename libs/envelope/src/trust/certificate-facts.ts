// What the trust policy needs to know about one X.509 certificate, read once: node:crypto's X509Certificate for
// the key and signature checks, the strict DER reader (der-reader.ts) for everything else (names, serial,
// extensions, the signature algorithm). No pkijs: this runs on intake's hot path (once per certificate, then
// cached). Pure, no I/O.
import { KeyObject, X509Certificate } from 'node:crypto';
import { sha256Hex } from '../der';
import {
  childrenOf,
  decodeOid,
  readRoot,
  readTlv,
  TAG_BIT_STRING,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_SET,
  TAG_UTF8_STRING,
  type Tlv,
} from '../der-reader';
import { canonicalSerial, type KeyUsageName } from './trust-snapshot';

const TAG_BOOLEAN = 0x01;
const TAG_PRINTABLE_STRING = 0x13;
/** [0] EXPLICIT version in TBSCertificate */
const TAG_VERSION = 0xa0;
/** [3] EXPLICIT extensions in TBSCertificate */
const TAG_EXTENSIONS = 0xa3;

const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';

/** keyUsage bit numbers of RFC 5280 §4.2.1.3 */
export const KEY_USAGE_BITS: Readonly<Record<KeyUsageName, number>> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

/** certificate signature algorithms accepted: SHA-256 or stronger with RSA PKCS#1 v1.5 or ECDSA */
const STRONG_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13', // sha512WithRSAEncryption
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
]);

const WEAK_SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'MD2 (md2WithRSAEncryption)',
  '1.2.840.113549.1.1.4': 'MD5 (md5WithRSAEncryption)',
  '1.2.840.113549.1.1.5': 'SHA-1 (sha1WithRSAEncryption)',
  '1.3.14.3.2.29': 'SHA-1 (sha1WithRSASignature)',
  '1.2.840.10045.4.1': 'SHA-1 (ecdsa-with-SHA1)',
  '1.2.840.10040.4.3': 'SHA-1 (dsa-with-sha1)',
  '2.16.840.1.101.3.4.3.2': 'DSA (dsa-with-sha256)',
};

const MIN_RSA_BITS = 2048;
const SUPPORTED_CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384' };

/** One extension: where its extnValue contents are in the certificate DER. */
export interface ExtensionFacts {
  readonly critical: boolean;
  /** the OCTET STRING holding the extension's DER value */
  readonly value: Tlv;
}

export interface CertificateFacts {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly publicKey: KeyObject;
  /** lower-case hex SHA-256 of the DER */
  readonly sha256: string;
  /** validity, ms since the epoch, both inclusive */
  readonly notBefore: number;
  readonly notAfter: number;
  /** lower-case hex SHA-256 of the DER issuer and subject Names (name chaining compares these) */
  readonly issuerNameSha256: string;
  readonly subjectNameSha256: string;
  /** canonical serial (trust-snapshot.ts canonicalSerial) */
  readonly serialNumber: string;
  readonly subject: Tlv;
  readonly extensions: ReadonlyMap<string, ExtensionFacts>;
  /** basicConstraints cA */
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint, when present */
  readonly pathLen: number | undefined;
  /** keyUsage bits (1 << KEY_USAGE_BITS[name]); undefined when the extension is absent */
  readonly keyUsage: number | undefined;
  /** why the subject key is not accepted (undefined: RSA ≥ 2048, P-256 or P-384) */
  readonly keyProblem: string | undefined;
  /** why the certificate's own signature algorithm is not accepted (undefined: SHA-256 or stronger) */
  readonly signatureProblem: string | undefined;
}

/** The facts of a DER certificate, or undefined when it is not a readable X.509 certificate in strict DER. */
export function readCertificateFacts(der: Uint8Array): CertificateFacts | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return undefined;
  }
  try {
    return factsOf(der, x509);
  } catch {
    return undefined;
  }
}

/** issuer Name SHA-256 + canonical serial of a DER certificate (what a CRL entry names) */
export function revocationIdOf(certificateDer: Uint8Array): {
  issuerNameSha256: string;
  serialNumber: string;
} {
  const root = readRoot(certificateDer);
  const tbs = childrenOf(certificateDer, root)[0];
  if (tbs?.tag !== TAG_SEQUENCE) throw new Error('not an X.509 certificate: no TBSCertificate');
  const fields = tbsFields(certificateDer, tbs);
  return { issuerNameSha256: fields.issuerNameSha256, serialNumber: fields.serialNumber };
}

export function hasKeyUsage(facts: CertificateFacts, name: KeyUsageName): boolean {
  return facts.keyUsage !== undefined && (facts.keyUsage & (1 << KEY_USAGE_BITS[name])) !== 0;
}

/**
 * Every string value of attribute `oid` in the subject, in order. UTF8String and PrintableString values count;
 * values of other string types are skipped.
 */
export function subjectValues(facts: CertificateFacts, oid: string): string[] {
  const { der } = facts;
  const values: string[] = [];
  for (const rdn of childrenOf(der, facts.subject)) {
    if (rdn.tag !== TAG_SET) throw new Error('malformed subject RDN');
    for (const atv of childrenOf(der, rdn)) {
      const [type, value] = childrenOf(der, atv);
      if (type?.tag !== TAG_OID || !value) throw new Error('malformed subject attribute');
      if (decodeOid(der, type) !== oid) continue;
      const text = stringOf(der, value);
      if (text !== undefined) values.push(text);
    }
  }
  return values;
}

/**
 * The string values of extension `oid`: its extnValue is a UTF8String or PrintableString, or a SEQUENCE of them.
 * [] when the extension is absent; an Error when it holds anything else.
 */
export function extensionValues(facts: CertificateFacts, oid: string): string[] {
  const extension = facts.extensions.get(oid);
  if (!extension) return [];
  const { der } = facts;
  const inner = readTlv(der, extension.value.valueStart, extension.value.end);
  if (inner.end !== extension.value.end) throw new Error(`extension ${oid}: trailing bytes`);
  const elements = inner.tag === TAG_SEQUENCE ? childrenOf(der, inner) : [inner];
  return elements.map((element) => {
    const text = stringOf(der, element);
    if (text === undefined) throw new Error(`extension ${oid} holds no UTF8String or PrintableString`);
    return text;
  });
}

function factsOf(der: Uint8Array, x509: X509Certificate): CertificateFacts {
  const root = readRoot(der);
  if (root.tag !== TAG_SEQUENCE) throw new Error('not a SEQUENCE');
  const [tbs, signatureAlgorithm] = childrenOf(der, root);
  if (tbs?.tag !== TAG_SEQUENCE || signatureAlgorithm?.tag !== TAG_SEQUENCE)
    throw new Error('bad certificate');
  const algorithmOid = childrenOf(der, signatureAlgorithm)[0];
  if (algorithmOid?.tag !== TAG_OID) throw new Error('bad signature algorithm');
  const fields = tbsFields(der, tbs);
  const basicConstraints = fields.extensions.get(OID_BASIC_CONSTRAINTS);
  const { isCa, pathLen } = basicConstraints
    ? readBasicConstraints(der, basicConstraints.value)
    : { isCa: false, pathLen: undefined };
  const keyUsage = fields.extensions.get(OID_KEY_USAGE);
  const publicKey = x509.publicKey;
  return {
    der,
    x509,
    publicKey,
    sha256: sha256Hex(der),
    notBefore: new Date(x509.validFrom).getTime(),
    notAfter: new Date(x509.validTo).getTime(),
    issuerNameSha256: fields.issuerNameSha256,
    subjectNameSha256: sha256Hex(der.subarray(fields.subject.start, fields.subject.end)),
    serialNumber: fields.serialNumber,
    subject: fields.subject,
    extensions: fields.extensions,
    isCa,
    pathLen,
    keyUsage: keyUsage ? readKeyUsage(der, keyUsage.value) : undefined,
    keyProblem: keyProblemOf(publicKey),
    signatureProblem: signatureProblemOf(decodeOid(der, algorithmOid)),
  };
}

interface TbsFields {
  readonly serialNumber: string;
  readonly issuerNameSha256: string;
  readonly subject: Tlv;
  readonly extensions: Map<string, ExtensionFacts>;
}

function tbsFields(der: Uint8Array, tbs: Tlv): TbsFields {
  const parts = childrenOf(der, tbs);
  let at = parts[0]?.tag === TAG_VERSION ? 1 : 0;
  const serial = parts[at++];
  const signature = parts[at++];
  const issuer = parts[at++];
  const validity = parts[at++];
  const subject = parts[at++];
  const spki = parts[at++];
  if (
    serial?.tag !== TAG_INTEGER ||
    signature?.tag !== TAG_SEQUENCE ||
    issuer?.tag !== TAG_SEQUENCE ||
    validity?.tag !== TAG_SEQUENCE ||
    subject?.tag !== TAG_SEQUENCE ||
    spki?.tag !== TAG_SEQUENCE
  ) {
    throw new Error('malformed TBSCertificate');
  }
  const extensions = new Map<string, ExtensionFacts>();
  const container = parts.slice(at).find((part) => part.tag === TAG_EXTENSIONS);
  if (container) {
    const [list] = childrenOf(der, container);
    if (list?.tag !== TAG_SEQUENCE) throw new Error('malformed extensions');
    for (const extension of childrenOf(der, list)) {
      const fields = childrenOf(der, extension);
      const oid = fields[0];
      const value = fields[fields.length - 1];
      if (oid?.tag !== TAG_OID || value?.tag !== TAG_OCTET_STRING || fields.length > 3) {
        throw new Error('malformed extension');
      }
      const dotted = decodeOid(der, oid);
      if (extensions.has(dotted)) throw new Error(`extension ${dotted} appears twice`);
      const critical =
        fields.length === 3 && fields[1].tag === TAG_BOOLEAN && der[fields[1].valueStart] !== 0;
      extensions.set(dotted, { critical, value });
    }
  }
  return {
    serialNumber: canonicalSerial(Buffer.from(der.subarray(serial.valueStart, serial.end)).toString('hex')),
    issuerNameSha256: sha256Hex(der.subarray(issuer.start, issuer.end)),
    subject,
    extensions,
  };
}

function readBasicConstraints(der: Uint8Array, value: Tlv): { isCa: boolean; pathLen: number | undefined } {
  const sequence = readTlv(der, value.valueStart, value.end);
  if (sequence.tag !== TAG_SEQUENCE || sequence.end !== value.end) throw new Error('bad basicConstraints');
  let isCa = false;
  let pathLen: number | undefined;
  for (const field of childrenOf(der, sequence)) {
    if (field.tag === TAG_BOOLEAN) {
      isCa = der[field.valueStart] !== 0;
    } else if (field.tag === TAG_INTEGER) {
      const length = field.end - field.valueStart;
      if (length < 1 || length > 4 || (der[field.valueStart] & 0x80) !== 0) throw new Error('bad pathLen');
      pathLen = 0;
      for (let i = field.valueStart; i < field.end; i += 1) pathLen = pathLen * 256 + der[i];
    } else {
      throw new Error('bad basicConstraints');
    }
  }
  return { isCa, pathLen };
}

function readKeyUsage(der: Uint8Array, value: Tlv): number {
  const bits = readTlv(der, value.valueStart, value.end);
  if (bits.tag !== TAG_BIT_STRING || bits.end !== value.end || bits.end - bits.valueStart < 2) {
    throw new Error('bad keyUsage');
  }
  // first content octet: the number of unused bits; then the bits, digitalSignature (bit 0) first
  let mask = 0;
  for (let bit = 0; bit < 9 && bits.valueStart + 1 + (bit >> 3) < bits.end; bit += 1) {
    if ((der[bits.valueStart + 1 + (bit >> 3)] & (0x80 >> (bit & 7))) !== 0) mask |= 1 << bit;
  }
  return mask;
}

function keyProblemOf(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    return bits >= MIN_RSA_BITS
      ? undefined
      : `an RSA key of ${bits} bits (at least ${MIN_RSA_BITS} required)`;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    return SUPPORTED_CURVES[curve] ? undefined : `an EC key on curve ${curve} (P-256 or P-384 required)`;
  }
  return `a ${key.asymmetricKeyType ?? 'unknown'} key (RSA or EC P-256 required)`;
}

function signatureProblemOf(oid: string): string | undefined {
  if (STRONG_SIGNATURE_ALGORITHMS.has(oid)) return undefined;
  return WEAK_SIGNATURE_ALGORITHMS[oid] ?? `an unsupported signature algorithm (${oid})`;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function stringOf(der: Uint8Array, tlv: Tlv): string | undefined {
  const bytes = der.subarray(tlv.valueStart, tlv.end);
  if (tlv.tag === TAG_UTF8_STRING) return UTF8.decode(bytes);
  if (tlv.tag === TAG_PRINTABLE_STRING) return Buffer.from(bytes).toString('latin1');
  return undefined;
}
