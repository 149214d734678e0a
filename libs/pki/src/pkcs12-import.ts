// Reads a PKCS#12 (.p12/.pfx) holding one office key and its certificates: what exportPkcs12 writes and what
// `openssl pkcs12 -export` 3.x writes by default (PBES2/PBKDF2/AES-256-CBC, SHA-256 MAC), RSA or EC keys.
import { createPrivateKey, createPublicKey, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];

export enum Pkcs12ErrorCode {
  /** not a PKCS#12 file, or a structure this reader does not understand */
  PKCS12_MALFORMED = 'PKCS12_MALFORMED',
  /** the MAC does not verify (or, without a MAC, decryption fails): wrong password */
  PKCS12_BAD_PASSWORD = 'PKCS12_BAD_PASSWORD',
  /** legacy PKCS#12 PBE (3DES, RC2, RC4) or another scheme than PBES2 with AES-CBC */
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
  const passwordBuffer = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const pfx = parsePfx(bytes);
  if (pfx.authSafe.contentType !== OID_DATA) {
    fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, 'only password integrity mode is supported');
  }
  await attempt(
    () =>
      pfx.parseInternalValues(
        { password: passwordBuffer, checkIntegrity: pfx.macData !== undefined },
        crypto,
      ),
    (message) =>
      /integrity/i.test(message)
        ? new Pkcs12Error(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD, 'the password is wrong (MAC check failed)')
        : /unsupported|incorrect "parameters.hashAlgorithm"|unknown/i.test(message)
          ? new Pkcs12Error(
              Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION,
              'the MAC algorithm is not supported',
            )
          : new Pkcs12Error(Pkcs12ErrorCode.PKCS12_MALFORMED, 'the PKCS#12 structure is not readable'),
  );
  const authenticatedSafe = pfx.parsedValue?.authenticatedSafe;
  if (!authenticatedSafe) return fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'no authenticated safe');
  const safeParameters = authenticatedSafe.safeContents.map((content) => {
    if (content.contentType === OID_DATA) return {};
    if (content.contentType !== OID_ENCRYPTED_DATA) {
      return fail(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION, `safe content type ${content.contentType}`);
    }
    // parsed from a copy: building from `content.content` itself spoils it for parseInternalValues
    const encrypted = pkijs.EncryptedData.fromBER((content.content as asn1js.Sequence).toBER(false));
    checkEncryption(encrypted.encryptedContentInfo.contentEncryptionAlgorithm);
    return { password: passwordBuffer };
  });
  await attempt(
    () => authenticatedSafe.parseInternalValues({ safeContents: safeParameters }, crypto),
    () => badPasswordOrMalformed(pfx),
  );
  const keys: pkijs.PrivateKeyInfo[] = [];
  const certificates: Uint8Array[] = [];
  for (const { value } of authenticatedSafe.parsedValue?.safeContents ?? []) {
    for (const bag of value.safeBags) await readBag(bag, passwordBuffer, crypto, pfx, keys, certificates);
  }
  return assemble(keys, certificates);
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
  if (id.startsWith(OID_PKCS12_PBE_PREFIX)) {
    fail(
      Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION,
      `legacy PKCS#12 encryption (${id}, 3DES/RC2) is not supported yet; re-export with OpenSSL 3 defaults (PBES2/AES-256-CBC)`,
    );
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
  password: ArrayBuffer,
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
      checkEncryption(shrouded.encryptionAlgorithm);
      // what PKCS8ShroudedKeyBag.parseInternalValues does (protected in pkijs' typings)
      const encrypted = new pkijs.EncryptedData({
        encryptedContentInfo: new pkijs.EncryptedContentInfo({
          contentEncryptionAlgorithm: shrouded.encryptionAlgorithm,
          encryptedContent: shrouded.encryptedData,
        }),
      });
      let decrypted: ArrayBuffer | undefined;
      await attempt(
        async () => {
          decrypted = await encrypted.decrypt({ password }, crypto);
        },
        () => badPasswordOrMalformed(pfx),
      );
      try {
        keys.push(pkijs.PrivateKeyInfo.fromBER(decrypted as ArrayBuffer));
      } catch {
        fail(Pkcs12ErrorCode.PKCS12_MALFORMED, 'the decrypted key is not a PKCS#8 PrivateKeyInfo');
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
