import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, exportPkcs12, issueOfficeCertificate } from '@renkei/pki';
import { createContext, openProfile } from '../agent.context';
import { ExitCode } from '../agent.errors';
import { KEY_KDF_ITERATIONS, keyKdfIterations } from '../key-encryption';
import { ProfileStore } from '../profile.store';
import { authRoutes, fakeFetch } from '../testing/fake-fetch';
import { installFakeSecretTool } from '../testing/fake-secret-tool';
import { loadTestProfile, TEST_KEY_ENCRYPTION, testContext } from '../testing/offices';
import { init } from './init.command';

const ca = createDevCa();
const otherCa = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000004',
  serviceTypes: ['43'],
  keyType: 'rsa',
});

describe(init.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-init-'));
    writeFileSync(join(dir, 'office.p12'), await exportPkcs12(office, 'pw', { chain: [ca.certificate] }));
    writeFileSync(join(dir, 'bare.p12'), await exportPkcs12(office, 'pw'));
    writeFileSync(join(dir, 'other-ca.pem'), otherCa.certificatePem);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the .p12 offline, trusting the CA certificate inside it', async () => {
    const ctx = testContext({ home: join(dir, 'home') });

    const result = await init(ctx, { p12: join(dir, 'office.p12'), password: 'pw', offline: true });

    expect(result).toMatchObject({
      profile: '1310000004',
      home: join(ctx.home, 'profiles', '1310000004'),
      officeNumber: '1310000004',
      serviceTypes: ['43'],
      trustAnchors: 1,
      keyProtection: 'passphrase',
      passphraseSource: 'env',
      published: null,
    });
    const profile = await loadTestProfile(ctx.home);
    expect(profile.trustAnchorsPem).toBe(ca.certificatePem);
    expect(profile.keyProtection).toBe('passphrase');
    // the production KDF cost unless told otherwise
    expect(keyKdfIterations(readFileSync(join(result.home, 'key.pem'), 'utf8'))).toBe(KEY_KDF_ITERATIONS);
  });

  it('publishes the certificate with the token it authenticated with', async () => {
    const fake = fakeFetch({
      ...authRoutes(() => new Date(Date.now() + 600_000).toISOString()),
      'PUT /v1/offices/me': () => ({
        status: 201,
        json: { officeNumber: '1310000004', version: 1, status: 'active' },
      }),
    });
    const ctx = testContext({ home: join(dir, 'home'), fetch: fake.fetch, platformUrl: 'http://p.test' });

    const result = await init(ctx, { p12: join(dir, 'office.p12'), password: 'pw' });

    expect(result.published).toMatchObject({ version: 1 });
    expect(result.platformUrl).toBe('http://p.test');
    const put = fake.calls.find((c) => c.path === '/v1/offices/me');
    expect(put?.body).toEqual({ certificatePem: office.certificatePem });
    expect(put?.headers.authorization).toBe('Bearer token-1');
  });

  it('refuses a wrong password (exit 3) and creates no profile', async () => {
    const ctx = testContext({ home: join(dir, 'home') });

    await expect(
      init(ctx, { p12: join(dir, 'office.p12'), password: 'nope', offline: true }),
    ).rejects.toMatchObject({
      code: 'PKCS12_BAD_PASSWORD',
      exitCode: ExitCode.InvalidInput,
    });
    expect(readdirSync(dir)).not.toContain('home');
  });

  it('refuses without a key passphrase (exit 2) before anything is published or written', async () => {
    const fake = fakeFetch({ ...authRoutes(() => new Date(Date.now() + 600_000).toISOString()) });
    const ctx = createContext({ home: join(dir, 'home'), env: {}, secretStore: null, fetch: fake.fetch });

    await expect(init(ctx, { p12: join(dir, 'office.p12'), password: 'pw' })).rejects.toMatchObject({
      code: 'KEY_PASSPHRASE_REQUIRED',
      exitCode: ExitCode.Usage,
    });
    expect(fake.calls).toEqual([]);
    expect(readdirSync(dir)).not.toContain('home');
  });

  it('keeps several profiles in one home: by office number, or by --name', async () => {
    const ctx = testContext({ home: join(dir, 'home') });
    const options = {
      p12: join(dir, 'office.p12'),
      password: 'pw',
      offline: true,
      keyEncryption: TEST_KEY_ENCRYPTION,
    };

    await init(ctx, options);
    await init(ctx, { ...options, name: '1310000004-43' });

    expect((await new ProfileStore(ctx.home).list()).map((p) => p.name)).toEqual([
      '1310000004',
      '1310000004-43',
    ]);
    await expect(init(ctx, { ...options, name: '1310000004-43' })).rejects.toMatchObject({
      code: 'PROFILE_EXISTS',
    });
    await expect(init(ctx, { ...options, name: '1310000004/43' })).rejects.toMatchObject({
      code: 'PROFILE_NAME_INVALID',
      exitCode: ExitCode.Usage,
    });
    await expect(init(ctx, { ...options, force: true })).resolves.toMatchObject({ profile: '1310000004' });
  });

  it('keeps a generated passphrase in the OS secret store when no passphrase is given', async () => {
    const fake = installFakeSecretTool(join(dir, 'os'));
    const ctx = createContext({ home: join(dir, 'home'), env: fake.env });

    const result = await init(ctx, {
      p12: join(dir, 'office.p12'),
      password: 'pw',
      offline: true,
      keyEncryption: TEST_KEY_ENCRYPTION,
    });

    expect(result).toMatchObject({ keyProtection: 'os-secret', passphraseSource: 'os-secret' });
    const store = new ProfileStore(ctx.home);
    const { keySecret } = await store.readSettings('1310000004');
    expect(keySecret).toEqual({ store: 'libsecret', id: expect.any(String) });
    expect(readdirSync(fake.secretsDir)).toContain(`${keySecret?.id}.secret`);
    // opens again with no passphrase given: the OS store answers
    await expect(openProfile(ctx)).resolves.toMatchObject({ name: '1310000004', keyProtection: 'os-secret' });
    // replacing the profile forgets the old secret
    await init(ctx, {
      p12: join(dir, 'office.p12'),
      password: 'pw',
      offline: true,
      force: true,
      keyEncryption: TEST_KEY_ENCRYPTION,
    });
    expect(readdirSync(fake.secretsDir)).not.toContain(`${keySecret?.id}.secret`);
  });

  it('needs a trust anchor when the .p12 has no CA, and checks the certificate against it', async () => {
    const ctx = testContext({ home: join(dir, 'home') });

    await expect(
      init(ctx, { p12: join(dir, 'bare.p12'), password: 'pw', offline: true }),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_INVALID',
    });
    await expect(
      init(ctx, {
        p12: join(dir, 'bare.p12'),
        password: 'pw',
        offline: true,
        trustAnchorFile: join(dir, 'other-ca.pem'),
      }),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_INVALID',
      message: expect.stringContaining('CERTIFICATE_UNTRUSTED'),
    });
  });
});
