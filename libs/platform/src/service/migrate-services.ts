// Migrations run by a command (`npm run migrate`, a Helm hook Job in the cluster), never by `synchronize`.
import { createServiceDataSource, revertLastMigration, runMigrations } from '../database';
import type { DataSource } from 'typeorm';
import type { ServiceDefinition } from './service-definition';

export interface MigrationReport {
  readonly service: string;
  readonly schema: string;
  readonly applied: readonly string[];
}

async function withDataSource<T>(
  url: string,
  definition: ServiceDefinition,
  work: (ds: ReturnType<typeof createServiceDataSource>) => Promise<T>,
): Promise<T> {
  const dataSource = createServiceDataSource({
    url,
    schema: definition.schema,
    entities: definition.entities,
    migrations: definition.migrations,
    applicationName: `renkei-migrate:${definition.name}`,
    poolSize: 2,
  });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export async function migrateServices(
  url: string,
  definitions: readonly ServiceDefinition[],
): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = [];
  for (const definition of definitions) {
    const applied = await withDataSource(url, definition, (dataSource) => runMigrations(dataSource));
    reports.push({ service: definition.name, schema: definition.schema, applied });
  }
  return reports;
}

export async function revertServiceMigration(url: string, definition: ServiceDefinition): Promise<void> {
  await withDataSource(url, definition, (dataSource) => revertLastMigration(dataSource));
}

/**
 * The DataSource the TypeORM CLI loads from `services/<name>/src/data-source.ts` (e.g. `typeorm
 * migration:generate`); services build theirs at boot.
 */
export function cliDataSource(definition: ServiceDefinition): DataSource {
  return createServiceDataSource({
    url: process.env['DATABASE_URL'] ?? 'postgres://renkei@127.0.0.1:55432/renkei',
    schema: definition.schema,
    entities: definition.entities,
    migrations: definition.migrations,
  });
}
