// `renkei watch`: the office's export and import folders kept in step with the platform (watch/watcher.ts).
// One watcher per profile (a lock file); SIGINT/SIGTERM finish the current step and exit 0. With `api`
// (`renkei watch --api`) the process also serves the local API, whose queued sends (Prefer: respond-async) go
// into this watcher's outbox: the one process that owns it. A stop first lets API calls in progress finish.
import * as path from 'node:path';
import { AgentContext, openSession, profileStoreOf } from '../agent.context';
import { usageError } from '../agent.errors';
import type { ApiLogger, ApiServer } from '../api/local-api.server';
import { ApiListening, parseApiPort, serveLocalApi } from './api.command';
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
  /** also serve the local API (`--api`): as `renkei api`, plus queued sends into this watcher's outbox */
  api?: WatchApiOptions;
}

export interface WatchApiOptions {
  /** --api-port; default as `renkei api`, 0 = any free port */
  port?: string;
  log: ApiLogger;
  onListening: (listening: ApiListening) => void;
}

export interface WatchResult extends WatchSummary {
  profile: string;
  queueDir: string;
  /** the local API's port (--api) */
  apiPort?: number;
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
  if (options.api && options.once) {
    throw usageError('--api と --once は同時に指定できません (--api serves until stopped)');
  }
  const apiPort = options.api ? parseApiPort(options.api.port, '--api-port') : undefined;
  const session = await openSession(ctx);
  const { profile, client } = session;
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
  let server: ApiServer | undefined;
  let closing: Promise<void> | undefined;
  const closeApi = (): Promise<void> => {
    if (!server) return Promise.resolve();
    closing ??= server.close();
    return closing;
  };
  // the API first (calls in progress finish, so a queued unit is staged or refused), then the watcher's step
  const stop = (): void => {
    if (server) {
      options.api?.log({
        level: 'info',
        event: 'stopping',
        message: 'stopping; finishing calls in progress',
      });
    }
    void closeApi().finally(() => watcher.stop());
  };
  try {
    if (options.api && apiPort !== undefined) {
      server = await serveLocalApi(ctx, session, {
        port: apiPort,
        log: options.api.log,
        onListening: options.api.onListening,
        queue: watcher,
        portFlag: '--api-port',
      });
    }
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    const summary = await watcher.run();
    return { profile: profile.name, queueDir, ...summary, ...(server ? { apiPort: server.port } : {}) };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    // the watcher ended on its own (a failure): the API stops with it rather than queueing for nobody
    await closeApi();
    if (server) options.api?.log({ level: 'info', event: 'stopped', message: 'stopped' });
    await lock.release();
  }
}

/** a JSON log line: English, no contents, no keys */
export function watchLogLine(event: WatchEvent, now = new Date()): string {
  const { ja: _ja, ...fields } = event;
  return JSON.stringify({ time: now.toISOString(), ...fields });
}
