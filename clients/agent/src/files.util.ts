import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AgentError, AgentErrorCode, ExitCode, usageError } from './agent.errors';

export interface WriteOptions {
  /** file mode of a new file, e.g. 0o600 for key material */
  mode?: number;
  /** replace an existing file instead of refusing */
  overwrite?: boolean;
}

/**
 * Writes `content` to `target` so that readers see the old file or the whole new one, never a part: a temp
 * file in the same directory, flushed, then renamed over the target, and the directory flushed. Without `overwrite` an existing target is
 * refused (FILE_EXISTS, exit 3) and left untouched.
 */
export async function writeFileAtomic(
  target: string,
  content: Uint8Array | string,
  options: WriteOptions = {},
): Promise<void> {
  if (!options.overwrite && (await exists(target))) throw fileExists(target);
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await fs.open(temp, 'wx', options.mode ?? 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (!options.overwrite && (await exists(target))) throw fileExists(target);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  // the rename itself survives a power cut once the directory is flushed
  await fsyncDirectory(path.dirname(target));
}

/** flushes a directory's entries (renames, creations) to disk */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // some platforms (Windows) cannot open or flush a directory: the rename is then as durable as it gets
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes a new file that must not exist yet (e.g. a CA key); `mode` applies from the first byte. */
export async function writeNewFile(
  target: string,
  content: Uint8Array | string,
  mode = 0o644,
): Promise<void> {
  try {
    await fs.writeFile(target, content, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(target);
    throw error;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

export async function readInputFile(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new AgentError(
      AgentErrorCode.FILE_NOT_FOUND,
      `ファイルを読めません (cannot read file): ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      ExitCode.InvalidInput,
    );
  }
}

/** Regular files directly in `dir` (not hidden, not recursive), sorted by name. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    throw new AgentError(
      AgentErrorCode.FILE_NOT_FOUND,
      `ディレクトリを読めません (cannot read directory): ${dir}`,
      ExitCode.InvalidInput,
    );
  }
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/**
 * The PKCS#12 password from `--password-file` (first line) or RENKEI_P12_PASSWORD. Never logged, never echoed.
 */
export async function readPassword(
  passwordFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (passwordFile) {
    const text = (await readInputFile(passwordFile)).toString('utf8');
    return text.split(/\r?\n/)[0];
  }
  const fromEnv = env.RENKEI_P12_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  throw new AgentError(
    AgentErrorCode.PASSWORD_MISSING,
    'パスワードが指定されていません。--password-file または環境変数 RENKEI_P12_PASSWORD を指定してください (password missing)',
    ExitCode.Usage,
  );
}

export async function ensureDirectory(dir: string, mode = 0o700): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode });
}

const fileExists = (file: string): AgentError =>
  new AgentError(
    AgentErrorCode.FILE_EXISTS,
    `ファイルが既に存在します。上書きしません (file exists): ${file}`,
    ExitCode.InvalidInput,
  );

/** A name from a manifest as a file in `dir`: the bare name only, never a path out of `dir`. */
export function safeJoin(dir: string, name: string): string {
  if (name !== path.basename(name) || name.startsWith('.') || name.length === 0) {
    throw usageError(`不正なファイル名です (unsafe file name): ${JSON.stringify(name)}`);
  }
  return path.join(dir, name);
}
