// PKCS#12 password-based encryption and MAC (RFC 7292 appendices B and C): the key derivation function, the
// legacy pbeWithSHAAnd… ciphers and the password-integrity MAC. Decryption and verification only.
import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { rc2CbcDecrypt, rc4 } from './legacy-ciphers';

export enum Pkcs12KdfId {
  KEY = 1,
  IV = 2,
  MAC = 3,
}

interface Digest {
  /** node:crypto name */
  name: string;
  /** output bytes (u) */
  size: number;
  /** block bytes (v) */
  block: number;
}

const SHA1: Digest = { name: 'sha1', size: 20, block: 64 };

/** MAC digests by OID; OpenSSL and Windows write SHA-1 (legacy) or SHA-256 */
const MAC_DIGESTS: ReadonlyMap<string, Digest> = new Map([
  ['1.3.14.3.2.26', SHA1],
  ['2.16.840.1.101.3.4.2.4', { name: 'sha224', size: 28, block: 64 }],
  ['2.16.840.1.101.3.4.2.1', { name: 'sha256', size: 32, block: 64 }],
  ['2.16.840.1.101.3.4.2.2', { name: 'sha384', size: 48, block: 128 }],
  ['2.16.840.1.101.3.4.2.3', { name: 'sha512', size: 64, block: 128 }],
]);

/**
 * The password as PKCS#12 hashes it: big-endian UTF-16 (BMPString; characters beyond the BMP as surrogate
 * pairs, as OpenSSL does) with a trailing NUL. `null` is the absent password: no bytes at all, which OpenSSL
 * uses for files written with an empty password.
 */
export function pkcs12Password(password: string | null): Uint8Array {
  if (password === null) return new Uint8Array(0);
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/** RFC 7292 appendix B.2: `length` bytes of key material of kind `id` from the encoded password and salt */
export function pkcs12Kdf(
  digestName: 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512',
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  id: Pkcs12KdfId,
  length: number,
): Uint8Array {
  const digest = [...MAC_DIGESTS.values()].find((d) => d.name === digestName) ?? SHA1;
  return kdf(digest, password, salt, iterations, id, length);
}

function kdf(
  digest: Digest,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  id: Pkcs12KdfId,
  length: number,
): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('iterations must be at least 1');
  const v = digest.block;
  const fill = (source: Uint8Array): Uint8Array => {
    const out = new Uint8Array(v * Math.ceil(source.length / v));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length];
    return out;
  };
  const d = new Uint8Array(v).fill(id);
  const i = new Uint8Array([...fill(salt), ...fill(password)]);
  const out = new Uint8Array(length);
  for (let produced = 0; produced < length;) {
    let a: Uint8Array = createHash(digest.name).update(d).update(i).digest();
    for (let n = 1; n < iterations; n++) a = createHash(digest.name).update(a).digest();
    out.set(a.subarray(0, Math.min(a.length, length - produced)), produced);
    produced += a.length;
    if (produced >= length) break;
    // B: A_i repeated to v bytes
    const b = new Uint8Array(v);
    for (let n = 0; n < v; n++) b[n] = a[n % a.length];
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I
    for (let offset = 0; offset < i.length; offset += v) {
      let carry = 1;
      for (let n = v - 1; n >= 0; n--) {
        const sum = i[offset + n] + b[n] + carry;
        i[offset + n] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}

interface LegacyCipher {
  name: string;
  keyLength: number;
  ivLength: number;
  decrypt: (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Uint8Array;
}

const nodeCipher =
  (cipher: string) =>
  (key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array => {
    const decipher = createDecipheriv(cipher, key, iv);
    return new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
  };

/** RFC 7292 appendix C: pkcs-12PbeIds, all keyed with SHA-1 */
const LEGACY_CIPHERS: ReadonlyMap<string, LegacyCipher> = new Map([
  [
    '1.2.840.113549.1.12.1.1',
    {
      name: 'pbeWithSHAAnd128BitRC4',
      keyLength: 16,
      ivLength: 0,
      decrypt: (key, _iv, data) => rc4(key, data),
    },
  ],
  [
    '1.2.840.113549.1.12.1.2',
    { name: 'pbeWithSHAAnd40BitRC4', keyLength: 5, ivLength: 0, decrypt: (key, _iv, data) => rc4(key, data) },
  ],
  [
    '1.2.840.113549.1.12.1.3',
    {
      name: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
      keyLength: 24,
      ivLength: 8,
      decrypt: nodeCipher('des-ede3-cbc'),
    },
  ],
  [
    '1.2.840.113549.1.12.1.4',
    {
      name: 'pbeWithSHAAnd2-KeyTripleDES-CBC',
      keyLength: 16,
      ivLength: 8,
      decrypt: nodeCipher('des-ede-cbc'),
    },
  ],
  [
    '1.2.840.113549.1.12.1.5',
    {
      name: 'pbeWithSHAAnd128BitRC2-CBC',
      keyLength: 16,
      ivLength: 8,
      decrypt: (key, iv, data) => rc2CbcDecrypt(key, 128, iv, data),
    },
  ],
  [
    '1.2.840.113549.1.12.1.6',
    {
      name: 'pbeWithSHAAnd40BitRC2-CBC',
      keyLength: 5,
      ivLength: 8,
      decrypt: (key, iv, data) => rc2CbcDecrypt(key, 40, iv, data),
    },
  ],
]);

/** whether `oid` is a PKCS#12 PBE this module decrypts */
export const isLegacyPbe = (oid: string): boolean => LEGACY_CIPHERS.has(oid);

/** name of a supported legacy PBE, for messages */
export const legacyPbeName = (oid: string): string | undefined => LEGACY_CIPHERS.get(oid)?.name;

/**
 * Decrypts `data` with the PKCS#12 PBE `oid` (see isLegacyPbe). Throws a plain Error when the password is
 * wrong as far as padding can tell (stream ciphers cannot tell), or the parameters are unusable.
 */
export function decryptLegacyPbe(
  oid: string,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
): Uint8Array {
  const cipher = LEGACY_CIPHERS.get(oid);
  if (!cipher) throw new Error(`not a supported PKCS#12 PBE: ${oid}`);
  const key = kdf(SHA1, password, salt, iterations, Pkcs12KdfId.KEY, cipher.keyLength);
  const iv = kdf(SHA1, password, salt, iterations, Pkcs12KdfId.IV, Math.max(cipher.ivLength, 1)).subarray(
    0,
    cipher.ivLength,
  );
  return cipher.decrypt(key, iv, data);
}

/** whether `oid` is a MAC digest verifyPkcs12Mac supports */
export const isSupportedMacDigest = (oid: string): boolean => MAC_DIGESTS.has(oid);

/** RFC 7292 appendix B.4 password-integrity MAC: HMAC keyed with the PKCS#12 KDF (ID 3) over `content` */
export function verifyPkcs12Mac(
  digestOid: string,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  content: Uint8Array,
  expected: Uint8Array,
): boolean {
  const digest = MAC_DIGESTS.get(digestOid);
  if (!digest) throw new Error(`not a supported MAC digest: ${digestOid}`);
  const key = kdf(digest, password, salt, iterations, Pkcs12KdfId.MAC, digest.size);
  const actual = createHmac(digest.name, key).update(content).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
