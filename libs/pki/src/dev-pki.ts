import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

// Dev/test PKI generated at run time (nothing committed). Profile: see docs/envelope.md §6.

export type DevKeyType = 'rsa' | 'ec';

export interface DevCredential {
  keyType: DevKeyType;
  /** DER */
  certificate: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  /** PKCS#8 PEM, unencrypted: test only */
  privateKeyPem: string;
  /** hex SHA-256 of the certificate DER */
  fingerprint: string;
}

export type DevCa = DevCredential;

/** keyUsage bits by their RFC 5280 names */
export type DevKeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

/** How a dev key is made: RSA (2048 bits unless `rsaBits`) or EC (P-256 unless `curve`). */
export interface DevKeyOptions {
  /** RSA modulus length; default 2048 (1024 only for tests of what must be refused) */
  rsaBits?: number;
  /** EC curve; default P-256 */
  curve?: 'P-256' | 'P-384';
}

/** The digest a dev certificate is signed with; default sha256 (sha1 only for tests of what must be refused). */
export type DevSignatureHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A test-only extension: its value is one UTF8String, or a SEQUENCE of UTF8Strings when there are several. */
export interface DevStringExtension {
  oid: string;
  values: readonly string[];
  critical?: boolean;
}

export interface OfficeCertificateOptions extends DevKeyOptions {
  /** 事業所番号, 10 characters [0-9A-Z]; goes into subject serialNumber (2.5.4.5) */
  officeNumber: string;
  /** サービス種類コード list; each becomes one subject OU `serviceType=<code>` */
  serviceTypes: readonly string[];
  keyType: DevKeyType;
  notBefore?: Date;
  notAfter?: Date;
  /** each becomes one subject OU `role=<role>` (absent: no role OU, i.e. an office) */
  roles?: readonly string[];
  /** 国保連's prefecture code; becomes a subject OU `prefecture=<nn>` */
  prefecture?: string;
  /** keyUsage bits instead of the default (digitalSignature + keyEncipherment/keyAgreement); [] omits keyUsage */
  keyUsages?: readonly DevKeyUsage[];
  /** basicConstraints cA (default false): for tests of what must be refused */
  ca?: boolean;
  /** more extensions (e.g. an identity field of another certificate profile) */
  extensions?: readonly DevStringExtension[];
  signatureHash?: DevSignatureHash;
}

export interface DevCaOptions extends DevKeyOptions {
  keyType?: DevKeyType;
  /** subject CN; default DEV_CA_NAME (give distinct names to several CAs of one test) */
  name?: string;
  /** basicConstraints pathLenConstraint */
  pathLen?: number;
  notBefore?: Date;
  notAfter?: Date;
}

export interface IntermediateCaOptions extends DevCaOptions {
  /** subject CN of the intermediate */
  name: string;
  /** basicConstraints cA; default true (false: a "CA" that is not one, for tests of what must be refused) */
  ca?: boolean;
  /** keyUsage bits; default keyCertSign + cRLSign + digitalSignature */
  keyUsages?: readonly DevKeyUsage[];
  signatureHash?: DevSignatureHash;
}

export const DEV_CA_NAME = 'Renkei Dev CA — TEST ONLY';
// same prefix as readOfficeIdentity() in @renkei/envelope (not imported: envelope's specs import this lib)
const SERVICE_TYPE_OU_PREFIX = 'serviceType=';

const SIGNATURE_OIDS: Readonly<Record<DevSignatureHash, { rsa: string; ec: string }>> = {
  sha1: { rsa: '1.2.840.113549.1.1.5', ec: '1.2.840.10045.4.1' },
  sha256: { rsa: '1.2.840.113549.1.1.11', ec: '1.2.840.10045.4.3.2' },
  sha384: { rsa: '1.2.840.113549.1.1.12', ec: '1.2.840.10045.4.3.3' },
  sha512: { rsa: '1.2.840.113549.1.1.13', ec: '1.2.840.10045.4.3.4' },
};
const DAY_MS = 24 * 60 * 60 * 1000;

// keyUsage bits as the first content octet of the BIT STRING (bit 0 = 0x80)
const KU_DIGITAL_SIGNATURE = 0x80;
const KU_KEY_ENCIPHERMENT = 0x20;
const KU_KEY_AGREEMENT = 0x08;
const KU_KEY_CERT_SIGN = 0x04;
const KU_CRL_SIGN = 0x02;
const KU_BITS: Readonly<Record<DevKeyUsage, number>> = {
  digitalSignature: KU_DIGITAL_SIGNATURE,
  nonRepudiation: 0x40,
  keyEncipherment: KU_KEY_ENCIPHERMENT,
  dataEncipherment: 0x10,
  keyAgreement: KU_KEY_AGREEMENT,
  keyCertSign: KU_KEY_CERT_SIGN,
  cRLSign: KU_CRL_SIGN,
};

