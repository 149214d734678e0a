import { readInfraEnv, uniqueName } from '@renkei/testing';
import type { DataSource } from 'typeorm';
import { noteMigrations } from './fixtures/note.migrations';
import {
  checkDatabase,
  createServiceDataSource,
  revertLastMigration,
  runMigrations,
  schemaOf,
} from './service-data-source';

describe('createServiceDataSource', () => {
  const { databaseUrl } = readInfraEnv();
  const schemas = [uniqueName('db_a'), uniqueName('db_b')];
  const sources: DataSource[] = [];

  const open = (schema: string): DataSource => {
    const source = createServiceDataSource({
      url: databaseUrl,
      schema,
      entities: [],
      migrations: noteMigrations,
      applicationName: 'renkei-it',
    });
    sources.push(source);
    return source;
  };
  const tablesIn = async (source: DataSource, schema: string): Promise<string[]> =>
    (
      (await source.query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
        [schema],
      )) as { table_name: string }[]
    ).map((row) => row.table_name);

  afterAll(async () => {
    const admin = open('public');
    await admin.initialize();
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await Promise.all(sources.filter((source) => source.isInitialized).map((source) => source.destroy()));
  });

  it('creates the schema and runs every migration inside it, once', async () => {
    const sut = open(schemas[0]);

    const applied = await runMigrations(sut);
    const again = await runMigrations(sut);

    expect(applied).toEqual(['CreateNoteService1700000000000', 'AddNote1700000000001']);
    expect(again).toEqual([]);
    expect(await tablesIn(sut, schemas[0])).toEqual(['inbox_event', 'migrations', 'note', 'outbox_event']);
    expect(await tablesIn(sut, 'public')).not.toContain('note');
  });

  it("keeps each service's rows in its own schema", async () => {
    const a = sources.find((source) => schemaOf(source) === schemas[0]) ?? open(schemas[0]);
    const b = open(schemas[1]);
    await runMigrations(a);
    await runMigrations(b);

    await a.query(`INSERT INTO note (body) VALUES ('only in a')`);

    expect(await a.query('SELECT body FROM note')).toEqual([{ body: 'only in a' }]);
    expect(await b.query('SELECT body FROM note')).toEqual([]);
    expect(await b.query(`SELECT count(*)::int AS n FROM "${schemas[0]}".note`)).toEqual([{ n: 1 }]);
  });

  it('reverts the last migration and only that one', async () => {
    const sut = sources.find((source) => schemaOf(source) === schemas[1]) ?? open(schemas[1]);
    await runMigrations(sut);

    await revertLastMigration(sut);

    expect(await tablesIn(sut, schemas[1])).toEqual(['inbox_event', 'migrations', 'outbox_event']);
    expect(await sut.query('SELECT name FROM migrations')).toEqual([
      { name: 'CreateNoteService1700000000000' },
    ]);
    await revertLastMigration(sut);
    expect(await tablesIn(sut, schemas[1])).toEqual(['migrations']);
  });

  it('reports readiness, and unreadiness once the pool is gone', async () => {
    const sut = open(schemas[0]);
    await sut.initialize();

    await expect(checkDatabase(sut)).resolves.toBeUndefined();
    await sut.destroy();
    await expect(checkDatabase(sut)).rejects.toThrow('not initialized');
  });

  it('rejects a schema name that would need quoting', () => {
    expect(() => open('Bad-Name; drop')).toThrow('invalid schema name');
  });
});
