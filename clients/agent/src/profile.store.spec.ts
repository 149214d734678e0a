import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { ExitCode } from './agent.errors';
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
const input = {
  settings,
  certificatePem: office.certificatePem,
  privateKey: office.privateKey,
  trustAnchorsPem: ca.certificatePem,
};

describe(ProfileStore.name, () => {
  let home: string;
  beforeEach(() => {
    home = join(mkdtempSync(join(tmpdir(), 'renkei-agent-profile-')), 'home');
  });
  afterEach(() => rmSync(join(home, '..'), { recursive: true, force: true }));

  it('saves and loads a profile, the key as PKCS#8 with mode 0600', async () => {
    const sut = new ProfileStore(home);

    await sut.save(input);
    const loaded = await sut.load();

    expect(loaded.settings).toEqual(settings);
    expect(Buffer.from(loaded.certificate).equals(Buffer.from(office.certificate))).toBe(true);
    expect(loaded.trustAnchorsPem).toBe(ca.certificatePem);
    expect(readFileSync(join(home, 'key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(join(home, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  it('refuses to replace a profile unless asked', async () => {
    const sut = new ProfileStore(home);
    await sut.save(input);

    await expect(sut.save(input)).rejects.toMatchObject({ code: 'PROFILE_EXISTS' });
    await expect(sut.save(input, true)).resolves.toBeUndefined();
  });

  it('answers PROFILE_NOT_FOUND (exit 6) when there is no profile', async () => {
    await expect(new ProfileStore(home).load()).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      exitCode: ExitCode.NotFound,
    });
  });

  it('defaults to $RENKEI_HOME, else ~/.renkei-agent', () => {
    expect(defaultHome({ RENKEI_HOME: '/x' })).toBe('/x');
    expect(defaultHome({})).toMatch(/\.renkei-agent$/);
  });
});