/** A self-signed dev CA ("Renkei Dev CA — TEST ONLY" unless named), valid from yesterday for ten years. */
export function createDevCa(options: DevCaOptions = {}): DevCa {
  const keyType = options.keyType ?? 'ec';
  const keys = generateKeys(keyType, options);
  const subject = caName(options.name ?? DEV_CA_NAME);
  const now = Date.now();
  return buildCertificate({
    subject,
    subjectKey: keys.publicKey,
    issuer: subject,
    issuerKey: keys.privateKey,
    issuerPublicKey: keys.publicKey,
    notBefore: options.notBefore ?? new Date(now - DAY_MS),
    notAfter: options.notAfter ?? new Date(now + 3650 * DAY_MS),
    ca: true,
    pathLen: options.pathLen,
    keyUsage: KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN,
    keyType,
    privateKey: keys.privateKey,
  });
}

/** An intermediate CA issued by `issuer` (a dev CA or another intermediate), valid from yesterday for five years. */
export function issueIntermediateCa(issuer: DevCa, options: IntermediateCaOptions): DevCa {
  const keyType = options.keyType ?? 'ec';
  const keys = generateKeys(keyType, options);
  const now = Date.now();
  return buildCertificate({
    subject: caName(options.name),
    subjectKey: keys.publicKey,
    issuer: pkijs.Certificate.fromBER(issuer.certificate).subject,
    issuerKey: issuer.privateKey,
    issuerPublicKey: new X509Certificate(issuer.certificate).publicKey,
    notBefore: options.notBefore ?? new Date(now - DAY_MS),
    notAfter: options.notAfter ?? new Date(now + 1825 * DAY_MS),
    ca: options.ca ?? true,
    pathLen: options.pathLen,
    keyUsage: options.keyUsages
      ? keyUsageBits(options.keyUsages)
      : KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN,
    keyType,
    privateKey: keys.privateKey,
    signatureHash: options.signatureHash,
  });
}

function caName(commonName: string): pkijs.RelativeDistinguishedNames {
  return name([
    ['2.5.4.6', new asn1js.PrintableString({ value: 'JP' })],
    ['2.5.4.10', new asn1js.Utf8String({ value: 'Renkei Dev — TEST ONLY' })],
    ['2.5.4.3', new asn1js.Utf8String({ value: commonName })],
  ]);
}

function keyUsageBits(usages: readonly DevKeyUsage[]): number {
  return usages.reduce((bits, usage) => bits | KU_BITS[usage], 0);
}

/** An office certificate issued by `ca`, carrying the office number and service types per the dev profile. */
export function issueOfficeCertificate(ca: DevCa, options: OfficeCertificateOptions): DevCredential {
  const keys = generateKeys(options.keyType, options);
  const ou = (value: string): [string, pkijs.AttributeValueType] => [
    '2.5.4.11',
    new asn1js.Utf8String({ value }),
  ];
  const subject = name([
    ['2.5.4.6', new asn1js.PrintableString({ value: 'JP' })],
    ['2.5.4.10', new asn1js.Utf8String({ value: 'Renkei Dev Office — TEST ONLY' })],
    ...options.serviceTypes.map((code) => ou(`${SERVICE_TYPE_OU_PREFIX}${code}`)),
    ...(options.roles ?? []).map((role) => ou(`role=${role}`)),
    ...(options.prefecture === undefined ? [] : [ou(`prefecture=${options.prefecture}`)]),
    ['2.5.4.3', new asn1js.Utf8String({ value: `TEST ONLY office ${options.officeNumber}` })],
    ['2.5.4.5', new asn1js.PrintableString({ value: options.officeNumber })],
  ]);
  const caCert = pkijs.Certificate.fromBER(ca.certificate);
  const now = Date.now();
  return buildCertificate({
    subject,
    subjectKey: keys.publicKey,
    issuer: caCert.subject,
    issuerKey: ca.privateKey,
    issuerPublicKey: new X509Certificate(ca.certificate).publicKey,
    notBefore: options.notBefore ?? new Date(now - DAY_MS),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY_MS),
    ca: options.ca ?? false,
    keyUsage: options.keyUsages
      ? keyUsageBits(options.keyUsages)
      : options.keyType === 'rsa'
        ? KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT
        : KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT,
    keyType: options.keyType,
    privateKey: keys.privateKey,
    extensions: options.extensions,
    signatureHash: options.signatureHash,
  });
}

export interface PlatformCertificateOptions {
  /** the subject CN, e.g. "Renkei Platform Receipts — TEST ONLY" */
  name: string;
  keyType?: DevKeyType;
  notBefore?: Date;
  notAfter?: Date;
}

