import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** Intake's accepted envelopes and its read model of the office directory. */
export class CreateEnvelopeTables1767398400000 implements MigrationInterface {
  name = 'CreateEnvelopeTables1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."known_office" (
        "office_number" text NOT NULL,
        "service_types" text array NOT NULL,
        "status" text NOT NULL,
        "certificate_sha256" text NOT NULL,
        "version" bigint NOT NULL,
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "known_office_pkey" PRIMARY KEY ("office_number")
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}."envelope" (
        "envelope_id" uuid NOT NULL,
        "sender_office_number" text NOT NULL,
        "sender_service_type" text NOT NULL,
        "recipient_office_number" text NOT NULL,
        "recipient_service_type" text NOT NULL,
        "kind" text NOT NULL,
        "target_month" text NOT NULL,
        "file_sequence" text NOT NULL,
        "manifest" jsonb NOT NULL,
        "manifest_sha256" text NOT NULL,
        "content_sha256" text NOT NULL,
        "signer_certificate_sha256" text NOT NULL,
        "object_key" text NOT NULL,
        "object_size" bigint NOT NULL,
        "object_sha256" text NOT NULL,
        "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "status" text NOT NULL,
        CONSTRAINT "envelope_pkey" PRIMARY KEY ("envelope_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."envelope"`);
    await queryRunner.query(`DROP TABLE ${s}."known_office"`);
  }
}
