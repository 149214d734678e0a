import { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTables, dropOutboxTables, schemaOf } from '@renkei/platform';

/** The intake schema's first tables: its transactional outbox and its consumer inbox. */
export class CreateIntakeSchema1767225600000 implements MigrationInterface {
  name = 'CreateIntakeSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOutboxTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropOutboxTables(queryRunner, schemaOf(queryRunner));
  }
}
