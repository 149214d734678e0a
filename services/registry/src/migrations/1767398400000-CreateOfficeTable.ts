import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** The office directory: each office's published certificate (docs/exchange.md, Directory). */
export class CreateOfficeTable1767398400000 implements MigrationInterface {
  name = 'CreateOfficeTable1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."office" (
        "office_number" text NOT NULL,
        "service_types" text array NOT NULL,
        "status" text NOT NULL,
        "certificate_der" bytea NOT NULL,
        "certificate_sha256" text NOT NULL,
        "version" integer NOT NULL,
        "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "office_pkey" PRIMARY KEY ("office_number")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."office"`);
  }
}
