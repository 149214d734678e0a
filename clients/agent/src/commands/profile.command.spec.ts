import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { ExitCode } from '../agent.errors';
import { runCli } from '../cli';
import { keyFileKind } from '../key-encryption';
import { ProfileStore } from '../profile.store';
import { installFakeSecretTool } from '../testing/fake-secret-tool';
import { saveTestProfile, TEST_ENV, TEST_PASSPHRASE } from '../testing/offices';

const ca = createDevCa();
const credential = (officeNumber: string, serviceType: string) =>
  issueOfficeCertificate(ca, { officeNumber, serviceTypes: [serviceType], keyType: 'ec' });
const A = credential('1310000004', '43');
const B = credential('1320000001', '11');

function inputOf(office: typeof A, officeNumber: string, serviceType: string) {
  return {
    settings: {
      version: 1 as const,
      officeNumber,
      serviceTypes: [serviceType],
      platformUrl: 'http://platform.test',
      certificateSha256: office.fingerprint,
      createdAt: '2026-12-03T00:00:00.000Z',
    },
    certificatePem: office.certificatePem,
    privateKey: office.privateKey,
    trustAnchorsPem: ca.certificatePem,
  };
}

describe('renkei profile', () => {
  let dir: string;
  let home: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-profiles-'));
    home = join(dir, 'home');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(argv: string[], env: NodeJS.ProcessEnv = TEST_ENV) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--home', home, ...argv], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env,
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it('lists the profiles (--json), marks the default, and asks which one when there are several', async () => {
    await saveTestProfile(home, inputOf(A, '1310000004', '43'));
    expect(JSON.parse((await run(['--json', 'profile', 'list'])).stdout)).toMatchObject({
      home,
      selected: '1310000004',
      profiles: [{ name: '1310000004', officeNumber: '1310000004', keyProtection: 'passphrase' }],
    });
    await saveTestProfile(home, inputOf(B, '1320000001', '11'), '1320000001-11');

    const listed = await run(['profile']);
    expect(listed.code).toBe(ExitCode.Ok);
    expect(listed.stdout).toContain('  1310000004  事業所番号 1310000004');
    expect(listed.stdout).toContain('  1320000001-11  事業所番号 1320000001');

    const unselected = await run(['--json', 'status', '--offline']);
    expect(unselected.code).toBe(ExitCode.Usage);
    expect(JSON.parse(unselected.stdout).error).toMatchObject({
      code: 'PROFILE_NOT_SELECTED',
      details: { profiles: ['1310000004', '1320000001-11'] },
    });
    const byFlag = await run(['--json', '--profile', '1320000001-11', 'status', '--offline']);
    expect(JSON.parse(byFlag.stdout)).toMatchObject({ officeNumber: '1320000001', profile: '1320000001-11' });
    const byEnv = await run(['--json', 'status', '--offline'], { ...TEST_ENV, RENKEI_PROFILE: '1310000004' });
    expect(JSON.parse(byEnv.stdout)).toMatchObject({ officeNumber: '1310000004' });
    expect(
      JSON.parse((await run(['--json', '--profile', '1320000001-11', 'profile', 'list'])).stdout).selected,
    ).toBe('1320000001-11');
    const unknown = await run(['--profile', '1399999999', 'status', '--offline']);
    expect(unknown.code).toBe(ExitCode.NotFound);
    expect(unknown.stderr).toContain('あるプロファイル: 1310000004, 1320000001-11');
  });

  it('removes one profile', async () => {
    await saveTestProfile(home, inputOf(A, '1310000004', '43'));
    await saveTestProfile(home, inputOf(B, '1320000001', '11'));

    const removed = await run(['profile', 'remove', '1310000004']);

    expect(removed.code).toBe(ExitCode.Ok);
    expect(readdirSync(join(home, 'profiles'))).toEqual(['1320000001']);
    expect((await run(['profile', 'remove', '1310000004'])).code).toBe(ExitCode.NotFound);
    expect((await run(['profile', 'remove'])).code).toBe(ExitCode.Usage);
  });

  it('encrypts the plain key of an older home (migrated), after which the passphrase is needed', async () => {
    mkdirSync(home, { recursive: true });
    const { settings, certificatePem, trustAnchorsPem } = inputOf(A, '1310000004', '43');
    writeFileSync(join(home, 'profile.json'), JSON.stringify(settings));
    writeFileSync(join(home, 'certificate.pem'), certificatePem);
    writeFileSync(join(home, 'ca.pem'), trustAnchorsPem);
    writeFileSync(join(home, 'key.pem'), A.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });

    const before = await run(['status', '--offline'], { RENKEI_SECRET_STORE: 'none' });
    expect(before.code).toBe(ExitCode.Ok);
    expect(before.stderr).toContain('秘密鍵は暗号化されていません');

    const rekeyed = await run(['--json', 'profile', 'rekey']);
    expect(JSON.parse(rekeyed.stdout)).toEqual({
      profile: '1310000004',
      previously: 'plain',
      keyProtection: 'passphrase',
      passphraseSource: 'env',
    });
    const keyPem = readFileSync(join(home, 'profiles', '1310000004', 'key.pem'), 'utf8');
    expect(keyFileKind(keyPem)).toBe('encrypted');
    expect((await run(['status', '--offline'], { RENKEI_SECRET_STORE: 'none' })).code).toBe(ExitCode.Usage);
    const after = await run(['status', '--offline']);
    expect(after.code).toBe(ExitCode.Ok);
    expect(after.stderr).not.toContain('暗号化されていません');
  });

  it('changes the passphrase: the old one no longer opens the key', async () => {
    await saveTestProfile(home, inputOf(A, '1310000004', '43'));

    const refused = await run(['profile', 'rekey']);
    expect(refused.code).toBe(ExitCode.Usage); // no new passphrase given, no terminal, no OS store

    const changed = await run(['profile', 'rekey'], {
      ...TEST_ENV,
      RENKEI_NEW_KEY_PASSPHRASE: 'the new passphrase',
    });
    expect(changed.code).toBe(ExitCode.Ok);
    expect((await run(['status', '--offline'])).code).toBe(ExitCode.InvalidInput);
    expect(
      (
        await run(['status', '--offline'], {
          RENKEI_SECRET_STORE: 'none',
          RENKEI_KEY_PASSPHRASE: 'the new passphrase',
        })
      ).code,
    ).toBe(ExitCode.Ok);
  });

  it('moves the passphrase into the OS store and back, forgetting the old secret each time', async () => {
    await saveTestProfile(home, inputOf(A, '1310000004', '43'));
    const fake = installFakeSecretTool(join(dir, 'os'));
    const store = new ProfileStore(home);

    const toOs = await run(['--json', 'profile', 'rekey'], {
      ...fake.env,
      RENKEI_KEY_PASSPHRASE: TEST_PASSPHRASE,
    });
    expect(JSON.parse(toOs.stdout)).toMatchObject({ previously: 'passphrase', keyProtection: 'os-secret' });
    const { keySecret } = await store.readSettings('1310000004');
    expect((await run(['status', '--offline'], fake.env)).code).toBe(ExitCode.Ok);

    const again = await run(['--json', 'profile', 'rekey'], fake.env);
    expect(JSON.parse(again.stdout)).toMatchObject({ previously: 'os-secret', keyProtection: 'os-secret' });
    const second = (await store.readSettings('1310000004')).keySecret;
    expect(second?.id).not.toBe(keySecret?.id);
    expect(readdirSync(fake.secretsDir).filter((f) => f.endsWith('.secret'))).toEqual([
      `${second?.id}.secret`,
    ]);

    await run(['profile', 'rekey'], { ...fake.env, RENKEI_NEW_KEY_PASSPHRASE: 'back to a passphrase' });
    expect((await store.readSettings('1310000004')).keySecret).toBeUndefined();
    expect(readdirSync(fake.secretsDir).filter((f) => f.endsWith('.secret'))).toEqual([]);

    await run(['profile', 'rekey'], { ...fake.env, RENKEI_KEY_PASSPHRASE: 'back to a passphrase' });
    expect((await run(['profile', 'remove', '1310000004'], fake.env)).code).toBe(ExitCode.Ok);
    expect(readdirSync(fake.secretsDir).filter((f) => f.endsWith('.secret'))).toEqual([]);
  });
});