/**
 * The platform's receipt-signing certificate (docs/envelope.md §10) issued by `ca`, valid from yesterday for a
 * year: standalone keeps one next to its dev CA, the harnesses make one per run. Not an office certificate (no
 * serialNumber, no OUs); keyUsage digitalSignature only, as a receipt key signs receipts and nothing else.
 */
export function issuePlatformCertificate(ca: DevCa, options: PlatformCertificateOptions): DevCredential {
  const keyType = options.keyType ?? 'ec';
  const keys = generateKeys(keyType);
  const now = Date.now();
  return buildCertificate({
    subject: caName(options.name),
    subjectKey: keys.publicKey,
    issuer: pkijs.Certificate.fromBER(ca.certificate).subject,
    issuerKey: ca.privateKey,
    issuerPublicKey: new X509Certificate(ca.certificate).publicKey,
    notBefore: options.notBefore ?? new Date(now - DAY_MS),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY_MS),
    ca: false,
    keyUsage: KU_DIGITAL_SIGNATURE,
    keyType,
    privateKey: keys.privateKey,
  });
}

function generateKeys(
  keyType: DevKeyType,
  options: DevKeyOptions = {},
): { publicKey: KeyObject; privateKey: KeyObject } {
  return keyType === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: options.rsaBits ?? 2048 })
    : generateKeyPairSync('ec', { namedCurve: options.curve ?? 'P-256' });
}

function name(attributes: [string, pkijs.AttributeValueType][]): pkijs.RelativeDistinguishedNames {
  // one attribute per RDN; pkijs would otherwise put them all into one multi-valued RDN
  const rdns = new asn1js.Sequence({
    value: attributes.map(
      ([type, value]) =>
        new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] }),
    ),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(rdns.toBER(false));
}

interface BuildParams {
  subject: pkijs.RelativeDistinguishedNames;
  subjectKey: KeyObject;
  issuer: pkijs.RelativeDistinguishedNames;
  issuerKey: KeyObject;
  issuerPublicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  pathLen?: number;
  /** keyUsage bits; 0 omits the extension */
  keyUsage: number;
  keyType: DevKeyType;
  privateKey: KeyObject;
  extensions?: readonly DevStringExtension[];
  signatureHash?: DevSignatureHash;
}

function buildCertificate(p: BuildParams): DevCredential {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01; // positive and no leading zero octet
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = p.issuer;
  cert.subject = p.subject;
  cert.notBefore = new pkijs.Time({ type: 0, value: p.notBefore });
  cert.notAfter = new pkijs.Time({ type: 0, value: p.notAfter });
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(
    p.subjectKey.export({ type: 'spki', format: 'der' }),
  );
  cert.extensions = [
    extension(
      '2.5.29.19',
      true,
      new pkijs.BasicConstraints(
        p.pathLen === undefined ? { cA: p.ca } : { cA: p.ca, pathLenConstraint: p.pathLen },
      ).toSchema(),
    ),
    ...(p.keyUsage === 0 ? [] : [extension('2.5.29.15', true, keyUsage(p.keyUsage))]),
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId(p.subjectKey) })),
    extension(
      '2.5.29.35',
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: keyId(p.issuerPublicKey) }),
      }).toSchema(),
    ),
    ...(p.extensions ?? []).map((extra) =>
      extension(
        extra.oid,
        extra.critical ?? false,
        extra.values.length === 1
          ? new asn1js.Utf8String({ value: extra.values[0] })
          : new asn1js.Sequence({ value: extra.values.map((value) => new asn1js.Utf8String({ value })) }),
      ),
    ),
  ];
  const hash = p.signatureHash ?? 'sha256';
  const algorithm = new pkijs.AlgorithmIdentifier(
    p.issuerKey.asymmetricKeyType === 'rsa'
      ? { algorithmId: SIGNATURE_OIDS[hash].rsa, algorithmParams: new asn1js.Null() }
      : { algorithmId: SIGNATURE_OIDS[hash].ec },
  );
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.signatureValue = new asn1js.BitString({ valueHex: sign(hash, cert.tbsView, p.issuerKey) });
  const der = new Uint8Array(cert.toSchema(false).toBER(false));
  return {
    keyType: p.keyType,
    certificate: der,
    certificatePem: new X509Certificate(der).toString(),
    privateKey: p.privateKey,
    privateKeyPem: p.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

function keyUsage(bits: number): asn1js.BitString {
  // DER: drop trailing zero bits
  let unusedBits = 0;
  while (unusedBits < 7 && (bits & (1 << unusedBits)) === 0) unusedBits++;
  return new asn1js.BitString({ valueHex: new Uint8Array([bits]), unusedBits });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyId(publicKey: KeyObject): Uint8Array {
  const spki = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
  return createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
}
