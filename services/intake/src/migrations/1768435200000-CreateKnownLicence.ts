import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** Intake's read model of the licences (registry.licence.changed.v1), for the send checks. */
export class CreateKnownLicence1768435200000 implements MigrationInterface {
  name = 'CreateKnownLicence1768435200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."known_licence" (
        "office_number" text NOT NULL,
        "licence_id" uuid NOT NULL,
        "state" text NOT NULL,
        "term_end" TIMESTAMP WITH TIME ZONE,
        "auto_renew" boolean NOT NULL,
        "version" bigint NOT NULL,
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "known_licence_pkey" PRIMARY KEY ("office_number")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."known_licence"`);
  }
}
