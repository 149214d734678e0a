import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { DevCa, DevCredential, DevKeyType } from './dev-pki';

// The platform's receipt-signing certificate (docs/envelope.md §10) issued by a dev CA: standalone keeps one
// next to its dev CA, the harnesses make one per run. Not an office certificate: no serialNumber, no OUs.

export interface PlatformCertificateOptions {
  /** the subject CN, e.g. "Renkei Platform Receipts — TEST ONLY" */
  name: string;
  keyType?: DevKeyType;
  notBefore?: Date;
  notAfter?: Date;
}

const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const DAY_MS = 24 * 60 * 60 * 1000;
// keyUsage digitalSignature only: a receipt key signs receipts and nothing else
const KU_DIGITAL_SIGNATURE = 0x80;

/** An end-entity certificate for signing receipts, issued by `ca`, valid from yesterday for a year. */
export function issuePlatformCertificate(ca: DevCa, options: PlatformCertificateOptions): DevCredential {
  const keyType = options.keyType ?? 'ec';
  const keys =
    keyType === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caCert = pkijs.Certificate.fromBER(ca.certificate);
  const now = Date.now();
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01; // positive and no leading zero octet
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = caCert.subject;
  cert.subject = subjectOf(options.name);
  cert.notBefore = new pkijs.Time({ type: 0, value: options.notBefore ?? new Date(now - DAY_MS) });
  cert.notAfter = new pkijs.Time({ type: 0, value: options.notAfter ?? new Date(now + 365 * DAY_MS) });
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(
    keys.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const caPublicKey = new X509Certificate(ca.certificate).publicKey;
  cert.extensions = [
    extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
    extension(
      '2.5.29.15',
      true,
      new asn1js.BitString({ valueHex: new Uint8Array([KU_DIGITAL_SIGNATURE]), unusedBits: 7 }),
    ),
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId(keys.publicKey) })),
    extension(
      '2.5.29.35',
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: keyId(caPublicKey) }),
      }).toSchema(),
    ),
  ];
  const algorithm = new pkijs.AlgorithmIdentifier(
    ca.privateKey.asymmetricKeyType === 'rsa'
      ? { algorithmId: OID_SHA256_WITH_RSA, algorithmParams: new asn1js.Null() }
      : { algorithmId: OID_ECDSA_WITH_SHA256 },
  );
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', cert.tbsView, ca.privateKey) });
  const der = new Uint8Array(cert.toSchema(false).toBER(false));
  return {
    keyType,
    certificate: der,
    certificatePem: new X509Certificate(der).toString(),
    privateKey: keys.privateKey,
    privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

function subjectOf(commonName: string): pkijs.RelativeDistinguishedNames {
  // one attribute per RDN, as the dev CA and office certificates have them
  const rdns = new asn1js.Sequence({
    value: [
      ['2.5.4.6', new asn1js.PrintableString({ value: 'JP' })],
      ['2.5.4.10', new asn1js.Utf8String({ value: 'Renkei Dev — TEST ONLY' })],
      ['2.5.4.3', new asn1js.Utf8String({ value: commonName })],
    ].map(
      ([type, value]) =>
        new asn1js.Set({
          value: [
            new pkijs.AttributeTypeAndValue({
              type: type as string,
              value: value as pkijs.AttributeValueType,
            }).toSchema(),
          ],
        }),
    ),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(rdns.toBER(false));
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyId(publicKey: KeyObject): Uint8Array {
  const spki = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
  return createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
}
