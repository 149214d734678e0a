import { pkcs12Kdf, Pkcs12KdfId, pkcs12Password, verifyPkcs12Mac } from './pkcs12-pbe';
import { createHmac } from 'node:crypto';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe(pkcs12Password.name, () => {
  it('is BMPString with a trailing NUL; absent is empty; beyond the BMP as surrogate pairs', () => {
    expect(toHex(pkcs12Password('ab'))).toBe('006100620000');
    expect(toHex(pkcs12Password(''))).toBe('0000');
    expect(toHex(pkcs12Password(null))).toBe('');
    expect(toHex(pkcs12Password('パ'))).toBe('30d10000');
    expect(toHex(pkcs12Password('𠮷'))).toBe('d842dfb70000');
  });
});

describe(pkcs12Kdf.name, () => {
  // the SHA-1 vectors published with the PKCS#12 KDF and used by OpenSSL and Bouncy Castle tests
  it.each([
    ['smeg', '0a58cf64530d823f', 1, Pkcs12KdfId.KEY, 24, '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3'],
    ['smeg', '0a58cf64530d823f', 1, Pkcs12KdfId.IV, 8, '79993dfe048d3b76'],
    ['smeg', '3d83c0e4546ac140', 1, Pkcs12KdfId.MAC, 20, '8d967d88f6caa9d714800ab3d48051d63f73a312'],
    [
      'queeg',
      '1682c0fc5b3f7ec5',
      1000,
      Pkcs12KdfId.KEY,
      24,
      '483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f',
    ],
    ['queeg', '1682c0fc5b3f7ec5', 1000, Pkcs12KdfId.IV, 8, '9d461d1b00355c50'],
  ])(
    'SHA-1, password %s, salt %s, %i iterations, ID %i',
    (password, salt, iterations, id, length, expected) => {
      expect(toHex(pkcs12Kdf('sha1', pkcs12Password(password), hex(salt), iterations, id, length))).toBe(
        expected,
      );
    },
  );

  it('produces more than one hash output and prefixes of the same stream for shorter lengths', () => {
    const long = pkcs12Kdf('sha256', pkcs12Password('pw'), hex('0102030405060708'), 3, Pkcs12KdfId.KEY, 80);
    const short = pkcs12Kdf('sha256', pkcs12Password('pw'), hex('0102030405060708'), 3, Pkcs12KdfId.KEY, 40);

    expect(long).toHaveLength(80);
    expect(toHex(long).startsWith(toHex(short))).toBe(true);
  });
});

describe(verifyPkcs12Mac.name, () => {
  it('verifies an HMAC keyed with the KDF (ID 3) and refuses another password', () => {
    const salt = hex('3d83c0e4546ac140');
    const key = pkcs12Kdf('sha256', pkcs12Password('pw'), salt, 2048, Pkcs12KdfId.MAC, 32);
    const content = new TextEncoder().encode('authenticated safe');
    const mac = new Uint8Array(createHmac('sha256', key).update(content).digest());

    expect(verifyPkcs12Mac('2.16.840.1.101.3.4.2.1', pkcs12Password('pw'), salt, 2048, content, mac)).toBe(
      true,
    );
    expect(verifyPkcs12Mac('2.16.840.1.101.3.4.2.1', pkcs12Password('px'), salt, 2048, content, mac)).toBe(
      false,
    );
    expect(verifyPkcs12Mac('1.3.14.3.2.26', pkcs12Password('pw'), salt, 2048, content, mac)).toBe(false);
    expect(() => verifyPkcs12Mac('1.2.840.113549.2.5', pkcs12Password('pw'), salt, 1, content, mac)).toThrow(
      /1\.2\.840\.113549\.2\.5/,
    );
  });
});
