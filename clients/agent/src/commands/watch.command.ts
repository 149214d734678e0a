// `renkei watch`: the office's export and import folders kept in step with the platform (watch/watcher.ts).
// One watcher per profile (a lock file); SIGINT/SIGTERM finish the current step and exit 0.
import * as path from 'node:path';
import { AgentContext, openSession, profileStoreOf } from '../agent.context';
import { usageError } from '../agent.errors';
import { ensureDirectory } from '../files.util';
import { acquireWatchLock, WATCH_LOCK_FILE } from '../watch/watch-lock';
import { Watcher, WatchEvent, WatchSummary } from '../watch/watcher';

export interface WatchCommandOptions {
  exportDir: string;
  importDir: string;
  /** default <export>/archive */
  archiveDir?: string;
  /** default <export>/rejected */
  rejectedDir?: string;
  once?: boolean;
  settleMs?: number;
  pollMs?: number;
  scanMs?: number;
  /** events as they happen (the CLI prints them: Japanese lines, or JSON lines with --json) */
  log?: (event: WatchEvent) => void;
  /** stop when this aborts (the CLI wires SIGINT/SIGTERM) */
  signal?: AbortSignal;
}

export interface WatchResult extends WatchSummary {
  profile: string;
  queueDir: string;
}

/** the durable queue of a profile: <profile dir>/watch */
export const WATCH_DIR = 'watch';

export function watchQueueDir(profileDir: string): string {
  return path.join(profileDir, WATCH_DIR);
}

export async function watch(ctx: AgentContext, options: WatchCommandOptions): Promise<WatchResult> {
  const exportDir = path.resolve(options.exportDir);
  const importDir = path.resolve(options.importDir);
  if (exportDir === importDir) {
    throw usageError(
      '--export と --import には別のフォルダを指定してください (export and import must differ)',
    );
  }
  const { profile, client } = await openSession(ctx);
  const queueDir = watchQueueDir(profile.dir);
  await ensureDirectory(queueDir, 0o700);
  await ensureDirectory(exportDir, 0o755);
  const otherProfiles = (await profileStoreOf(ctx).list())
    .filter((other) => other.name !== profile.name)
    .map(({ officeNumber, serviceTypes }) => ({ officeNumber, serviceTypes }));
  const lock = await acquireWatchLock(path.join(queueDir, WATCH_LOCK_FILE));
  const watcher = new Watcher(profile, client, {
    exportDir,
    importDir,
    archiveDir: path.resolve(options.archiveDir ?? path.join(exportDir, 'archive')),
    rejectedDir: path.resolve(options.rejectedDir ?? path.join(exportDir, 'rejected')),
    queueDir,
    otherProfiles,
    once: options.once,
    settleMs: options.settleMs,
    pollIntervalMs: options.pollMs,
    scanIntervalMs: options.scanMs,
    log: options.log,
    fetch: ctx.fetch,
  });
  const stop = (): void => watcher.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  try {
    const summary = await watcher.run();
    return { profile: profile.name, queueDir, ...summary };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await lock.release();
  }
}

/** a JSON log line: English, no contents, no keys */
export function watchLogLine(event: WatchEvent, now = new Date()): string {
  const { ja: _ja, ...fields } = event;
  return JSON.stringify({ time: now.toISOString(), ...fields });
}
