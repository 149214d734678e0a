// Reading a CRL (RFC 5280 §5) an operator uploads or the fetcher downloads: structure, the extensions we
// accept, and the signature against a trust anchor's key. Not a hot path, so pkijs parses it; the signature is
// checked with node:crypto. Every refusal is a TrustError with a stable code.
import { canonicalSerial } from '@renkei/envelope';
import * as asn1js from 'asn1js';
import { createHash, verify, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { TrustError, TrustErrorCode } from './trust.errors';

const OID_CRL_NUMBER = '2.5.29.20';
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const OID_ISSUER_ALT_NAME = '2.5.29.18';
const OID_DELTA_CRL_INDICATOR = '2.5.29.27';
const OID_ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const OID_FRESHEST_CRL = '2.5.29.46';
const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_REASON_CODE = '2.5.29.21';
const OID_INVALIDITY_DATE = '2.5.29.24';
const OID_CERTIFICATE_ISSUER = '2.5.29.29';

const KNOWN_CRL_EXTENSIONS = new Set([
  OID_CRL_NUMBER,
  OID_AUTHORITY_KEY_IDENTIFIER,
  OID_ISSUER_ALT_NAME,
  OID_ISSUING_DISTRIBUTION_POINT,
  OID_FRESHEST_CRL,
  OID_AUTHORITY_INFO_ACCESS,
]);
const KNOWN_ENTRY_EXTENSIONS = new Set([OID_REASON_CODE, OID_INVALIDITY_DATE]);

/** signature algorithm OID → hash (RSA PKCS#1 v1.5 and ECDSA with SHA-2) */
const HASH_OF_SIGNATURE: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

export interface CrlEntry {
  /** lower-case hex, no leading zeros */
  readonly serialNumber: string;
  readonly revokedAt: Date;
  /** CRLReason code, 0 when the entry has none */
  readonly reason: number;
}

export interface ParsedCrl {
  readonly der: Uint8Array;
  /** lower-case hex SHA-256 of der */
  readonly sha256: string;
  /** DER of the issuer Name */
  readonly issuerName: Uint8Array;
  /** lower-case hex SHA-256 of issuerName (the revocation key's first half) */
  readonly issuerNameSha256: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  /** cRLNumber; null when the CRL carries none */
  readonly crlNumber: bigint | null;
  readonly entries: readonly CrlEntry[];
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
}

/** PEM ("X509 CRL") or DER bytes → DER; CRL_MALFORMED when PEM armour holds no CRL */
export function crlDerOf(body: Uint8Array): Uint8Array {
  const head = Buffer.from(body.subarray(0, 64)).toString('latin1');
  if (!head.includes('-----BEGIN')) return body;
  const text = Buffer.from(body).toString('latin1');
  const match = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(text);
  if (!match) throw malformed('the PEM body holds no "X509 CRL" block');
  return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

/** Parses and checks the structure of a DER CRL (signature not checked: see verifyCrlSignature). */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const crl = decode(der);
  if (crl.version !== 0 && crl.version !== 1) throw malformed(`CRL version ${crl.version} is not v1 or v2`);
  if (crl.signature.algorithmId !== crl.signatureAlgorithm.algorithmId) {
    throw malformed('the signature algorithm inside and outside the signed part differ');
  }
  const thisUpdate = crl.thisUpdate.value;
  const nextUpdate = crl.nextUpdate?.value ?? null;
  if (nextUpdate && nextUpdate.getTime() <= thisUpdate.getTime()) {
    throw malformed('nextUpdate is not after thisUpdate');
  }
  const issuerName = new Uint8Array(crl.issuer.valueBeforeDecode);
  return {
    der,
    sha256: sha256Hex(der),
    issuerName,
    issuerNameSha256: sha256Hex(issuerName),
    thisUpdate,
    nextUpdate,
    crlNumber: crlNumberOf(crl),
    entries: (crl.revokedCertificates ?? []).map(entryOf),
    tbs: crl.tbsView,
    signatureAlgorithm: crl.signatureAlgorithm.algorithmId,
    signature: crl.signatureValue.valueBlock.valueHexView,
  };
}

/** true when `anchorDer`'s subject is the CRL issuer (byte-equal DER Names) */
export function issuedBy(crl: ParsedCrl, anchorDer: Uint8Array): boolean {
  const subject = pkijs.Certificate.fromBER(anchorDer).subject.valueBeforeDecode;
  return Buffer.from(subject).equals(Buffer.from(crl.issuerName));
}

/** true when the CRL's signature verifies with the key of `anchorDer` */
export function verifyCrlSignature(crl: ParsedCrl, anchorDer: Uint8Array): boolean {
  const hash = HASH_OF_SIGNATURE[crl.signatureAlgorithm];
  if (!hash) {
    throw new TrustError(
      TrustErrorCode.CRL_UNSUPPORTED,
      `the CRL is signed with algorithm ${crl.signatureAlgorithm}; RSA or ECDSA with SHA-2 is required`,
    );
  }
  try {
    return verify(hash, crl.tbs, new X509Certificate(anchorDer).publicKey, crl.signature);
  } catch {
    // a key of another type than the algorithm (an RSA signature against an EC anchor) does not verify
    return false;
  }
}

function decode(der: Uint8Array): pkijs.CertificateRevocationList {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1 || asn1.offset !== der.byteLength) {
    throw malformed('the body is not one DER-encoded CertificateList');
  }
  try {
    return new pkijs.CertificateRevocationList({ schema: asn1.result });
  } catch (error) {
    throw malformed(
      `the body is not a CertificateList (${error instanceof Error ? error.message : 'unreadable'})`,
    );
  }
}

