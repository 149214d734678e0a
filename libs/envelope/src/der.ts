import { createPublicKey, hash, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];

let engineReady = false;

/** pkijs needs a WebCrypto engine; node's native one is used (set once per process). */
export function ensurePkijsEngine(): void {
  if (engineReady) return;
  pkijs.setEngine(
    'node-webcrypto',
    new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as EngineCrypto }),
  );
  engineReady = true;
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function sha256Hex(bytes: Uint8Array | ArrayBuffer): string {
  // one-shot: no Hash object per call (a third of the cost for a certificate-sized input)
  return hash('sha256', bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), 'hex');
}

/** Decodes one complete BER/DER value; trailing bytes or a decode error give MALFORMED_DER. */
export function decodeDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  let result: ReturnType<typeof asn1js.fromBER>;
  try {
    result = asn1js.fromBER(bytes);
  } catch (cause) {
    throw new EnvelopeError(EnvelopeErrorCode.MALFORMED_DER, `${what} is not valid DER`, { cause });
  }
  if (result.offset === -1 || result.offset !== bytes.byteLength) {
    throw new EnvelopeError(EnvelopeErrorCode.MALFORMED_DER, `${what} is not valid DER`);
  }
  return result.result;
}

/** Runs a pkijs/asn1js step and turns whatever it throws into an EnvelopeError with `code`. */
export function wrap<T>(code: EnvelopeErrorCode, message: string, step: () => T): T {
  try {
    return step();
  } catch (cause) {
    if (cause instanceof EnvelopeError) throw cause;
    throw new EnvelopeError(code, message, { cause });
  }
}

export async function wrapAsync<T>(
  code: EnvelopeErrorCode,
  message: string,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    if (cause instanceof EnvelopeError) throw cause;
    throw new EnvelopeError(code, message, { cause });
  }
}

export function parseCertificate(der: Uint8Array, what: string): pkijs.Certificate {
  const asn1 = decodeDer(der, what);
  return wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    `${what} is not an X.509 certificate`,
    () => new pkijs.Certificate({ schema: asn1 }),
  );
}

export function sameIssuerAndSerial(a: pkijs.IssuerAndSerialNumber, cert: pkijs.Certificate): boolean {
  return a.issuer.isEqual(cert.issuer) && a.serialNumber.isEqual(cert.serialNumber);
}

/** Throws INVALID_KEY unless `key` is a private key whose public half is the certificate's. */
export function assertKeyMatchesCertificate(certDer: Uint8Array, key: KeyObject, who: string): void {
  const publicKey = wrap(
    EnvelopeErrorCode.INVALID_KEY,
    `${who} private key is not usable`,
    () => new X509Certificate(certDer).publicKey,
  );
  assertKeyMatchesPublicKey(publicKey, key, who);
}

/** Throws INVALID_KEY unless `key` is a private key whose public half is `publicKey`. */
export function assertKeyMatchesPublicKey(publicKey: KeyObject, key: KeyObject, who: string): void {
  const matches = wrap(EnvelopeErrorCode.INVALID_KEY, `${who} private key is not usable`, () => {
    const fromCert = publicKey.export({ type: 'spki', format: 'der' });
    const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
    return key.type === 'private' && fromCert.equals(fromKey);
  });
  if (!matches) {
    throw new EnvelopeError(
      EnvelopeErrorCode.INVALID_KEY,
      `${who} private key does not match the ${who} certificate`,
    );
  }
}
