import { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTables, dropOutboxTables, schemaOf } from '@renkei/platform';

/** The storage schema's first tables: its transactional outbox and its consumer inbox. */
export class CreateStorageSchema1767225600000 implements MigrationInterface {
  name = 'CreateStorageSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOutboxTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropOutboxTables(queryRunner, schemaOf(queryRunner));
  }
}
