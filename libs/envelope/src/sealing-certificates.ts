// What sealing needs from a certificate (its public key, its IssuerAndSerialNumber, whether the key is one the
// format allows), read once per certificate: an office seals unit after unit with the same two certificates, and
// reading one (X509Certificate, the key object) costs about as much as encrypting 100 KB.
import { KeyObject, X509Certificate } from 'node:crypto';
import { assertKeyMatchesPublicKey, sha256Hex, wrap } from './der';
import { readRoot } from './der-reader';
import { encodeDer, issuerAndSerialNumberElement } from './der-writer';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';

/** The key types of docs/envelope.md §1: RSA of 2048 bits or more, EC on P-256. */
export type SealingKeyType = 'rsa' | 'p256';

export interface SealingCertificate {
  /** hex SHA-256 of the certificate's DER: the cache key */
  readonly sha256: string;
  readonly publicKey: KeyObject;
  /** undefined for a key the format does not allow (refused by `checkSealingKey`) */
  readonly keyType: SealingKeyType | undefined;
  /** DER of IssuerAndSerialNumber: the issuer Name and serial INTEGER as the certificate encodes them */
  readonly issuerAndSerialNumber: Uint8Array;
  /** P-256 only: the public point, uncompressed (0x04 || x || y) */
  readonly ecPoint: Buffer | undefined;
}

/** The format's rule for a certificate key: RSA of 2048 bits or more, or EC on P-256. */
export function sealingKeyTypeOf(key: KeyObject): SealingKeyType | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) return 'rsa';
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'p256';
  return undefined;
}

/** Throws UNSUPPORTED_ALGORITHM unless the certificate's key is RSA-2048+ or P-256. */
export function checkSealingKey(cert: SealingCertificate, who: string): SealingKeyType {
  if (cert.keyType === undefined) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      `${who} certificate key is neither RSA-2048+ nor P-256`,
    );
  }
  return cert.keyType;
}

/**
 * Certificates read for sealing, by the SHA-256 of their DER, at most `maxEntries` (oldest first out). An entry
 * holds only what was derived from the octets (copied), so a caller may reuse its buffer; a certificate that
 * cannot be read is not remembered.
 */
export class SealingCertificates {
  private readonly entries = new Map<string, SealingCertificate>();
  /** private keys already found to match a certificate, per certificate (KeyObjects are immutable) */
  private readonly matchedKeys = new WeakMap<SealingCertificate, WeakSet<KeyObject>>();

  constructor(readonly maxEntries = 64) {}

  get size(): number {
    return this.entries.size;
  }

  /** The certificate in `certDer`; MALFORMED_DER (naming `what`) if it is not one DER X.509 certificate. */
  read(certDer: Uint8Array, what: string): SealingCertificate {
    const sha256 = sha256Hex(certDer);
    const known = this.entries.get(sha256);
    if (known !== undefined) {
      // most recently used goes last, so the oldest is first out
      this.entries.delete(sha256);
      this.entries.set(sha256, known);
      return known;
    }
    const entry = readCertificate(certDer, sha256, what);
    this.entries.set(sha256, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  /** Throws INVALID_KEY unless `key` is a private key whose public half is the certificate's. */
  assertKeyMatches(cert: SealingCertificate, key: KeyObject, who: string): void {
    if (this.matchedKeys.get(cert)?.has(key) === true) return;
    assertKeyMatchesPublicKey(cert.publicKey, key, who);
    const keys = this.matchedKeys.get(cert) ?? new WeakSet<KeyObject>();
    keys.add(key);
    this.matchedKeys.set(cert, keys);
  }

  clear(): void {
    this.entries.clear();
  }
}

function readCertificate(certDer: Uint8Array, sha256: string, what: string): SealingCertificate {
  wrap(EnvelopeErrorCode.MALFORMED_DER, `${what} is not valid DER`, () => readRoot(certDer));
  return wrap(EnvelopeErrorCode.MALFORMED_DER, `${what} is not an X.509 certificate`, () => {
    // encoded into a new buffer: the entry outlives the caller's
    const issuerAndSerialNumber = encodeDer(issuerAndSerialNumberElement(certDer));
    const publicKey = new X509Certificate(certDer).publicKey;
    const keyType = sealingKeyTypeOf(publicKey);
    const ecPoint = keyType === 'p256' ? uncompressedPoint(publicKey) : undefined;
    return { sha256, publicKey, keyType, issuerAndSerialNumber, ecPoint };
  });
}

function uncompressedPoint(key: KeyObject): Buffer {
  const { x, y } = key.export({ format: 'jwk' });
  if (x === undefined || y === undefined) throw new Error('no EC point');
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url')]);
}
