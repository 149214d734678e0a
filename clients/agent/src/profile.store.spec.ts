import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { ExitCode } from './agent.errors';
import { encryptPrivateKey } from './key-encryption';
import { defaultHome, ProfileSettings, ProfileStore } from './profile.store';

const ca = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000004',
  serviceTypes: ['43'],
  keyType: 'ec',
});
const settings: ProfileSettings = {
  version: 1,
  officeNumber: '1310000004',
  serviceTypes: ['43'],
  platformUrl: 'http://127.0.0.1:8080',
  certificateSha256: office.fingerprint,
  createdAt: '2026-11-24T05:30:00.000Z',
};
const PASSPHRASE = 'correct horse battery';
const rawKeyDer = office.privateKey.export({ type: 'pkcs8', format: 'der' });

describe(ProfileStore.name, () => {
  let home: string;
  let input: Parameters<ProfileStore['save']>[1];
  const passphrase = async (): Promise<string> => PASSPHRASE;
  beforeAll(async () => {
    input = {
      settings,
      certificatePem: office.certificatePem,
      encryptedKeyPem: await encryptPrivateKey(office.privateKey, PASSPHRASE, { iterations: 1000 }),
      trustAnchorsPem: ca.certificatePem,
    };
  });
  beforeEach(() => {
    home = join(mkdtempSync(join(tmpdir(), 'renkei-agent-profile-')), 'home');
  });
  afterEach(() => rmSync(join(home, '..'), { recursive: true, force: true }));

  it('saves profiles/<name>/ with the key encrypted (0600, dirs 0700) and loads it with the passphrase', async () => {
    const sut = new ProfileStore(home);

    const dir = await sut.save('1310000004', input);
    const loaded = await sut.load('1310000004', passphrase);

    expect(dir).toBe(join(home, 'profiles', '1310000004'));
    expect(loaded).toMatchObject({ name: '1310000004', dir, settings, keyProtection: 'passphrase' });
    expect(Buffer.from(loaded.certificate).equals(Buffer.from(office.certificate))).toBe(true);
    expect(loaded.privateKey.export({ type: 'pkcs8', format: 'der' }).equals(rawKeyDer)).toBe(true);
    expect(loaded.trustAnchorsPem).toBe(ca.certificatePem);
    const keyFile = readFileSync(join(dir, 'key.pem'), 'utf8');
    expect(keyFile).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(keyFile).not.toContain(rawKeyDer.toString('base64').slice(0, 40));
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    for (const d of [home, join(home, 'profiles'), dir]) expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('refuses a plain key on save', async () => {
    const plain = office.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    await expect(new ProfileStore(home).save('x1', { ...input, encryptedKeyPem: plain })).rejects.toThrow(
      'encrypted',
    );
  });

  it('answers KEY_PASSPHRASE_WRONG (exit 3) for a wrong passphrase, without the key in the message', async () => {
    const sut = new ProfileStore(home);
    await sut.save('1310000004', input);

    const error = await sut.load('1310000004', async () => 'wrong passphrase').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'KEY_PASSPHRASE_WRONG', exitCode: ExitCode.InvalidInput });
    expect(String((error as Error).message)).not.toMatch(/PRIVATE KEY|wrong passphrase/);
  });

  it('refuses to replace a profile unless asked', async () => {
    const sut = new ProfileStore(home);
    await sut.save('1310000004', input);

    await expect(sut.save('1310000004', input)).rejects.toMatchObject({ code: 'PROFILE_EXISTS' });
    await expect(sut.save('1310000004', input, true)).resolves.toBe(join(home, 'profiles', '1310000004'));
  });

  it('selects the only profile, the requested one, or asks which when there are several', async () => {
    const sut = new ProfileStore(home);
    await expect(sut.select(undefined)).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      exitCode: ExitCode.NotFound,
    });
    await sut.save('1310000004', input);
    await expect(sut.select(undefined)).resolves.toBe('1310000004');

    await sut.save('1310000004-46', input);

    const several = await sut.select(undefined).catch((e: unknown) => e);
    expect(several).toMatchObject({
      code: 'PROFILE_NOT_SELECTED',
      exitCode: ExitCode.Usage,
      details: { profiles: ['1310000004', '1310000004-46'] },
    });
    expect((several as Error).message).toContain('1310000004, 1310000004-46');
    await expect(sut.select('1310000004-46')).resolves.toBe('1310000004-46');
    await expect(sut.select('1320000001')).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      details: { profiles: ['1310000004', '1310000004-46'] },
    });
    await expect(sut.select('../etc')).rejects.toMatchObject({ code: 'PROFILE_NAME_INVALID' });
    expect((await sut.list()).map((p) => p.name)).toEqual(['1310000004', '1310000004-46']);
  });

  it('removes one profile and leaves the others', async () => {
    const sut = new ProfileStore(home);
    await sut.save('1310000004', input);
    await sut.save('1310000004-46', input);

    await sut.remove('1310000004');

    expect(readdirSync(join(home, 'profiles'))).toEqual(['1310000004-46']);
    await expect(sut.remove('1310000004')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
  });

  describe('a home of an older version (profile.json at its root, plain key)', () => {
    const plainKeyPem = office.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const receipt = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x07]);
    function writeLegacyHome(): void {
      mkdirSync(join(home, 'receipts'), { recursive: true, mode: 0o700 });
      writeFileSync(join(home, 'profile.json'), JSON.stringify(settings, null, 2));
      writeFileSync(join(home, 'certificate.pem'), office.certificatePem);
      writeFileSync(join(home, 'ca.pem'), ca.certificatePem);
      writeFileSync(join(home, 'key.pem'), plainKeyPem, { mode: 0o600 });
      writeFileSync(join(home, 'receipts', 'e1.acceptance.der'), receipt);
    }

    it('is moved into profiles/<事業所番号>/ with every file, and its plain key loads with a warning', async () => {
      writeLegacyHome();
      const warnings: string[] = [];
      const sut = new ProfileStore(home, { warn: (m) => warnings.push(m) });

      const loaded = await sut.load(await sut.select(undefined), async () => {
        throw new Error('a plain key needs no passphrase');
      });

      const dir = join(home, 'profiles', '1310000004');
      expect(readdirSync(home)).toEqual(['profiles']);
      expect(readdirSync(dir).sort()).toEqual([
        'ca.pem',
        'certificate.pem',
        'key.pem',
        'profile.json',
        'receipts',
      ]);
      expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe(plainKeyPem);
      expect(readFileSync(join(dir, 'receipts', 'e1.acceptance.der')).equals(receipt)).toBe(true);
      expect(loaded).toMatchObject({ name: '1310000004', keyProtection: 'plain', settings });
      expect(loaded.privateKey.export({ type: 'pkcs8', format: 'der' }).equals(rawKeyDer)).toBe(true);
      expect(warnings).toEqual([
        expect.stringContaining('旧形式のプロファイルを'),
        expect.stringContaining('renkei profile rekey --profile 1310000004'),
      ]);
      expect((await sut.list())[0].keyProtection).toBe('plain');
    });

    it('finishes a migration that was interrupted, before or after profile.json moved', async () => {
      writeLegacyHome();
      // interrupted after the certificate moved into the staging directory
      const staging = join(home, 'profiles', '.migrating-1310000004');
      mkdirSync(staging, { recursive: true });
      writeFileSync(join(staging, 'certificate.pem'), office.certificatePem);
      rmSync(join(home, 'certificate.pem'));

      expect((await new ProfileStore(home).list()).map((p) => p.name)).toEqual(['1310000004']);
      expect(readdirSync(join(home, 'profiles', '1310000004')).sort()).toEqual([
        'ca.pem',
        'certificate.pem',
        'key.pem',
        'profile.json',
        'receipts',
      ]);

      // interrupted after profile.json moved, before the rename into place
      rmSync(home, { recursive: true });
      writeLegacyHome();
      mkdirSync(join(home, 'profiles'), { mode: 0o700 });
      mkdirSync(staging);
      for (const f of ['profile.json', 'certificate.pem', 'ca.pem', 'key.pem', 'receipts']) {
        renameSync(join(home, f), join(staging, f));
      }
      expect((await new ProfileStore(home).list()).map((p) => p.name)).toEqual(['1310000004']);
      expect(readdirSync(join(home, 'profiles'))).toEqual(['1310000004']);
    });

    it('is not migrated over an existing profile of the same name', async () => {
      await new ProfileStore(home).save('1310000004', input);
      writeLegacyHome();

      await expect(new ProfileStore(home).list()).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
      expect(readFileSync(join(home, 'key.pem'), 'utf8')).toBe(plainKeyPem);
    });
  });

  it('defaults to $RENKEI_HOME, else ~/.renkei-agent', () => {
    expect(defaultHome({ RENKEI_HOME: '/x' })).toBe('/x');
    expect(defaultHome({})).toMatch(/\.renkei-agent$/);
  });
});
