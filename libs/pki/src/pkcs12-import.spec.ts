import { execFileSync } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('refuses legacy 3DES/RC2 encryption with PKCS12_UNSUPPORTED_ENCRYPTION', async () => {
    const legacy = opensslP12(ecOffice, 'pw', [
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
    ]);

    await expect(codeOf(importPkcs12(legacy, 'pw'))).resolves.toBe(
      Pkcs12ErrorCode.PKCS12_UNSUPPORTED_ENCRYPTION,
    );
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
