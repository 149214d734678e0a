// Runs Renkei processes the way an operator does (node + the entry point), and waits on their HTTP probes.
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface RunningProcess {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code (or the signal name) */
  stop(timeoutMs?: number): Promise<number | string>;
  /** the exit code (or signal name) once the process ends by itself; SIGKILL after `timeoutMs` */
  exited(timeoutMs?: number): Promise<number | string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function startProcess(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): RunningProcess {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const waitForExit = async (timeoutMs: number) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    child,
    output: () => output,
    exited: (timeoutMs = 60000) => waitForExit(timeoutMs),
    stop: async (timeoutMs = 20000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return waitForExit(timeoutMs);
    },
  };
}

export interface Probe {
  readonly status: number;
  readonly body: string;
}

export async function probe(url: string): Promise<Probe> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}

/** polls until `url` answers 200, failing early (with the process output) if the process dies */
export async function waitForReady(url: string, proc: RunningProcess, timeoutMs = 90000): Promise<Probe> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(
        `process exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} was ready:\n${proc.output()}`,
      );
    }
    try {
      const answer = await probe(url);
      if (answer.status === 200) return answer;
      last = `${answer.status} ${answer.body}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (last: ${last}):\n${proc.output()}`);
}
