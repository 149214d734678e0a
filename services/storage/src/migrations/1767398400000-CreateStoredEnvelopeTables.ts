import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** Accepted envelopes storage serves, and every completed download of one. */
export class CreateStoredEnvelopeTables1767398400000 implements MigrationInterface {
  name = 'CreateStoredEnvelopeTables1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."stored_envelope" (
        "envelope_id" uuid NOT NULL,
        "object_key" text NOT NULL,
        "object_size" bigint NOT NULL,
        "object_sha256" text NOT NULL,
        "sender_office_number" text NOT NULL,
        "sender_service_type" text NOT NULL,
        "recipient_office_number" text NOT NULL,
        "recipient_service_type" text NOT NULL,
        "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "available_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "stored_envelope_pkey" PRIMARY KEY ("envelope_id")
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}."download" (
        "id" uuid NOT NULL,
        "envelope_id" uuid NOT NULL,
        "office_number" text NOT NULL,
        "role" text NOT NULL,
        "downloaded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "bytes" bigint NOT NULL,
        CONSTRAINT "download_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "download_envelope_fkey" FOREIGN KEY ("envelope_id")
          REFERENCES ${s}."stored_envelope" ("envelope_id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "download_envelope_id_idx" ON ${s}."download" ("envelope_id", "downloaded_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."download"`);
    await queryRunner.query(`DROP TABLE ${s}."stored_envelope"`);
  }
}
