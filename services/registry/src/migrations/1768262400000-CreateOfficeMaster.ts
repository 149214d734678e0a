import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** The 事業所台帳 per prefecture (docs/registry.md): uploads, each office's current entry, and its versions. */
export class CreateOfficeMaster1768262400000 implements MigrationInterface {
  name = 'CreateOfficeMaster1768262400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."office_master_upload" (
        "id" uuid NOT NULL,
        "prefecture" text NOT NULL,
        "uploaded_by" text NOT NULL,
        "role" text NOT NULL,
        "reason" text NOT NULL,
        "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "as_of" date NOT NULL,
        "sha256" text NOT NULL,
        "media_type" text NOT NULL,
        "office_count" integer NOT NULL,
        "added" integer NOT NULL,
        "changed" integer NOT NULL,
        "closed" integer NOT NULL,
        "unchanged" integer NOT NULL,
        CONSTRAINT "office_master_upload_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "office_master_upload_prefecture_idx" ON ${s}."office_master_upload" ("prefecture", "uploaded_at")`,
    );
    const masterColumns = `
        "prefecture" text NOT NULL,
        "name" text NOT NULL,
        "name_kana" text,
        "service_types" text array NOT NULL,
        "status" text NOT NULL,
        "status_reason" text,
        "designated_from" date,
        "designated_to" date,
        "postal_code" text,
        "address" text,
        "upload_id" uuid NOT NULL,
        "as_of" date NOT NULL,`;
    await queryRunner.query(`
      CREATE TABLE ${s}."office_master_entry" (${masterColumns}
        "office_number" text NOT NULL,
        "version" integer NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "office_master_entry_pkey" PRIMARY KEY ("office_number")
      )`);
    await queryRunner.query(
      `CREATE INDEX "office_master_entry_prefecture_idx" ON ${s}."office_master_entry" ("prefecture")`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}."office_master_version" (${masterColumns}
        "office_number" text NOT NULL,
        "version" integer NOT NULL,
        "kind" text NOT NULL,
        "changed_fields" text array NOT NULL,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "office_master_version_pkey" PRIMARY KEY ("office_number", "version")
      )`);
    await queryRunner.query(
      `CREATE INDEX "office_master_version_upload_idx" ON ${s}."office_master_version" ("upload_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."office_master_version"`);
    await queryRunner.query(`DROP TABLE ${s}."office_master_entry"`);
    await queryRunner.query(`DROP TABLE ${s}."office_master_upload"`);
  }
}
