import { execFileSync } from 'node:child_process';
import { createPublicKey, KeyObject, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { createDevCa, DevCredential, issueOfficeCertificate } from './dev-pki';
import { exportPkcs12 } from './pkcs12';
import { importPkcs12, Pkcs12Error, Pkcs12ErrorCode } from './pkcs12-import';
import { credentialFromPem } from './pem';

const ca = createDevCa();
const rsaOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000100',
  serviceTypes: ['43'],
  keyType: 'rsa',
});
const ecOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000005',
  serviceTypes: ['11'],
  keyType: 'ec',
});

const spki = (key: Parameters<typeof createPublicKey>[0]): Buffer =>
  createPublicKey(key).export({ type: 'spki', format: 'der' });

function withDir<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-p12-import-'));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl pkcs12 -export` with the office key, certificate and the CA; extra args e.g. -legacy */
function opensslP12(office: DevCredential, password: string, extra: string[] = []): Uint8Array {
  return withDir((dir) => {
    writeFileSync(join(dir, 'key.pem'), office.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), office.certificatePem);
    writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        'key.pem',
        '-in',
        'cert.pem',
        '-certfile',
        'ca.pem',
        '-passout',
        `pass:${password}`,
        '-out',
        'out.p12',
        ...extra,
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new Uint8Array(readFileSync(join(dir, 'out.p12')));
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof Pkcs12Error ? error.code : `not a Pkcs12Error: ${String(error)}`;
  }
}

