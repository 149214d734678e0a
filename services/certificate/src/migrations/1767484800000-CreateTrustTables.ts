import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/** The trust store: anchors with profiles, the latest CRL per anchor, revoked certificates, the version. */
export class CreateTrustTables1767484800000 implements MigrationInterface {
  name = 'CreateTrustTables1767484800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."trust_anchor" (
        "id" uuid NOT NULL,
        "certificate_der" bytea NOT NULL,
        "certificate_sha256" text NOT NULL,
        "subject" text NOT NULL,
        "not_before" TIMESTAMP WITH TIME ZONE NOT NULL,
        "not_after" TIMESTAMP WITH TIME ZONE NOT NULL,
        "status" text NOT NULL,
        "profile" jsonb NOT NULL,
        "source" text NOT NULL,
        "added_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "retired_at" TIMESTAMP WITH TIME ZONE,
        "retire_reason" text,
        "crl_distribution_point" text,
        CONSTRAINT "trust_anchor_certificate_sha256_key" UNIQUE ("certificate_sha256"),
        CONSTRAINT "trust_anchor_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}."trust_crl" (
        "anchor_id" uuid NOT NULL,
        "crl_number" numeric,
        "this_update" TIMESTAMP WITH TIME ZONE NOT NULL,
        "next_update" TIMESTAMP WITH TIME ZONE,
        "der" bytea NOT NULL,
        "sha256" text NOT NULL,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "source" text NOT NULL,
        CONSTRAINT "trust_crl_pkey" PRIMARY KEY ("anchor_id")
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}."revoked_certificate" (
        "issuer_name_sha256" text NOT NULL,
        "serial_number" text NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "reason" integer NOT NULL,
        "anchor_id" uuid NOT NULL,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "trust_version" bigint NOT NULL,
        CONSTRAINT "revoked_certificate_pkey" PRIMARY KEY ("issuer_name_sha256", "serial_number")
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}."trust_state" (
        "id" smallint NOT NULL,
        "version" bigint NOT NULL,
        CONSTRAINT "trust_state_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`INSERT INTO ${s}."trust_state" ("id", "version") VALUES (1, 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."trust_state"`);
    await queryRunner.query(`DROP TABLE ${s}."revoked_certificate"`);
    await queryRunner.query(`DROP TABLE ${s}."trust_crl"`);
    await queryRunner.query(`DROP TABLE ${s}."trust_anchor"`);
  }
}
