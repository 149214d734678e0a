// One TypeORM DataSource per service, confined to the service's own PostgreSQL schema: its tables, its
// `migrations` table and its search_path all live there. Never synchronize; migrations run explicitly.
import { DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';

type Classes = Extract<DataSourceOptions['entities'], unknown[]>;
type MigrationClasses = Extract<DataSourceOptions['migrations'], unknown[]>;

export interface ServiceDataSourceOptions {
  readonly url: string;
  /** the service's schema: lower-case letters, digits and underscores */
  readonly schema: string;
  readonly entities: Readonly<Classes>;
  readonly migrations: Readonly<MigrationClasses>;
  /** shows in pg_stat_activity */
  readonly applicationName?: string;
  /** connections in the pool (default 10) */
  readonly poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema))
    throw new Error(`invalid schema name "${schema}": use [a-z_][a-z0-9_]*, at most 63 characters`);
  return schema;
}

/** `"schema"`, for SQL text; the name is validated first */
export function quoteSchema(schema: string): string {
  return `"${assertSchemaName(schema)}"`;
}

export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  const schema = assertSchemaName(options.schema);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema,
    entities: [...options.entities],
    migrations: [...options.migrations],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: options.applicationName,
    poolSize: options.poolSize ?? 10,
    // unqualified names in hand-written SQL resolve to the service's schema first
    extra: { options: `-c search_path=${schema},public` },
  });
}

/** The schema a DataSource or migration works in (a migration calls `schemaOf(queryRunner)`). */
export function schemaOf(source: DataSource | QueryRunner): string {
  const options = 'connection' in source ? source.connection.options : source.options;
  const schema = 'schema' in options ? options.schema : undefined;
  if (!schema) throw new Error('this DataSource has no schema: build it with createServiceDataSource');
  return schema;
}

async function initialized(dataSource: DataSource): Promise<DataSource> {
  return dataSource.isInitialized ? dataSource : dataSource.initialize();
}

/** Creates the schema if needed, then runs pending migrations, one transaction each. Returns their names. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  await initialized(dataSource);
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${quoteSchema(schemaOf(dataSource))}`);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** Reverts the most recent migration in its own transaction. */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await initialized(dataSource);
  await dataSource.undoLastMigration({ transaction: 'each' });
}

/** Readiness: `select 1` within `timeoutMs` (default 2 s), or throws. */
export async function checkDatabase(dataSource: DataSource, timeoutMs = 2000): Promise<void> {
  if (!dataSource.isInitialized) throw new Error('database not initialized');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([dataSource.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
