import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentError, ExitCode } from './agent.errors';
import { readPassword, safeJoin, writeFileAtomic, writeNewFile } from './files.util';

describe(writeFileAtomic.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the whole file and leaves no temp file behind', async () => {
    await writeFileAtomic(join(dir, 'a.CSV'), Buffer.from('1,2\r\n'));

    expect(readFileSync(join(dir, 'a.CSV'), 'utf8')).toBe('1,2\r\n');
    expect(readdirSync(dir)).toEqual(['a.CSV']);
  });

  it('refuses an existing file with FILE_EXISTS (exit 3) and keeps it', async () => {
    writeFileSync(join(dir, 'a.CSV'), 'old');

    const error = await writeFileAtomic(join(dir, 'a.CSV'), 'new').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('FILE_EXISTS');
    expect((error as AgentError).exitCode).toBe(ExitCode.InvalidInput);
    expect(readFileSync(join(dir, 'a.CSV'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.CSV']);
  });

  it('replaces an existing file with overwrite', async () => {
    writeFileSync(join(dir, 'a.CSV'), 'old');

    await writeFileAtomic(join(dir, 'a.CSV'), 'new', { overwrite: true });

    expect(readFileSync(join(dir, 'a.CSV'), 'utf8')).toBe('new');
  });

  it('creates key files with mode 0600', async () => {
    await writeFileAtomic(join(dir, 'key.pem'), 'k', { mode: 0o600 });
    await writeNewFile(join(dir, 'ca.key.pem'), 'k', 0o600);

    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'ca.key.pem')).mode & 0o777).toBe(0o600);
  });
});

describe(safeJoin.name, () => {
  it.each(['../x', 'a/b', '.hidden', ''])('refuses %j', (name) => {
    expect(() => safeJoin('/out', name)).toThrow(AgentError);
  });

  it('joins a bare name', () => {
    expect(safeJoin('/out', 'UPPLAN.CSV')).toBe('/out/UPPLAN.CSV');
  });
});

describe(readPassword.name, () => {
  it('reads the first line of the password file, else RENKEI_P12_PASSWORD, else refuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renkei-agent-pw-'));
    try {
      writeFileSync(join(dir, 'pw'), 'secret\nignored\n');

      await expect(readPassword(join(dir, 'pw'), {})).resolves.toBe('secret');
      await expect(readPassword(undefined, { RENKEI_P12_PASSWORD: 'env' })).resolves.toBe('env');
      await expect(readPassword(undefined, {})).rejects.toMatchObject({ code: 'PASSWORD_MISSING' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
