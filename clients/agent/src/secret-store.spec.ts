import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installFakeSecretTool } from './testing/fake-secret-tool';
import {
  detectSecretStore,
  findOnPath,
  LibsecretStore,
  MacKeychainStore,
  SecretStore,
  WindowsDpapiStore,
} from './secret-store';

describe(detectSecretStore.name, () => {
  let dir: string;
  let bin: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-secret-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tool = (name: string, mode = 0o755): void => {
    writeFileSync(join(bin, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, name), mode);
  };
  const detect = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = { PATH: bin }) =>
    detectSecretStore({ platform, env, home: join(dir, 'home') });

  it('picks the OS tool found on PATH: secret-tool, security, powershell (or pwsh)', async () => {
    tool('secret-tool');
    tool('security');
    tool('pwsh.EXE');

    expect((await detect('linux'))?.kind).toBe('libsecret');
    expect((await detect('darwin'))?.kind).toBe('macos-keychain');
    expect((await detect('win32', { Path: bin, PATHEXT: '.COM;.EXE' }))?.kind).toBe('windows-dpapi');
  });

  it('finds none when the tool is missing, not executable, or turned off', async () => {
    tool('security');
    tool('secret-tool', 0o644);

    await expect(detect('linux')).resolves.toBeUndefined();
    await expect(detect('win32', { Path: bin })).resolves.toBeUndefined();
    await expect(detect('aix')).resolves.toBeUndefined();
    await expect(detect('darwin', { PATH: bin, RENKEI_SECRET_STORE: 'none' })).resolves.toBeUndefined();
    await expect(detect('darwin', {})).resolves.toBeUndefined();
  });

  it('searches PATH in order', async () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    tool('secret-tool');
    writeFileSync(join(other, 'secret-tool'), '');
    chmodSync(join(other, 'secret-tool'), 0o755);

    await expect(findOnPath('secret-tool', { PATH: `${other}:${bin}` }, 'linux')).resolves.toBe(
      join(other, 'secret-tool'),
    );
  });
});

describe(LibsecretStore.name, () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores, looks up and clears through secret-tool, the secret on stdin only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-libsecret-'));
    const fake = installFakeSecretTool(dir);
    const sut = (await detectSecretStore({ platform: 'linux', env: fake.env, home: dir })) as LibsecretStore;
    const secret = 'R3nkei_generated-secret-abcdefghijklmnop';
    const id = '6f1c7e2a-2b1d-4c55-9d7e-0a1b2c3d4e5f';

    await sut.store(id, secret);

    expect(readFileSync(join(fake.secretsDir, `${id}.secret`), 'utf8')).toBe(secret);
    await expect(sut.lookup(id)).resolves.toBe(secret);
    await sut.remove(id);
    await expect(sut.lookup(id)).resolves.toBeUndefined();
    // the calls carried the account, never the secret
    expect(readFileSync(join(fake.secretsDir, 'calls.log'), 'utf8')).toBe(
      `store ${id}\nlookup ${id}\nclear ${id}\nlookup ${id}\n`,
    );
  });

  it('refuses what it did not generate and reports a failing tool', async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-libsecret-'));
    const fake = installFakeSecretTool(dir);
    const sut = new LibsecretStore({ ...fake.env, FAKE_SECRET_FAIL: '1' });

    await expect(sut.store('6f1c7e2a-2b1d', 'short')).rejects.toThrow('generated');
    await expect(sut.store('../x', 'R3nkei_generated-secret-abcdefghijklmnop')).rejects.toThrow('id');
    await expect(sut.store('6f1c7e2a-2b1d', 'R3nkei_generated-secret-abcdefghijklmnop')).rejects.toThrow(
      'exited 1',
    );
    await expect(sut.lookup('6f1c7e2a-2b1d')).resolves.toBeUndefined();
  });
});

/** macOS `security`: `-i` reads one add-generic-password line from stdin; find/delete by -a ACCOUNT */
const FAKE_SECURITY = `#!/bin/sh
store="$FAKE_SECRET_DIR"
echo "$*" >> "$store/argv.log"
if [ "$1" = "-i" ]; then
  read -r line
  set -- $line
fi
cmd="$1"; shift
account=""; secret=""
while [ $# -gt 0 ]; do
  case "$1" in
    -a) account="$2"; shift ;;
    -w) if [ $# -gt 1 ]; then secret="$2"; shift; fi ;;
  esac
  shift
done
case "$cmd" in
  add-generic-password) printf %s "$secret" > "$store/$account.secret" ;;
  find-generic-password) [ -f "$store/$account.secret" ] || exit 44; cat "$store/$account.secret"; echo ;;
  delete-generic-password) rm -f "$store/$account.secret" ;;
  *) exit 2 ;;
esac
`;

/** PowerShell with DPAPI replaced by hex: "protects" stdin, or "unprotects" a hex blob from stdin */
const FAKE_POWERSHELL = `#!/bin/sh
echo "$*" >> "$FAKE_SECRET_DIR/argv.log"
case "$*" in
  *ConvertFrom-SecureString*) od -An -tx1 | tr -d ' \\n'; echo ;;
  *SecureStringToBSTR*) tr -d ' \\n\\r' | sed 's/../\\\\x&/g' | xargs -0 printf '%b'; echo ;;
  *) exit 2 ;;
esac
`;

describe.each([
  ['macOS keychain', 'security', FAKE_SECURITY, (env: NodeJS.ProcessEnv) => new MacKeychainStore(env)],
  [
    'Windows DPAPI',
    'powershell',
    FAKE_POWERSHELL,
    (env: NodeJS.ProcessEnv, dir: string) => new WindowsDpapiStore(env, join(dir, 'blobs')),
  ],
] as const)('%s adapter (through a fake tool on PATH)', (_, command, script, create) => {
  let dir: string;
  let store: SecretStore;
  let secrets: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-os-secret-'));
    secrets = join(dir, 'secrets');
    mkdirSync(join(dir, 'bin'));
    mkdirSync(secrets);
    writeFileSync(join(dir, 'bin', command), script);
    chmodSync(join(dir, 'bin', command), 0o755);
    store = create({ PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, FAKE_SECRET_DIR: secrets }, dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores, looks up and removes a secret that never appears in the arguments', async () => {
    const secret = 'R3nkei_generated-secret-abcdefghijklmnop';
    const id = '6f1c7e2a-2b1d-4c55-9d7e-0a1b2c3d4e5f';

    await store.store(id, secret);
    await expect(store.lookup(id)).resolves.toBe(secret);
    await store.remove(id);

    await expect(store.lookup(id)).resolves.toBeUndefined();
    expect(readFileSync(join(secrets, 'argv.log'), 'utf8')).not.toContain(secret);
  });
});
