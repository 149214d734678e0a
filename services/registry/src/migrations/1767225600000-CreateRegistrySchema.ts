import { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTables, dropOutboxTables, schemaOf } from '@renkei/platform';

/** The registry schema's first tables: its transactional outbox and its consumer inbox. */
export class CreateRegistrySchema1767225600000 implements MigrationInterface {
  name = 'CreateRegistrySchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOutboxTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropOutboxTables(queryRunner, schemaOf(queryRunner));
  }
}
