import { createHash } from 'node:crypto';
import { KnownCertificates } from './known-certificates';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const parts = (start: number) => ({
  issuerStart: start + 1,
  issuerEnd: start + 3,
  serialStart: start + 3,
  serialEnd: start + 4,
});

describe(KnownCertificates.name, () => {
  it('finds remembered octets anywhere in another buffer, with their SHA-256 and relative offsets', () => {
    const sut = new KnownCertificates();
    const certificate = Uint8Array.from([0x30, 1, 2, 3, 4, 5, 6, 7]);
    const entry = sut.remember(Uint8Array.from([9, 9, ...certificate]), 2, 10, parts(2));
    const elsewhere = Uint8Array.from([7, 7, 7, ...certificate, 7]);

    expect(sut.find(elsewhere, 3, 11)).toBe(entry);
    expect(entry).toMatchObject({
      sha256: sha256(certificate),
      issuerStart: 1,
      issuerEnd: 3,
      serialStart: 3,
    });
  });

  it('misses octets that share the key (length and last four octets) but differ elsewhere', () => {
    const sut = new KnownCertificates();
    const a = Uint8Array.from([0x30, 1, 2, 3, 4, 5, 6, 7]);
    const b = Uint8Array.from([0x30, 9, 2, 3, 4, 5, 6, 7]);
    sut.remember(a, 0, a.length, parts(0));

    expect(sut.find(b, 0, b.length)).toBeUndefined();
    expect(sut.find(a, 0, a.length - 1)).toBeUndefined();
  });

  it('keeps a copy, not a view of the buffer it was given', () => {
    const sut = new KnownCertificates();
    const bytes = Uint8Array.from([0x30, 1, 2, 3, 4, 5, 6, 7]);
    sut.remember(bytes, 0, bytes.length, parts(0));
    const original = Uint8Array.from(bytes);
    bytes[1] = 0xff;

    expect(sut.find(bytes, 0, bytes.length)).toBeUndefined();
    expect(sut.find(original, 0, original.length)?.sha256).toBe(sha256(original));
  });

  it('forgets the oldest entry past maxEntries', () => {
    const sut = new KnownCertificates(2);
    const certificates = [1, 2, 3].map((n) => Uint8Array.from([0x30, n, n, n, n, n]));
    for (const c of certificates) sut.remember(c, 0, c.length, parts(0));

    expect(sut.size).toBe(2);
    expect(certificates.map((c) => sut.find(c, 0, c.length) !== undefined)).toEqual([false, true, true]);
  });
});
