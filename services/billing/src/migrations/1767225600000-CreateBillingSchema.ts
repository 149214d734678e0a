import { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTables, dropOutboxTables, schemaOf } from '@renkei/platform';

/** The billing schema's first tables: its transactional outbox and its consumer inbox. */
export class CreateBillingSchema1767225600000 implements MigrationInterface {
  name = 'CreateBillingSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOutboxTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropOutboxTables(queryRunner, schemaOf(queryRunner));
  }
}
