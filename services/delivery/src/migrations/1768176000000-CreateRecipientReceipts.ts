import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** Recipient receipts (docs/envelope.md §10): the DER per envelope, and the verdict on the envelope row. */
export class CreateRecipientReceipts1768176000000 implements MigrationInterface {
  name = 'CreateRecipientReceipts1768176000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."recipient_receipt" (
        "envelope_id" uuid NOT NULL,
        "receipt" bytea NOT NULL,
        "receipt_sha256" text NOT NULL,
        "signer_certificate_sha256" text NOT NULL,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "recipient_receipt_pkey" PRIMARY KEY ("envelope_id")
      )`);
    await queryRunner.query(`ALTER TABLE ${s}."envelope" ADD "receipt_verdict" text`);
    await queryRunner.query(
      `ALTER TABLE ${s}."envelope" ADD "receipt_reason_codes" text array NOT NULL DEFAULT '{}'`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."envelope" ADD "receipt_sha256" text`);
    await queryRunner.query(`ALTER TABLE ${s}."envelope" ADD "receipt_received_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."envelope" ADD "receipted_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    for (const column of [
      'receipted_at',
      'receipt_received_at',
      'receipt_sha256',
      'receipt_reason_codes',
      'receipt_verdict',
    ]) {
      await queryRunner.query(`ALTER TABLE ${s}."envelope" DROP COLUMN "${column}"`);
    }
    await queryRunner.query(`DROP TABLE ${s}."recipient_receipt"`);
  }
}
