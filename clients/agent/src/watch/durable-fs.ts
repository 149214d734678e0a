// Small durable-file helpers for the watch queue: a file is written to a temp name, flushed, renamed into place,
// and its directory flushed, so that after a crash it is either the old file or the whole new one, and a rename
// that returned is still there after a power cut.
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { fsyncDirectory, writeFileAtomic } from '../files.util';

export { fsyncDirectory };

/** writes `content` to `target` (replacing it) durably: temp + fsync + rename + fsync of the directory */
export function writeDurable(target: string, content: Uint8Array | string, mode = 0o600): Promise<void> {
  return writeFileAtomic(target, content, { mode, overwrite: true });
}

export async function writeJsonDurable(target: string, value: unknown): Promise<void> {
  await writeDurable(target, `${JSON.stringify(value, null, 2)}\n`);
}

/** the parsed JSON file, or undefined when it does not exist */
export async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

/** moves a file, across file systems too (copy, flush, unlink); the target must not exist */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  await fs.copyFile(from, to, constants.COPYFILE_EXCL);
  const handle = await fs.open(to, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.unlink(from);
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function fileSha256(file: string): Promise<string | undefined> {
  try {
    return sha256Hex(await fs.readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
