// For the TypeORM CLI only (`typeorm migration:generate` when writing a migration); the service builds its
// own DataSource at boot. CI's drift check is tools/migrations.integration-spec.ts.
import { cliDataSource } from '@renkei/platform';
import { intakeDefinition } from './intake.definition';

export default cliDataSource(intakeDefinition);