function crlNumberOf(crl: pkijs.CertificateRevocationList): bigint | null {
  let crlNumber: bigint | null = null;
  for (const extension of crl.crlExtensions?.extensions ?? []) {
    const oid = extension.extnID;
    if (oid === OID_DELTA_CRL_INDICATOR) {
      throw new TrustError(
        TrustErrorCode.CRL_UNSUPPORTED,
        'delta CRLs are not supported: upload the full CRL',
      );
    }
    if (oid === OID_ISSUING_DISTRIBUTION_POINT && isIndirect(extension)) {
      throw new TrustError(TrustErrorCode.CRL_UNSUPPORTED, 'indirect CRLs are not supported');
    }
    if (oid === OID_CRL_NUMBER) crlNumber = nonNegativeInteger(extension.extnValue.valueBlock.valueHexView);
    else if (!KNOWN_CRL_EXTENSIONS.has(oid) && extension.critical) {
      throw new TrustError(
        TrustErrorCode.CRL_UNSUPPORTED,
        `the CRL has an unknown critical extension ${oid}`,
      );
    }
  }
  return crlNumber;
}

function isIndirect(extension: pkijs.Extension): boolean {
  const asn1 = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  if (asn1.offset === -1 || !(asn1.result instanceof asn1js.Sequence)) {
    throw malformed('the issuingDistributionPoint extension is not a SEQUENCE');
  }
  // IssuingDistributionPoint ::= SEQUENCE { …, indirectCRL [4] IMPLICIT BOOLEAN DEFAULT FALSE, … }
  return asn1.result.valueBlock.value.some(
    (element) =>
      element.idBlock.tagClass === 3 &&
      element.idBlock.tagNumber === 4 &&
      (element.valueBeforeDecodeView.at(-1) ?? 0) !== 0,
  );
}

function entryOf(entry: pkijs.RevokedCertificate): CrlEntry {
  let reason = 0;
  for (const extension of entry.crlEntryExtensions?.extensions ?? []) {
    if (extension.extnID === OID_CERTIFICATE_ISSUER) {
      throw new TrustError(
        TrustErrorCode.CRL_UNSUPPORTED,
        'indirect CRLs (certificateIssuer entries) are not supported',
      );
    }
    if (extension.extnID === OID_REASON_CODE) reason = reasonOf(extension);
    else if (!KNOWN_ENTRY_EXTENSIONS.has(extension.extnID) && extension.critical) {
      throw new TrustError(
        TrustErrorCode.CRL_UNSUPPORTED,
        `a CRL entry has an unknown critical extension ${extension.extnID}`,
      );
    }
  }
  const serial = entry.userCertificate.valueBlock.valueHexView;
  if (serial.length === 0) throw malformed('a CRL entry has an empty serial number');
  return {
    serialNumber: canonicalSerial(Buffer.from(serial).toString('hex')),
    revokedAt: entry.revocationDate.value,
    reason,
  };
}

function reasonOf(extension: pkijs.Extension): number {
  const asn1 = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  if (asn1.offset === -1 || !(asn1.result instanceof asn1js.Enumerated)) {
    throw malformed('a CRL entry reasonCode is not an ENUMERATED');
  }
  const reason = asn1.result.valueBlock.valueDec;
  if (!Number.isInteger(reason) || reason < 0 || reason > 10 || reason === 7) {
    throw malformed(`a CRL entry has the unknown reasonCode ${reason}`);
  }
  if (reason === 8) {
    throw new TrustError(TrustErrorCode.CRL_UNSUPPORTED, 'removeFromCRL entries belong to delta CRLs');
  }
  return reason;
}

function nonNegativeInteger(extnValue: Uint8Array): bigint {
  const asn1 = asn1js.fromBER(extnValue);
  if (asn1.offset === -1 || !(asn1.result instanceof asn1js.Integer)) {
    throw malformed('cRLNumber is not an INTEGER');
  }
  const bytes = asn1.result.valueBlock.valueHexView;
  if (bytes.length === 0 || bytes.length > 20 || (bytes[0] & 0x80) !== 0) {
    throw malformed('cRLNumber must be a non-negative INTEGER of at most 20 octets');
  }
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function malformed(message: string): TrustError {
  return new TrustError(TrustErrorCode.CRL_MALFORMED, message);
}
