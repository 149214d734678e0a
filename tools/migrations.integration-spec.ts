// Migration drift, as `typeorm migration:generate --check` does it: on a fresh schema, every service's
// migrations applied leave nothing for the schema builder to change; and every migration's `down` reverts it.
import { platformServices } from '@renkei/standalone';
import {
  createServiceDataSource,
  revertLastMigration,
  runMigrations,
  ServiceDefinition,
} from '@renkei/platform';
import { readInfraEnv, uniqueName } from '@renkei/testing';
import { DataSource } from 'typeorm';

describe('service migrations', () => {
  const infra = readInfraEnv();
  const opened: DataSource[] = [];

  afterEach(async () => {
    for (const dataSource of opened.splice(0)) {
      const schema = (dataSource.options as { schema: string }).schema;
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    }
  });

  async function freshDataSource(definition: ServiceDefinition): Promise<DataSource> {
    const dataSource = createServiceDataSource({
      url: infra.databaseUrl,
      schema: uniqueName(definition.name).replace(/-/g, '_'),
      entities: [...definition.entities],
      migrations: [...definition.migrations],
      poolSize: 2,
    });
    await dataSource.initialize();
    opened.push(dataSource);
    return dataSource;
  }

  it.each(platformServices.map((definition) => [definition.name, definition] as const))(
    '%s: migrations match the entities and revert cleanly',
    async (_name, definition) => {
      const dataSource = await freshDataSource(definition);
      const schema = (dataSource.options as { schema: string }).schema;

      const applied = await runMigrations(dataSource);
      const drift = await dataSource.driver.createSchemaBuilder().log();

      expect(applied).toHaveLength(definition.migrations.length);
      expect(drift.upQueries.map((query) => query.query)).toEqual([]);
      expect(await dataSource.showMigrations()).toBe(false);
      const tables = await dataSource.query(
        `select table_name from information_schema.tables where table_schema = $1 order by 1`,
        [schema],
      );
      expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual(
        expect.arrayContaining(['inbox_event', 'migrations', 'outbox_event']),
      );

      for (let i = 0; i < definition.migrations.length; i += 1) await revertLastMigration(dataSource);
      const left = await dataSource.query(
        `select table_name from information_schema.tables where table_schema = $1 and table_name <> 'migrations'`,
        [schema],
      );
      expect(left).toEqual([]);
    },
  );
});
