// Used by the TypeORM CLI only (migration:generate --check in CI); the service builds its own at boot.
import { createServiceDataSource } from '@renkei/platform';
import { certificateDefinition } from './certificate.definition';

export default createServiceDataSource({
  url: process.env['DATABASE_URL'] ?? 'postgres://renkei@127.0.0.1:55432/renkei',
  schema: certificateDefinition.schema,
  entities: certificateDefinition.entities,
  migrations: certificateDefinition.migrations,
});
