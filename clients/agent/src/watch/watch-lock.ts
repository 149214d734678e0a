// One watcher per profile: a lock file created exclusively, holding the owner's pid. A lock whose process is gone
// (a watcher killed with SIGKILL or a power cut) is taken over; a live one is refused.
import { promises as fs } from 'node:fs';
import { AgentError, ExitCode } from '../agent.errors';
import { WatchErrorCode } from './watch.errors';

/** the lock's file name in a profile's queue directory */
export const WATCH_LOCK_FILE = 'watch.lock';

export interface WatchLock {
  release(): Promise<void>;
}

export async function acquireWatchLock(
  file: string,
  pid: number = process.pid,
  isAlive: (pid: number) => boolean = processAlive,
): Promise<WatchLock> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        release: async () => {
          const owner = await readOwner(file);
          if (owner === pid) await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(file);
    if (owner !== undefined && owner !== pid && isAlive(owner)) {
      throw new AgentError(
        WatchErrorCode.WATCH_LOCKED,
        `このプロファイルでは別の renkei watch (pid ${owner}) が動いています (another watcher holds ${file})`,
        ExitCode.Refused,
        { pid: owner },
      );
    }
    // stale (its process is gone) or unreadable: remove it and try again
    await fs.rm(file, { force: true });
  }
  throw new AgentError(
    WatchErrorCode.WATCH_LOCKED,
    `ロックファイルを取得できません (cannot take the lock): ${file}`,
    ExitCode.Refused,
  );
}

/** who holds the lock `file`, and whether that process lives (undefined: no lock, or an unreadable one) */
export async function watchLockOwner(
  file: string,
  isAlive: (pid: number) => boolean = processAlive,
): Promise<{ pid: number; alive: boolean } | undefined> {
  const pid = await readOwner(file);
  return pid === undefined ? undefined : { pid, alive: isAlive(pid) };
}

async function readOwner(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await fs.readFile(file, 'utf8')).trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** alive, or not ours to signal (EPERM: another user's process) */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
