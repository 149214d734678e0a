// Reads a PKCS#12 (.p12/.pfx) holding one office key and its certificates, RSA or EC keys: what exportPkcs12
// writes, what `openssl pkcs12 -export` 3.x writes by default (PBES2/PBKDF2/AES-CBC, SHA-256 MAC), and legacy
// files (OpenSSL 1.x, `-legacy`, Windows, Japanese e-certificates): pbeWithSHAAnd3-KeyTripleDES-CBC keys,
// RC2/RC4/3DES certificates, SHA-1 MAC. PBES2 parts are decrypted by pkijs, legacy ones by ./pkcs12-pbe; the MAC
// is checked here for both.
import { createPrivateKey, createPublicKey, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  decryptLegacyPbe,
  isLegacyPbe,
  isSupportedMacDigest,
  pkcs12Password,
  verifyPkcs12Mac,
} from './pkcs12-pbe';

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];

export enum Pkcs12ErrorCode {
  /** not a PKCS#12 file, or a structure this reader does not understand */
  PKCS12_MALFORMED = 'PKCS12_MALFORMED',
  /** the MAC does not verify (or, without a MAC, decryption fails): wrong password */
  PKCS12_BAD_PASSWORD = 'PKCS12_BAD_PASSWORD',
  /** an encryption or MAC algorithm this reader does not know (the message names its OID), or public-key
   * privacy/integrity modes */
  PKCS12_UNSUPPORTED_ENCRYPTION = 'PKCS12_UNSUPPORTED_ENCRYPTION',
  /** no private key, no certificate, or no certificate matching the key */
  PKCS12_INCOMPLETE = 'PKCS12_INCOMPLETE',
}

export class Pkcs12Error extends Error {
  constructor(
    readonly code: Pkcs12ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Pkcs12Error';
  }
}

export interface ImportedPkcs12 {
  /** DER of the certificate matching the private key */
  certificate: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  /** DER of every other certificate in the file (CA certificates), in file order */
  chain: Uint8Array[];
}

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PKCS12_PBE_PREFIX = '1.2.840.113549.1.12.1.';
const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const OID_PKCS8_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
/** more iterations than any real file uses: refused rather than spinning for minutes */
const MAX_ITERATIONS = 10_000_000;
const AES_CBC_OIDS = new Set([
  '2.16.840.1.101.3.4.1.2', // aes128-CBC
  '2.16.840.1.101.3.4.1.22', // aes192-CBC
  '2.16.840.1.101.3.4.1.42', // aes256-CBC
]);

const fail = (code: Pkcs12ErrorCode, message: string): never => {
  throw new Pkcs12Error(code, message);
};

/** Opens `bytes` with `password`; throws Pkcs12Error with a stable code. Never puts key material in errors. */
export async function importPkcs12(bytes: Uint8Array, password: string): Promise<ImportedPkcs12> {
  const crypto = new pkijs.CryptoEngine({
    name: 'node-webcrypto',
    crypto: webcrypto as unknown as EngineCrypto,
  });
  const pfx = parsePfx(bytes);
  if (pfx.authSafe.contentType !== OID_DATA) {
    fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, 'only password integrity mode is supported');
  }
  if (!(pfx.authSafe.content instanceof asn1js.OctetString)) {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'the authenticated safe is not an OCTET STRING');
  }
  const authSafeContent = new Uint8Array(pfx.authSafe.content.getValue());
  const passwords: Passwords = {
    // PBES2 (PBKDF2) takes the password as UTF-8, PKCS#12 PBE and MAC as BMPString
    utf8: new TextEncoder().encode(password).buffer as ArrayBuffer,
    bmp: pfx.macData ? verifyMac(pfx.macData, authSafeContent, password) : pkcs12Password(password),
  };
  let authenticatedSafe: pkijs.AuthenticatedSafe;
  try {
    authenticatedSafe = pkijs.AuthenticatedSafe.fromBER(authSafeContent);
  } catch {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'no authenticated safe');
  }
  const keys: pkijs.PrivateKeyInfo[] = [];
  const certificates: Uint8Array[] = [];
  for (const content of authenticatedSafe.safeContents) {
    const safeContents = await openSafeContents(content, passwords, crypto, pfx);
    for (const bag of safeContents.safeBags) await readBag(bag, passwords, crypto, pfx, keys, certificates);
  }
  return assemble(keys, certificates);
}

interface Passwords {
  utf8: ArrayBuffer;
  bmp: Uint8Array;
}

