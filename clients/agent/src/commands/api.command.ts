// `renkei api`: the local REST API for care software that prefers calls to folders (clients/agent/README.md,
// "ローカル API"). Unlocks the profile once, makes (or reads) its token file, serves on 127.0.0.1 until SIGINT or
// SIGTERM, then lets calls in progress finish.
import { AgentContext, openSession, Session } from '../agent.context';
import { usageError } from '../agent.errors';
import { ensureApiToken } from '../api/api-token';
import { LocalApiService, UnitQueue } from '../api/local-api.service';
import { ApiLogger, ApiServer, DEFAULT_API_PORT, startApiServer } from '../api/local-api.server';
import { ApiErrorCode } from '../api/api.errors';
import { AgentError, ExitCode } from '../agent.errors';

export interface ApiCommandOptions {
  /** --port; 0 = any free port */
  port?: string;
  /** --host: only 127.0.0.1 (or localhost) is accepted; anything else is refused */
  host?: string;
  log: ApiLogger;
  /** told once the server listens: the port and where the token is */
  onListening: (listening: ApiListening) => void;
  /** resolves when the server should stop (the CLI: SIGINT or SIGTERM) */
  stopSignal: (server: ApiServer) => Promise<string>;
}

export interface ApiListening {
  url: string;
  port: number;
  profile: string;
  tokenFile: string;
  tokenCreated: boolean;
}

export interface ApiCommandResult {
  stopped: true;
  reason: string;
  port: number;
}

export function parseApiPort(value: string | undefined, flag = '--port'): number {
  if (value === undefined) return DEFAULT_API_PORT;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) {
    throw usageError(`${flag} は 0〜65535 の整数です (invalid port): ${value}`);
  }
  return Number(value);
}

export function checkApiHost(host: string | undefined): void {
  if (host === undefined || host === '127.0.0.1' || host === 'localhost') return;
  throw new AgentError(
    ApiErrorCode.API_HOST_REFUSED,
    `ローカル API は 127.0.0.1 だけで待ち受けます。ほかのアドレスには公開できません (only 127.0.0.1): ${host}`,
    ExitCode.Usage,
  );
}

export async function runApi(ctx: AgentContext, options: ApiCommandOptions): Promise<ApiCommandResult> {
  checkApiHost(options.host);
  const port = parseApiPort(options.port);
  const session = await openSession(ctx);
  const server = await serveLocalApi(ctx, session, {
    port,
    log: options.log,
    onListening: options.onListening,
  });
  const reason = await options.stopSignal(server);
  options.log({
    level: 'info',
    event: 'stopping',
    message: `stopping (${reason}); finishing calls in progress`,
  });
  await server.close();
  options.log({ level: 'info', event: 'stopped', message: 'stopped' });
  return { stopped: true, reason, port: server.port };
}

/**
 * The local API of an unlocked profile on 127.0.0.1:<port>: its token file (made once), the server, and the
 * `listening` notice. `queue`: the watcher of this process (`renkei watch --api`), for queued sends.
 */
export async function serveLocalApi(
  ctx: AgentContext,
  session: Session,
  options: {
    port: number;
    log: ApiLogger;
    onListening: (listening: ApiListening) => void;
    queue?: UnitQueue;
    portFlag?: string;
  },
): Promise<ApiServer> {
  const token = await ensureApiToken(session.profile.dir);
  const api = new LocalApiService(ctx, session, { queue: options.queue });
  let server: ApiServer;
  try {
    server = await startApiServer({ api, token: token.token, port: options.port, log: options.log });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AgentError(
        ApiErrorCode.API_PORT_IN_USE,
        `ポート ${options.port} は使用中です。${options.portFlag ?? '--port'} で別のポートを指定してください (port in use)`,
        ExitCode.Usage,
      );
    }
    throw error;
  }
  options.onListening({
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    profile: session.profile.name,
    tokenFile: token.file,
    tokenCreated: token.created,
  });
  return server;
}

/** SIGINT or SIGTERM, whichever comes first (the handlers are removed afterwards) */
export function processSignals(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
