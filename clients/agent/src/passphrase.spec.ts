import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from './agent.errors';
import { newPassphrase, PassphraseContext, unlockPassphrase } from './passphrase';
import { detectSecretStore } from './secret-store';
import { installFakeSecretTool } from './testing/fake-secret-tool';

describe('key passphrase sources', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-passphrase-'));
    file = join(dir, 'passphrase.txt');
    writeFileSync(file, 'from the file\nsecond line\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ctx = (overrides: Partial<PassphraseContext> = {}): PassphraseContext => ({
    home: dir,
    env: {},
    secretStore: null,
    ...overrides,
  });
  const prompts = (...answers: string[]) => {
    const asked: string[] = [];
    return { asked, promptSecret: async (q: string) => (asked.push(q), answers.shift() ?? '') };
  };

  describe(unlockPassphrase.name, () => {
    it('takes --passphrase-file, then $RENKEI_KEY_PASSPHRASE, then the OS store, then the prompt', async () => {
      const fake = installFakeSecretTool(dir);
      const store = await detectSecretStore({ platform: 'linux', env: fake.env, home: dir });
      const id = '0d4e3c2b-1a09-4f8e-8d7c-6b5a4f3e2d1c';
      await store?.store(id, 'Os_secret_generated_0123456789');
      const keySecret = { store: 'libsecret' as const, id };
      const prompt = prompts('typed at the terminal');
      const env = { RENKEI_KEY_PASSPHRASE: 'from the env' };

      const all = { passphraseFile: file, env, secretStore: store, promptSecret: prompt.promptSecret };
      await expect(unlockPassphrase(ctx(all), 'p', keySecret)).resolves.toBe('from the file');
      await expect(
        unlockPassphrase(ctx({ ...all, passphraseFile: undefined }), 'p', keySecret),
      ).resolves.toBe('from the env');
      await expect(
        unlockPassphrase(ctx({ ...all, passphraseFile: undefined, env: {} }), 'p', keySecret),
      ).resolves.toBe('Os_secret_generated_0123456789');
      await expect(
        unlockPassphrase(ctx({ ...all, passphraseFile: undefined, env: {} }), 'p1310000004', undefined),
      ).resolves.toBe('typed at the terminal');
      expect(prompt.asked).toEqual(['プロファイル p1310000004 の秘密鍵のパスフレーズ: ']);
    });

    it('answers KEY_PASSPHRASE_REQUIRED (exit 2) with no source and no terminal', async () => {
      const error = await unlockPassphrase(ctx(), 'p', undefined).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'KEY_PASSPHRASE_REQUIRED', exitCode: ExitCode.Usage });
      expect((error as Error).message).toContain('RENKEI_KEY_PASSPHRASE');
    });

    it('says so when the OS store that holds the passphrase is not there', async () => {
      const error = await unlockPassphrase(ctx(), 'p', { store: 'macos-keychain', id: 'abcdefgh-1' }).catch(
        (e: unknown) => e,
      );

      expect(error).toMatchObject({ code: 'KEY_PASSPHRASE_REQUIRED' });
      expect((error as Error).message).toContain('macos-keychain');
    });
  });

  describe(newPassphrase.name, () => {
    const sources = { files: [undefined], envNames: ['RENKEI_KEY_PASSPHRASE'], name: '1310000004' };

    it('takes a file or the environment before the OS store', async () => {
      const fake = installFakeSecretTool(dir);
      const env = { ...fake.env, RENKEI_KEY_PASSPHRASE: 'from the env' };
      const withStore = ctx({ env, secretStore: undefined });

      await expect(newPassphrase(withStore, { ...sources, files: [undefined, file] })).resolves.toEqual({
        passphrase: 'from the file',
        source: 'file',
      });
      await expect(newPassphrase(withStore, sources)).resolves.toEqual({
        passphrase: 'from the env',
        source: 'env',
      });
      expect(readdirSync(fake.secretsDir)).toEqual([]);
    });

    it('generates one and keeps it in the OS store (detected on PATH) when none is given', async () => {
      const fake = installFakeSecretTool(dir);

      const result = await newPassphrase(ctx({ env: fake.env, secretStore: undefined }), sources);

      expect(result).toEqual({
        passphrase: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        source: 'os-secret',
        keySecret: { store: 'libsecret', id: expect.any(String) },
      });
      expect(readdirSync(fake.secretsDir).sort()).toEqual(
        [`${result.keySecret?.id}.secret`, 'calls.log'].sort(),
      );
    });

    it('falls back to asking twice when the OS store fails, and refuses a mismatch or a short one', async () => {
      const fake = installFakeSecretTool(dir);
      const failing = { ...fake.env, FAKE_SECRET_FAIL: '1' };

      const ok = prompts('a long passphrase', 'a long passphrase');
      await expect(
        newPassphrase(ctx({ env: failing, secretStore: undefined, promptSecret: ok.promptSecret }), sources),
      ).resolves.toEqual({ passphrase: 'a long passphrase', source: 'prompt' });
      expect(ok.asked).toHaveLength(2);

      const mismatch = prompts('a long passphrase', 'a long passphrasf');
      await expect(
        newPassphrase(ctx({ promptSecret: mismatch.promptSecret }), sources),
      ).rejects.toMatchObject({
        code: 'KEY_PASSPHRASE_MISMATCH',
        exitCode: ExitCode.Usage,
      });
      await expect(
        newPassphrase(ctx({ env: { RENKEI_KEY_PASSPHRASE: 'short' } }), sources),
      ).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_TOO_SHORT', exitCode: ExitCode.InvalidInput });
      await expect(newPassphrase(ctx(), sources)).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_REQUIRED' });
    });
  });
});