/** checks the MAC; returns the BMPString password encoding that verified it */
function verifyMac(macData: pkijs.MacData, content: Uint8Array, password: string): Uint8Array {
  const digestOid = macData.mac.digestAlgorithm.algorithmId;
  if (!isSupportedMacDigest(digestOid)) {
    fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, `the MAC algorithm ${digestOid} is not supported`);
  }
  const iterations = macData.iterations ?? 1;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    fail(Pkcs12ErrorCode.PKCS12_MALFORMED, `MAC iteration count ${iterations} is out of range`);
  }
  const salt = macData.macSalt.valueBlock.valueHexView;
  const expected = macData.mac.digest.valueBlock.valueHexView;
  // an empty password is, as in OpenSSL's PKCS12_parse, either absent (no bytes) or one BMP NUL
  const candidates =
    password === '' ? [pkcs12Password(null), pkcs12Password('')] : [pkcs12Password(password)];
  const verified = candidates.find((candidate) =>
    verifyPkcs12Mac(digestOid, candidate, salt, iterations, content, expected),
  );
  return verified ?? fail(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD, 'the password is wrong (MAC check failed)');
}

async function openSafeContents(
  content: pkijs.ContentInfo,
  passwords: Passwords,
  crypto: pkijs.ICryptoEngine,
  pfx: pkijs.PFX,
): Promise<pkijs.SafeContents> {
  if (content.contentType === OID_DATA) {
    if (!(content.content instanceof asn1js.OctetString)) {
      return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'a data safe is not an OCTET STRING');
    }
    const data = content.content.getValue();
    try {
      return pkijs.SafeContents.fromBER(data);
    } catch {
      return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'a data safe is not SafeContents');
    }
  }
  if (content.contentType !== OID_ENCRYPTED_DATA) {
    return fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, `safe content type ${content.contentType}`);
  }
  let encrypted: pkijs.EncryptedData;
  try {
    // parsed from a copy: building from `content.content` itself spoils it
    encrypted = pkijs.EncryptedData.fromBER((content.content as asn1js.Sequence).toBER(false));
  } catch {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'an encrypted safe is not EncryptedData');
  }
  const { contentEncryptionAlgorithm } = encrypted.encryptedContentInfo;
  checkEncryption(contentEncryptionAlgorithm);
  let safeContents: pkijs.SafeContents | undefined;
  await attempt(
    async () => {
      const decrypted = isLegacyPbe(contentEncryptionAlgorithm.algorithmId)
        ? decryptLegacy(contentEncryptionAlgorithm, encryptedContent(encrypted), passwords.bmp)
        : await encrypted.decrypt({ password: passwords.utf8 }, crypto);
      safeContents = pkijs.SafeContents.fromBER(decrypted);
    },
    () => badPasswordOrMalformed(pfx),
  );
  return safeContents as pkijs.SafeContents;
}

/** the ciphertext of EncryptedData (pkijs keeps it as a retagged [0], primitive or constructed) */
function encryptedContent(encrypted: pkijs.EncryptedData): ArrayBuffer {
  try {
    return encrypted.encryptedContentInfo.getEncryptedContent();
  } catch {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'an encrypted safe has no content');
  }
}

/** PKCS#12 PBE (RFC 7292 appendix C): parameters SEQUENCE { salt OCTET STRING, iterations INTEGER } */
function decryptLegacy(
  algorithm: pkijs.AlgorithmIdentifier,
  data: ArrayBuffer,
  password: Uint8Array,
): ArrayBuffer {
  const params: unknown = algorithm.algorithmParams;
  const [salt, iterations] = params instanceof asn1js.Sequence ? params.valueBlock.value : [];
  if (!(salt instanceof asn1js.OctetString) || !(iterations instanceof asn1js.Integer)) {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'PKCS#12 PBE parameters are not readable');
  }
  const count = iterations.valueBlock.valueDec;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_ITERATIONS) {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, `PBE iteration count ${count} is out of range`);
  }
  const decrypted = decryptLegacyPbe(
    algorithm.algorithmId,
    password,
    new Uint8Array(salt.getValue()),
    count,
    new Uint8Array(data),
  );
  return decrypted.slice().buffer;
}

function parsePfx(bytes: Uint8Array): pkijs.PFX {
  const asn1 = asn1js.fromBER(new Uint8Array(bytes));
  if (asn1.offset === -1 || asn1.offset !== bytes.byteLength) {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'not a single DER value');
  }
  try {
    return new pkijs.PFX({ schema: asn1.result });
  } catch {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'not a PKCS#12 PFX structure');
  }
}

