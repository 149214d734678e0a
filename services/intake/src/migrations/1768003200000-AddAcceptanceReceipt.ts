import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** The platform's signed acceptance receipt of each envelope (docs/envelope.md §10), kept with its row. */
export class AddAcceptanceReceipt1768003200000 implements MigrationInterface {
  name = 'AddAcceptanceReceipt1768003200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`ALTER TABLE ${s}."envelope" ADD "acceptance_receipt" bytea`);
    await queryRunner.query(`ALTER TABLE ${s}."envelope" ADD "acceptance_receipt_sha256" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`ALTER TABLE ${s}."envelope" DROP COLUMN "acceptance_receipt_sha256"`);
    await queryRunner.query(`ALTER TABLE ${s}."envelope" DROP COLUMN "acceptance_receipt"`);
  }
}
