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

export interface OfficeCertificateOptions {
  /** 事業所番号, 10 characters [0-9A-Z]; goes into subject serialNumber (2.5.4.5) */
  officeNumber: string;
  /** サービス種類コード list; each becomes one subject OU `serviceType=<code>` */
  serviceTypes: readonly string[];
  keyType: DevKeyType;
  notBefore?: Date;
  notAfter?: Date;
}

export const DEV_CA_NAME = 'Renkei Dev CA — TEST ONLY';
// same prefix as readOfficeIdentity() in @renkei/envelope (not imported: envelope's specs import this lib)
const SERVICE_TYPE_OU_PREFIX = 'serviceType=';

const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const DAY_MS = 24 * 60 * 60 * 1000;

// keyUsage bits as the first content octet of the BIT STRING (bit 0 = 0x80)
const KU_DIGITAL_SIGNATURE = 0x80;
const KU_KEY_ENCIPHERMENT = 0x20;
const KU_KEY_AGREEMENT = 0x08;
const KU_KEY_CERT_SIGN = 0x04;
const KU_CRL_SIGN = 0x02;

/** A self-signed dev CA ("Renkei Dev CA — TEST ONLY"), valid from yesterday for ten years. */
export function createDevCa(options: { keyType?: DevKeyType } = {}): DevCa {
  const keyType = options.keyType ?? 'ec';
  const keys = generateKeys(keyType);
  const subject = name([
    ['2.5.4.6', new asn1js.PrintableString({ value: 'JP' })],
    ['2.5.4.10', new asn1js.Utf8String({ value: 'Renkei Dev — TEST ONLY' })],
    ['2.5.4.3', new asn1js.Utf8String({ value: DEV_CA_NAME })],
  ]);
  const now = Date.now();
  return buildCertificate({
    subject,
    subjectKey: keys.publicKey,
    issuer: subject,
    issuerKey: keys.privateKey,
    issuerPublicKey: keys.publicKey,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    ca: true,
    keyUsage: KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN,
    keyType,
    privateKey: keys.privateKey,
  });
}

/** An office certificate issued by `ca`, carrying the office number and service types per the dev profile. */
export function issueOfficeCertificate(ca: DevCa, options: OfficeCertificateOptions): DevCredential {
  const keys = generateKeys(options.keyType);
  const subject = name([
    ['2.5.4.6', new asn1js.PrintableString({ value: 'JP' })],
    ['2.5.4.10', new asn1js.Utf8String({ value: 'Renkei Dev Office — TEST ONLY' })],
    ...options.serviceTypes.map((code): [string, pkijs.AttributeValueType] => [
      '2.5.4.11',
      new asn1js.Utf8String({ value: `${SERVICE_TYPE_OU_PREFIX}${code}` }),
    ]),
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
    ca: false,
    keyUsage:
      options.keyType === 'rsa'
        ? KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT
        : KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT,
    keyType: options.keyType,
    privateKey: keys.privateKey,
  });
}

function generateKeys(keyType: DevKeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  return keyType === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
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
  keyUsage: number;
  keyType: DevKeyType;
  privateKey: KeyObject;
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
    extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: p.ca }).toSchema()),
    extension('2.5.29.15', true, keyUsage(p.keyUsage)),
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId(p.subjectKey) })),
    extension(
      '2.5.29.35',
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: keyId(p.issuerPublicKey) }),
      }).toSchema(),
    ),
  ];
  const algorithm = new pkijs.AlgorithmIdentifier(
    p.issuerKey.asymmetricKeyType === 'rsa'
      ? { algorithmId: OID_SHA256_WITH_RSA, algorithmParams: new asn1js.Null() }
      : { algorithmId: OID_ECDSA_WITH_SHA256 },
  );
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', cert.tbsView, p.issuerKey) });
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
