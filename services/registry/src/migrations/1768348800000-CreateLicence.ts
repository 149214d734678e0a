import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** Licences (one per 事業所番号) and their audit trail (docs/licences.md). */
export class CreateLicence1768348800000 implements MigrationInterface {
  name = 'CreateLicence1768348800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."licence" (
        "office_number" text NOT NULL,
        "licence_id" uuid NOT NULL,
        "prefecture" text NOT NULL,
        "service_types" text array NOT NULL,
        "state" text NOT NULL,
        "term_start" TIMESTAMP WITH TIME ZONE,
        "term_end" TIMESTAMP WITH TIME ZONE,
        "auto_renew" boolean NOT NULL,
        "reason" text NOT NULL,
        "certificate_sha256" text NOT NULL,
        "version" integer NOT NULL,
        "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "licence_pkey" PRIMARY KEY ("office_number")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "licence_id_key" ON ${s}."licence" ("licence_id")`);
    await queryRunner.query(
      `CREATE INDEX "licence_state_office_number_idx" ON ${s}."licence" ("state", "office_number")`,
    );
    await queryRunner.query(`CREATE INDEX "licence_term_end_idx" ON ${s}."licence" ("term_end")`);
    await queryRunner.query(`
      CREATE TABLE ${s}."licence_change" (
        "id" uuid NOT NULL,
        "licence_id" uuid NOT NULL,
        "office_number" text NOT NULL,
        "version" integer NOT NULL,
        "from_state" text,
        "to_state" text NOT NULL,
        "action" text NOT NULL,
        "reason" text NOT NULL,
        "actor_id" text NOT NULL,
        "actor_role" text NOT NULL,
        "term_start" TIMESTAMP WITH TIME ZONE,
        "term_end" TIMESTAMP WITH TIME ZONE,
        "auto_renew" boolean NOT NULL,
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "licence_change_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "licence_change_office_number_version_key" ON ${s}."licence_change" ("office_number", "version")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."licence_change"`);
    await queryRunner.query(`DROP TABLE ${s}."licence"`);
  }
}
