// Dev/test CRLs (RFC 5280 §5) signed at run time by a dev CA's key (RSA or EC), for tests of CRL handling.
import { createHash, sign, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { DevCa } from './dev-pki';

export interface DevCrlEntry {
  /** serial number of the revoked certificate, hex (any case, leading zeros allowed) */
  readonly serialNumber: string;
  readonly revokedAt: Date;
  /** CRLReason code (RFC 5280 §5.3.1); absent: no reasonCode extension */
  readonly reason?: number;
}

/** An extra CRL extension, for tests of what a CRL reader must refuse (delta CRLs, unknown critical ones). */
export interface DevCrlExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** DER of the extnValue contents */
  readonly value: Uint8Array;
}

export interface DevCrlOptions {
  readonly entries?: readonly DevCrlEntry[];
  /** cRLNumber; absent: the CRL carries none */
  readonly crlNumber?: number | bigint;
  /** default: one minute ago */
  readonly thisUpdate?: Date;
  /** default: thisUpdate + 7 days; null: no nextUpdate */
  readonly nextUpdate?: Date | null;
  readonly extensions?: readonly DevCrlExtension[];
}

export const OID_CRL_NUMBER = '2.5.29.20';
export const OID_DELTA_CRL_INDICATOR = '2.5.29.27';
export const OID_ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const OID_CRL_REASON = '2.5.29.21';
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const DAY_MS = 24 * 60 * 60 * 1000;

/** A v2 CRL issued by `ca` (issuer = the CA's subject, signed with its key, SHA-256), DER. */
export function createDevCrl(ca: DevCa, options: DevCrlOptions = {}): Uint8Array {
  const caCertificate = pkijs.Certificate.fromBER(ca.certificate);
  const thisUpdate = options.thisUpdate ?? new Date(Date.now() - 60_000);
  const nextUpdate =
    options.nextUpdate === null
      ? undefined
      : (options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY_MS));
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = caCertificate.subject;
  crl.thisUpdate = new pkijs.Time({ type: 0, value: thisUpdate });
  if (nextUpdate) crl.nextUpdate = new pkijs.Time({ type: 0, value: nextUpdate });
  const entries = options.entries ?? [];
  if (entries.length > 0) crl.revokedCertificates = entries.map(revokedCertificate);
  crl.crlExtensions = new pkijs.Extensions({ extensions: crlExtensions(ca, options) });
  const algorithm = new pkijs.AlgorithmIdentifier(
    ca.privateKey.asymmetricKeyType === 'rsa'
      ? { algorithmId: OID_SHA256_WITH_RSA, algorithmParams: new asn1js.Null() }
      : { algorithmId: OID_ECDSA_WITH_SHA256 },
  );
  crl.signature = algorithm;
  crl.signatureAlgorithm = algorithm;
  // encodeTBS is protected in pkijs: the TBS is the first element of the freshly encoded CertificateList
  const tbs = (crl.toSchema(true).valueBlock.value[0] as asn1js.Sequence).toBER(false);
  crl.tbsView = new Uint8Array(tbs);
  crl.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', crl.tbsView, ca.privateKey) });
  return new Uint8Array(crl.toSchema(false).toBER(false));
}

/** PEM ("X509 CRL") of a DER CRL */
export function crlToPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN X509 CRL-----\n${lines.join('\n')}\n-----END X509 CRL-----\n`;
}

function revokedCertificate(entry: DevCrlEntry): pkijs.RevokedCertificate {
  const revoked = new pkijs.RevokedCertificate({
    userCertificate: new asn1js.Integer({ valueHex: serialBytes(entry.serialNumber) }),
    revocationDate: new pkijs.Time({ type: 0, value: entry.revokedAt }),
  });
  if (entry.reason !== undefined) {
    revoked.crlEntryExtensions = new pkijs.Extensions({
      extensions: [
        new pkijs.Extension({
          extnID: OID_CRL_REASON,
          critical: false,
          extnValue: new asn1js.Enumerated({ value: entry.reason }).toBER(false),
        }),
      ],
    });
  }
  return revoked;
}

function crlExtensions(ca: DevCa, options: DevCrlOptions): pkijs.Extension[] {
  const extensions = [
    new pkijs.Extension({
      extnID: OID_AUTHORITY_KEY_IDENTIFIER,
      critical: false,
      extnValue: new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: keyId(ca.certificate) }),
      })
        .toSchema()
        .toBER(false),
    }),
  ];
  if (options.crlNumber !== undefined) {
    extensions.push(
      new pkijs.Extension({
        extnID: OID_CRL_NUMBER,
        critical: false,
        extnValue: new asn1js.Integer({ valueHex: serialBytes(options.crlNumber.toString(16)) }).toBER(false),
      }),
    );
  }
  for (const extra of options.extensions ?? []) {
    extensions.push(
      new pkijs.Extension({
        extnID: extra.oid,
        critical: extra.critical,
        extnValue: Uint8Array.from(extra.value).buffer,
      }),
    );
  }
  return extensions;
}

/** a non-negative INTEGER's DER content octets for a hex value (a zero octet in front when the high bit is set) */
function serialBytes(hex: string): Uint8Array {
  let digits = hex.toLowerCase().replace(/^0+/, '');
  if (digits === '') digits = '0';
  if (digits.length % 2 === 1) digits = `0${digits}`;
  const bytes = Buffer.from(digits, 'hex');
  return bytes[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

/** RFC 5280 method 1 key id of the CA: SHA-1 of its subjectPublicKey BIT STRING contents */
function keyId(caDer: Uint8Array): Uint8Array {
  const spkiDer = new X509Certificate(caDer).publicKey.export({ type: 'spki', format: 'der' });
  const spki = pkijs.PublicKeyInfo.fromBER(spkiDer);
  return createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
}
