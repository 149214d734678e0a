import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/**
 * The per-office inbox sequence GET /v1/inbox/events numbers arrivals by (docs/exchange.md, Push): assigned in
 * commit order when an envelope becomes available, so a stream resumed after an id misses nothing. Envelopes
 * already in an inbox are numbered in (available_at, envelope_id) order.
 */
export class AddInboxSequence1768521600000 implements MigrationInterface {
  name = 'AddInboxSequence1768521600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`ALTER TABLE ${s}."envelope" ADD "inbox_seq" bigint`);
    await queryRunner.query(`
      UPDATE ${s}."envelope" AS e SET "inbox_seq" = n."seq"
      FROM (
        SELECT "envelope_id", row_number() OVER (
          PARTITION BY "recipient_office_number" ORDER BY "available_at", "envelope_id") AS "seq"
        FROM ${s}."envelope" WHERE "available_at" IS NOT NULL
      ) AS n
      WHERE e."envelope_id" = n."envelope_id"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "envelope_inbox_seq_idx" ON ${s}."envelope" ("recipient_office_number", "inbox_seq")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP INDEX ${s}."envelope_inbox_seq_idx"`);
    await queryRunner.query(`ALTER TABLE ${s}."envelope" DROP COLUMN "inbox_seq"`);
  }
}
