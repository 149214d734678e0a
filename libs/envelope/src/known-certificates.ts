// Certificates the fast envelope parse has already read, by their octets. Envelopes of one office carry the same
// signer certificate month after month; once its DER has passed the structure checks, the same octets pass them
// again with the same result, and its SHA-256 (the cache key of the certificate policies) is the same. A hit costs
// a cheap key and one memcmp of the certificate instead of a tree walk and a SHA-256 pass.
import { sha256Hex } from './der';

/** A certificate that passed the fast parse's checks, with the offsets the parse needs (relative to its start). */
export interface KnownCertificate {
  /** a copy of the certificate's DER, never a view into an envelope */
  readonly der: Buffer;
  /** hex SHA-256 of `der` */
  readonly sha256: string;
  readonly issuerStart: number;
  readonly issuerEnd: number;
  readonly serialStart: number;
  readonly serialEnd: number;
}

/**
 * A bounded map of KnownCertificate by a cheap key (length and last four octets, inside the signature value) with
 * a full octet comparison on every hit, so a key collision (chance, or crafted) only costs a miss. Oldest
 * entries go first when it is full.
 */
export class KnownCertificates {
  private readonly entries = new Map<number, KnownCertificate>();

  constructor(readonly maxEntries = 4096) {}

  get size(): number {
    return this.entries.size;
  }

  /** the known certificate whose DER is bytes[start, end), if any */
  find(bytes: Uint8Array, start: number, end: number): KnownCertificate | undefined {
    if (end - start < 4) return undefined;
    const found = this.entries.get(keyOf(bytes, start, end));
    return found !== undefined && found.der.compare(bytes, start, end) === 0 ? found : undefined;
  }

  /** remembers bytes[start, end) (copied) as a certificate that passed the checks; returns the entry */
  remember(
    bytes: Uint8Array,
    start: number,
    end: number,
    parts: { issuerStart: number; issuerEnd: number; serialStart: number; serialEnd: number },
  ): KnownCertificate {
    const der = Buffer.from(bytes.subarray(start, end));
    const entry: KnownCertificate = {
      der,
      sha256: sha256Hex(der),
      issuerStart: parts.issuerStart - start,
      issuerEnd: parts.issuerEnd - start,
      serialStart: parts.serialStart - start,
      serialEnd: parts.serialEnd - start,
    };
    if (end - start < 4) return entry;
    const key = keyOf(bytes, start, end);
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as number);
    }
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** length (up to 2^21) and the last four octets: below 2^53, so exact as a number key */
function keyOf(bytes: Uint8Array, start: number, end: number): number {
  const tail =
    ((bytes[end - 4] << 24) | (bytes[end - 3] << 16) | (bytes[end - 2] << 8) | bytes[end - 1]) >>> 0;
  return ((end - start) % 0x200000) * 0x100000000 + tail;
}
