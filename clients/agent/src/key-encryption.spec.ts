import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from './agent.errors';
import {
  decryptPrivateKey,
  encryptPrivateKey,
  KEY_KDF_ITERATIONS,
  keyFileKind,
  keyKdfIterations,
} from './key-encryption';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const der = (key: typeof rsa): Buffer => key.export({ type: 'pkcs8', format: 'der' });

describe(encryptPrivateKey.name, () => {
  it.each([
    ['rsa', rsa],
    ['ec', ec],
  ])(
    'writes a %s key as PBES2 EncryptedPrivateKeyInfo that opens with the passphrase only',
    async (_, key) => {
      const pem = await encryptPrivateKey(key, 'パスフレーズ pass', { iterations: 2000 });

      expect(keyFileKind(pem)).toBe('encrypted');
      expect(keyKdfIterations(pem)).toBe(2000);
      expect(der(decryptPrivateKey(pem, 'パスフレーズ pass')).equals(der(key))).toBe(true);
      expect(() => decryptPrivateKey(pem, 'パスフレーズ pasS')).toThrow(
        expect.objectContaining({ code: 'KEY_PASSPHRASE_WRONG', exitCode: ExitCode.InvalidInput }),
      );
      expect(() => decryptPrivateKey(pem, undefined)).toThrow(
        expect.objectContaining({ code: 'KEY_PASSPHRASE_REQUIRED', exitCode: ExitCode.Usage }),
      );
    },
  );

  it('uses a fresh salt and IV each time', async () => {
    const a = await encryptPrivateKey(ec, 'same passphrase', { iterations: 1000 });
    const b = await encryptPrivateKey(ec, 'same passphrase', { iterations: 1000 });

    expect(a).not.toBe(b);
  });

  it('refuses fewer than 1000 iterations', async () => {
    await expect(encryptPrivateKey(ec, 'same passphrase', { iterations: 999 })).rejects.toThrow('iterations');
  });

  it('opens a plain PKCS#8 PEM (profiles of older versions) without a passphrase', () => {
    const plain = ec.export({ type: 'pkcs8', format: 'pem' }).toString();

    expect(keyFileKind(plain)).toBe('plain');
    expect(der(decryptPrivateKey(plain, undefined)).equals(der(ec))).toBe(true);
  });

  it('is what `openssl pkcs8` reads (PBKDF2-HMAC-SHA256, AES-256-CBC)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renkei-agent-key-'));
    try {
      writeFileSync(join(dir, 'key.pem'), await encryptPrivateKey(ec, 'openssl-pass', { iterations: 1000 }));
      const parsed = execFileSync('openssl', ['asn1parse', '-in', join(dir, 'key.pem')]).toString();
      expect(parsed).toMatch(/PBES2[\s\S]*PBKDF2[\s\S]*hmacWithSHA256[\s\S]*aes-256-cbc/);
      const plain = execFileSync('openssl', [
        'pkcs8',
        '-in',
        join(dir, 'key.pem'),
        '-passin',
        'pass:openssl-pass',
      ]).toString();
      expect(der(decryptPrivateKey(plain, undefined)).equals(der(ec))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`unlocks a key at the default ${KEY_KDF_ITERATIONS} iterations in well under a second`, async () => {
    const pem = await encryptPrivateKey(rsa, 'timed passphrase');
    expect(keyKdfIterations(pem)).toBe(KEY_KDF_ITERATIONS);

    const started = process.hrtime.bigint();
    decryptPrivateKey(pem, 'timed passphrase');
    const ms = Number(process.hrtime.bigint() - started) / 1e6;

    // ~200 ms on an idle 2-core machine; the bound leaves room for a loaded CI runner
    process.stdout.write(`unlock at ${KEY_KDF_ITERATIONS} PBKDF2 iterations: ${ms.toFixed(0)} ms\n`);
    expect(ms).toBeLessThan(1500);
  });
});