function checkEncryption(algorithm: pkijs.AlgorithmIdentifier): void {
  const id = algorithm.algorithmId;
  if (isLegacyPbe(id)) return;
  if (id.startsWith(OID_PKCS12_PBE_PREFIX)) {
    fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, `PKCS#12 PBE ${id} is not supported`);
  }
  if (id !== OID_PBES2)
    fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, `encryption ${id} is not supported`);
  let scheme: string | undefined;
  try {
    scheme = new pkijs.PBES2Params({ schema: algorithm.algorithmParams }).encryptionScheme.algorithmId;
  } catch {
    fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'PBES2 parameters are not readable');
  }
  if (!scheme || !AES_CBC_OIDS.has(scheme)) {
    fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, `PBES2 encryption scheme ${scheme} is not supported`);
  }
}

async function readBag(
  bag: pkijs.SafeBag,
  passwords: Passwords,
  crypto: pkijs.ICryptoEngine,
  pfx: pkijs.PFX,
  keys: pkijs.PrivateKeyInfo[],
  certificates: Uint8Array[],
): Promise<void> {
  switch (bag.bagId) {
    case OID_KEY_BAG:
      keys.push(bag.bagValue as pkijs.PrivateKeyInfo);
      return;
    case OID_PKCS8_SHROUDED_KEY_BAG: {
      const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
      const algorithm = shrouded.encryptionAlgorithm;
      checkEncryption(algorithm);
      // what PKCS8ShroudedKeyBag.parseInternalValues does (protected in pkijs' typings)
      const encrypted = new pkijs.EncryptedData({
        encryptedContentInfo: new pkijs.EncryptedContentInfo({
          contentEncryptionAlgorithm: algorithm,
          encryptedContent: shrouded.encryptedData,
        }),
      });
      let decrypted: ArrayBuffer | undefined;
      await attempt(
        async () => {
          decrypted = isLegacyPbe(algorithm.algorithmId)
            ? decryptLegacy(algorithm, shrouded.encryptedData.getValue(), passwords.bmp)
            : await encrypted.decrypt({ password: passwords.utf8 }, crypto);
        },
        () => badPasswordOrMalformed(pfx),
      );
      try {
        keys.push(pkijs.PrivateKeyInfo.fromBER(decrypted as ArrayBuffer));
      } catch {
        // without a MAC, garbage from a wrong password that got past the padding check
        throw pfx.macData
          ? new Pkcs12Error(
              Pkcs12ErrorCode.PKCS12_MALFORMED,
              'the decrypted key is not a PKCS#8 PrivateKeyInfo',
            )
          : badPasswordOrMalformed(pfx);
      }
      return;
    }
    case OID_CERT_BAG: {
      const certBag = bag.bagValue as pkijs.CertBag;
      if (certBag.certId !== OID_X509_CERTIFICATE) return;
      const parsed = certBag.parsedValue as pkijs.Certificate | undefined;
      if (parsed) certificates.push(new Uint8Array(parsed.toSchema().toBER(false)));
      return;
    }
    default:
      // CRL and secret bags are not needed by an office client
      return;
  }
}

function assemble(keys: pkijs.PrivateKeyInfo[], certificates: Uint8Array[]): ImportedPkcs12 {
  if (keys.length !== 1) {
    fail(Pkcs12ErrorCode.PKCS12_INCOMPLETE, `expected one private key, found ${keys.length}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: Buffer.from(keys[0].toSchema().toBER(false)),
      format: 'der',
      type: 'pkcs8',
    });
  } catch {
    return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'the private key is not readable');
  }
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const index = certificates.findIndex((der) => {
    try {
      return new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }).equals(spki);
    } catch {
      return false;
    }
  });
  if (index < 0) fail(Pkcs12ErrorCode.PKCS12_INCOMPLETE, 'no certificate matches the private key');
  const certificate = certificates[index];
  return {
    certificate,
    certificatePem: new X509Certificate(certificate).toString(),
    privateKey,
    chain: certificates.filter((_, i) => i !== index),
  };
}

// without a MAC the first sign of a wrong password is a failed decryption
function badPasswordOrMalformed(pfx: pkijs.PFX): Pkcs12Error {
  return pfx.macData
    ? new Pkcs12Error(Pkcs12ErrorCode.PKCS12_MALFORMED, 'an encrypted part of the PKCS#12 is not readable')
    : new Pkcs12Error(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD, 'the password is wrong (decryption failed)');
}

async function attempt(action: () => Promise<unknown>, onError: (message: string) => Error): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof Pkcs12Error) throw error;
    throw onError(error instanceof Error ? error.message : String(error));
  }
}
