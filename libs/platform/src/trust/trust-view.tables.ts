// The trust read model's tables, created by a migration of each service that keeps one (intake, delivery):
//   await createTrustViewTables(queryRunner, schemaOf(queryRunner));
import type { QueryRunner } from 'typeorm';
import { quoteSchema } from '../database/service-data-source';

export async function createTrustViewTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`
    CREATE TABLE ${s}."trust_anchor_view" (
      "anchor_id" uuid NOT NULL,
      "certificate_der" bytea NOT NULL,
      "certificate_sha256" text NOT NULL,
      "active" boolean NOT NULL,
      "profile" jsonb NOT NULL,
      "trust_version" bigint NOT NULL,
      "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "trust_anchor_view_pkey" PRIMARY KEY ("anchor_id")
    )`);
  await queryRunner.query(`
    CREATE TABLE ${s}."trust_view_state" (
      "id" smallint NOT NULL,
      "version" bigint NOT NULL,
      "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "trust_view_state_pkey" PRIMARY KEY ("id")
    )`);
  await queryRunner.query(`
    CREATE TABLE ${s}."revoked_certificate_view" (
      "issuer_name_sha256" text NOT NULL,
      "serial_number" text NOT NULL,
      "revoked_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "reason" smallint NOT NULL,
      "anchor_id" uuid NOT NULL,
      "seq" bigserial NOT NULL,
      "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "revoked_certificate_view_pkey" PRIMARY KEY ("issuer_name_sha256", "serial_number")
    )`);
  // replicas load what is new since their last load by seq
  await queryRunner.query(
    `CREATE UNIQUE INDEX "revoked_certificate_view_seq_key" ON ${s}."revoked_certificate_view" ("seq")`,
  );
}

export async function dropTrustViewTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`DROP TABLE ${s}."revoked_certificate_view"`);
  await queryRunner.query(`DROP TABLE ${s}."trust_view_state"`);
  await queryRunner.query(`DROP TABLE ${s}."trust_anchor_view"`);
}

/** LISTEN/NOTIFY channel on which the trust read model of `schema` signals a committed change */
export function trustChannelOf(schema: string): string {
  return `${schema}_trust`;
}
