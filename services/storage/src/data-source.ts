// Used by the TypeORM CLI only (migration:generate --check in CI); the service builds its own at boot.
import { createServiceDataSource } from '@renkei/platform';
import { storageDefinition } from './storage.definition';

export default createServiceDataSource({
  url: process.env['DATABASE_URL'] ?? 'postgres://renkei@127.0.0.1:55432/renkei',
  schema: storageDefinition.schema,
  entities: storageDefinition.entities,
  migrations: storageDefinition.migrations,
});
