import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DevCredential } from './dev-pki';

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];

const OID_PKCS8_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

export interface ExportPkcs12Options {
  /** friendly name of the key and certificate bags */
  friendlyName?: string;
  /** DER of CA certificates to include after the office certificate (e.g. the dev CA) */
  chain?: readonly Uint8Array[];
}

/**
 * PKCS#12 of a dev credential: key shrouded with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), certificates
 * in clear, MAC with SHA-256. TEST ONLY: readable by `openssl pkcs12` 3.x. The third argument may be the
 * friendly name alone (older callers) or options.
 */
export async function exportPkcs12(
  credential: DevCredential,
  password: string,
  options: ExportPkcs12Options | string = {},
): Promise<Uint8Array> {
  const { friendlyName = 'renkei-test', chain = [] } =
    typeof options === 'string' ? { friendlyName: options } : options;
  const crypto = new pkijs.CryptoEngine({
    name: 'node-webcrypto',
    crypto: webcrypto as unknown as EngineCrypto,
  });
  const passwordBuffer = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const attributes = [
    new pkijs.Attribute({ type: OID_FRIENDLY_NAME, values: [new asn1js.BmpString({ value: friendlyName })] }),
    new pkijs.Attribute({
      type: OID_LOCAL_KEY_ID,
      values: [
        new asn1js.OctetString({ valueHex: Buffer.from(credential.fingerprint, 'hex').subarray(0, 20) }),
      ],
    }),
  ];
  const keyBag = new pkijs.PKCS8ShroudedKeyBag({
    parsedValue: pkijs.PrivateKeyInfo.fromBER(credential.privateKey.export({ type: 'pkcs8', format: 'der' })),
  });
  await keyBag.makeInternalValues(
    {
      password: passwordBuffer,
      contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 },
      hmacHashAlgorithm: 'SHA-256',
      iterationCount: 2048,
    },
    crypto,
  );
  const certBag = new pkijs.CertBag({
    certId: OID_X509_CERTIFICATE,
    parsedValue: pkijs.Certificate.fromBER(credential.certificate),
  });
  const safeContents = new pkijs.SafeContents({
    safeBags: [
      new pkijs.SafeBag({ bagId: OID_PKCS8_SHROUDED_KEY_BAG, bagValue: keyBag, bagAttributes: attributes }),
      new pkijs.SafeBag({ bagId: OID_CERT_BAG, bagValue: certBag, bagAttributes: attributes }),
      ...chain.map(
        (der) =>
          new pkijs.SafeBag({
            bagId: OID_CERT_BAG,
            bagValue: new pkijs.CertBag({
              certId: OID_X509_CERTIFICATE,
              parsedValue: pkijs.Certificate.fromBER(der),
            }),
          }),
      ),
    ],
  });
  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    parsedValue: { safeContents: [{ privacyMode: 0, value: safeContents }] },
  });
  await authenticatedSafe.makeInternalValues({ safeContents: [{}] }, crypto);
  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues(
    {
      password: passwordBuffer,
      iterations: 2048,
      pbkdf2HashAlgorithm: 'SHA-256',
      hmacHashAlgorithm: 'SHA-256',
    },
    crypto,
  );
  return new Uint8Array(pfx.toSchema().toBER(false));
}