describe(importPkcs12.name, () => {
  it.each([
    ['RSA', rsaOffice],
    ['EC', ecOffice],
  ])('reads an %s credential written by exportPkcs12, with the CA in the chain', async (_what, office) => {
    const bytes = await exportPkcs12(office, 'test-only', { chain: [ca.certificate] });

    const sut = await importPkcs12(bytes, 'test-only');

    expect(Buffer.from(sut.certificate).equals(Buffer.from(office.certificate))).toBe(true);
    expect(sut.certificatePem).toBe(office.certificatePem);
    expect(spki(sut.privateKey).equals(spki(office.privateKey))).toBe(true);
    expect(sut.chain.map((der) => new X509Certificate(der).fingerprint256)).toEqual([
      new X509Certificate(ca.certificate).fingerprint256,
    ]);
  });

  it('still accepts the friendly name as third argument and then has no chain', async () => {
    const sut = await importPkcs12(await exportPkcs12(ecOffice, 'pw', 'office'), 'pw');

    expect(sut.chain).toEqual([]);
  });

  it.each([
    ['RSA', rsaOffice],
    ['EC', ecOffice],
  ])('reads an %s .p12 made by openssl pkcs12 -export with OpenSSL 3 defaults', async (_what, office) => {
    const sut = await importPkcs12(opensslP12(office, 'open-sesame'), 'open-sesame');

    expect(new X509Certificate(sut.certificate).fingerprint256).toBe(
      new X509Certificate(office.certificate).fingerprint256,
    );
    expect(spki(sut.privateKey).equals(spki(office.privateKey))).toBe(true);
    expect(sut.chain).toHaveLength(1);
  });

  it('refuses a wrong password with PKCS12_BAD_PASSWORD', async () => {
    await expect(codeOf(importPkcs12(opensslP12(ecOffice, 'right'), 'wrong'))).resolves.toBe(
      Pkcs12ErrorCode.PKCS12_BAD_PASSWORD,
    );
    const ours = await exportPkcs12(rsaOffice, 'right');
    await expect(codeOf(importPkcs12(ours, 'wrong'))).resolves.toBe(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD);
  });

  describe('legacy files (PKCS#12 PBE, SHA-1 MAC)', () => {
    const signs = (sut: { certificate: Uint8Array; privateKey: KeyObject }): boolean => {
      const data = Buffer.from('jigyosho');
      const signature = sign('sha256', data, sut.privateKey);
      return verify('sha256', data, new X509Certificate(sut.certificate).publicKey, signature);
    };

    it.each([
      ['-legacy defaults (3DES key, RC2-40 certificates, SHA-1 MAC)', ['-legacy']],
      ['3DES key and certificates', ['-legacy', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES']],
      [
        '3DES key and certificates without -legacy',
        ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
      ],
      ['certificates in clear', ['-legacy', '-certpbe', 'NONE']],
      ['RC2-128 certificates', ['-legacy', '-certpbe', 'PBE-SHA1-RC2-128']],
      [
        '2-key 3DES key, RC4-128 certificates',
        ['-legacy', '-keypbe', 'PBE-SHA1-2DES', '-certpbe', 'PBE-SHA1-RC4-128'],
      ],
      ['RC4-40 certificates, SHA-256 MAC', ['-legacy', '-certpbe', 'PBE-SHA1-RC4-40', '-macalg', 'sha256']],
      ['unencrypted key bag', ['-legacy', '-keypbe', 'NONE']],
    ])('reads RSA and EC with %s, key matching the certificate, CA in the chain', async (_what, extra) => {
      for (const office of [rsaOffice, ecOffice]) {
        const sut = await importPkcs12(opensslP12(office, 'open-sesame', extra), 'open-sesame');

        expect(sut.certificatePem).toBe(office.certificatePem);
        expect(spki(sut.privateKey).equals(spki(office.privateKey))).toBe(true);
        expect(signs(sut)).toBe(true);
        expect(sut.chain.map((der) => new X509Certificate(der).fingerprint256)).toEqual([
          new X509Certificate(ca.certificate).fingerprint256,
        ]);
      }
    });

    it('reads a Japanese password and an empty one', async () => {
      const japanese = await importPkcs12(
        opensslP12(rsaOffice, 'パスワード秘密', ['-legacy']),
        'パスワード秘密',
      );
      const empty = await importPkcs12(opensslP12(ecOffice, '', ['-legacy']), '');
      const emptyNoMac = await importPkcs12(opensslP12(ecOffice, '', ['-legacy', '-nomac']), '');

      expect(signs(japanese)).toBe(true);
      expect(signs(empty)).toBe(true);
      expect(signs(emptyNoMac)).toBe(true);
    });

    it('refuses a wrong password with PKCS12_BAD_PASSWORD, with or without a MAC', async () => {
      const legacy = opensslP12(rsaOffice, 'right', ['-legacy']);
      const noMac = opensslP12(rsaOffice, 'right', ['-legacy', '-nomac']);

      await expect(codeOf(importPkcs12(legacy, 'wrong'))).resolves.toBe(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD);
      await expect(codeOf(importPkcs12(legacy, ''))).resolves.toBe(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD);
      await expect(codeOf(importPkcs12(noMac, 'wrong'))).resolves.toBe(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD);
      await expect(importPkcs12(noMac, 'right')).resolves.toMatchObject({ chain: [expect.anything()] });
    });

    it('refuses a corrupted MAC or content with PKCS12_BAD_PASSWORD', async () => {
      const legacy = opensslP12(ecOffice, 'pw', ['-legacy']);
      const pfx = pkijs.PFX.fromBER(legacy.slice().buffer);
      const digest = Buffer.from(pfx.macData?.mac.digest.valueBlock.valueHexView ?? []);
      const badMac = legacy.slice();
      badMac[Buffer.from(legacy).lastIndexOf(digest) + 5] ^= 0x01;
      // a byte of the RC2-encrypted certificates: the DER stays readable, only the MAC tells
      const authSafe = pkijs.AuthenticatedSafe.fromBER(pfx.authSafe.content.getValue());
      const ciphertext = Buffer.from(
        pkijs.EncryptedData.fromBER(
          authSafe.safeContents[0].content.toBER(false),
        ).encryptedContentInfo.getEncryptedContent(),
      );
      const badContent = legacy.slice();
      badContent[Buffer.from(legacy).indexOf(ciphertext) + 100] ^= 0x01;

      expect(digest).toHaveLength(20);
      expect(ciphertext.length).toBeGreaterThan(200);
      await expect(codeOf(importPkcs12(badMac, 'pw'))).resolves.toBe(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD);
      await expect(codeOf(importPkcs12(badContent, 'pw'))).resolves.toBe(Pkcs12ErrorCode.PKCS12_BAD_PASSWORD);
    });

    it('refuses a truncated legacy file with PKCS12_MALFORMED', async () => {
      const legacy = opensslP12(rsaOffice, 'pw', ['-legacy']);

      for (const length of [legacy.length - 1, legacy.length - 40, 100, 4]) {
        await expect(codeOf(importPkcs12(legacy.subarray(0, length), 'pw'))).resolves.toBe(
          Pkcs12ErrorCode.PKCS12_MALFORMED,
        );
      }
    });

    it('refuses PKCS#5 v1.5 PBE (MD5/DES) with PKCS12_UNSUPPORTED_ENCRYPTION naming the OID', async () => {
      const pbes1 = opensslP12(ecOffice, 'pw', ['-legacy', '-certpbe', 'PBE-MD5-DES']);

      const error = await importPkcs12(pbes1, 'pw').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Pkcs12Error);
      expect((error as Pkcs12Error).code).toBe(Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION);
      expect((error as Pkcs12Error).message).toContain('1.2.840.113549.1.5.3');
    });
  });

  it('refuses bytes that are not a PKCS#12 with PKCS12_MALFORMED', async () => {
    const good = await exportPkcs12(ecOffice, 'pw');

    await expect(codeOf(importPkcs12(new Uint8Array([1, 2, 3]), 'pw'))).resolves.toBe(
      Pkcs12ErrorCode.PKCS12_MALFORMED,
    );
    await expect(codeOf(importPkcs12(good.subarray(0, good.length - 10), 'pw'))).resolves.toBe(
      Pkcs12ErrorCode.PKCS12_MALFORMED,
    );
    await expect(codeOf(importPkcs12(new Uint8Array(Buffer.from(ca.certificate)), 'pw'))).resolves.toBe(
      Pkcs12ErrorCode.PKCS12_MALFORMED,
    );
  });

  it('never puts the password in its error message', async () => {
    const error = await importPkcs12(await exportPkcs12(ecOffice, 'right'), 'secret-guess').catch(
      (e: unknown) => e,
    );

    expect(String((error as Error).message)).not.toContain('secret-guess');
  });
});

describe(credentialFromPem.name, () => {
  it('rebuilds a credential from PEM files and refuses a key of another certificate', () => {
    const sut = credentialFromPem(ca.certificatePem, ca.privateKeyPem);

    expect(sut.fingerprint).toBe(ca.fingerprint);
    expect(() => credentialFromPem(ca.certificatePem, ecOffice.privateKeyPem)).toThrow(/does not match/);
  });
});
