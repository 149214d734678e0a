import { rc2CbcDecrypt, rc2DecryptBlockOf, rc2EncryptBlock, rc2ExpandKey, rc4 } from './legacy-ciphers';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('RC2 (RFC 2268)', () => {
  // RFC 2268 section 5: key, effective key bits, plaintext, ciphertext
  it.each([
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    [
      '88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e',
      129,
      '0000000000000000',
      '5b78d3a43dfff1f1',
    ],
  ])('key %s at %i effective bits: test vector encrypts and decrypts', (key, bits, plain, cipher) => {
    const k = rc2ExpandKey(hex(key), bits);

    expect(toHex(rc2EncryptBlock(k, hex(plain)))).toBe(cipher);
    expect(toHex(rc2DecryptBlockOf(k, hex(cipher)))).toBe(plain);
  });

  it('decrypts CBC with PKCS#7 padding and refuses bad padding or partial blocks', () => {
    const key = hex('0102030405');
    const k = rc2ExpandKey(key, 40);
    const iv = hex('0011223344556677');
    const plain = new TextEncoder().encode('legacy office certificate');
    const padded = new Uint8Array(32);
    padded.set(plain);
    padded.fill(32 - plain.length, plain.length);
    const cipher = new Uint8Array(32);
    let previous = iv;
    for (let offset = 0; offset < 32; offset += 8) {
      const block = padded.slice(offset, offset + 8).map((byte, i) => byte ^ previous[i]);
      previous = rc2EncryptBlock(k, block);
      cipher.set(previous, offset);
    }

    expect(new TextDecoder().decode(rc2CbcDecrypt(key, 40, iv, cipher))).toBe('legacy office certificate');
    expect(() => rc2CbcDecrypt(key, 40, iv, cipher.subarray(0, 20))).toThrow(/whole blocks/);
    expect(() => rc2CbcDecrypt(hex('0102030406'), 40, iv, cipher)).toThrow(/padding/);
  });
});

describe('RC4', () => {
  // RFC 6229 section 2, 40-bit key 0102030405: keystream bytes 0-15 and 16-31
  it('matches the RFC 6229 keystream', () => {
    const stream = rc4(hex('0102030405'), new Uint8Array(32));

    expect(toHex(stream)).toBe('b2396305f03dc027ccc3524a0a1118a8' + '6982944f18fc82d589c403a47a0d0919');
    expect(toHex(rc4(hex('0102030405'), stream))).toBe('00'.repeat(32));
  });
});
