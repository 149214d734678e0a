import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** Inbox and status: the envelopes delivery files, and the download steps of their timelines. */
export class CreateEnvelopeTables1767398400000 implements MigrationInterface {
  name = 'CreateEnvelopeTables1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
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
        "files" jsonb NOT NULL,
        "manifest_sha256" text NOT NULL,
        "object_sha256" text NOT NULL,
        "object_size" bigint NOT NULL,
        "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "available_at" TIMESTAMP WITH TIME ZONE,
        "first_downloaded_at" TIMESTAMP WITH TIME ZONE,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "filed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "envelope_pkey" PRIMARY KEY ("envelope_id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "envelope_inbox_idx" ON ${s}."envelope" ("recipient_office_number", "available_at", "envelope_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "envelope_sent_idx" ON ${s}."envelope" ("sender_office_number", "accepted_at", "envelope_id")`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}."envelope_step" (
        "event_id" uuid NOT NULL,
        "envelope_id" uuid NOT NULL,
        "step" text NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "by_office_number" text NOT NULL,
        "by_service_type" text NOT NULL,
        "by_role" text NOT NULL,
        "bytes" bigint NOT NULL,
        CONSTRAINT "envelope_step_pkey" PRIMARY KEY ("event_id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "envelope_step_envelope_idx" ON ${s}."envelope_step" ("envelope_id", "at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."envelope_step"`);
    await queryRunner.query(`DROP TABLE ${s}."envelope"`);
  }
}
