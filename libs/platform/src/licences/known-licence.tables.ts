// The licence read model's table, created by a migration of each service that keeps one (intake, delivery):
//   await createKnownLicenceTable(queryRunner, schemaOf(queryRunner));
import type { QueryRunner } from 'typeorm';
import { quoteSchema } from '../database/service-data-source';

export async function createKnownLicenceTable(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE ${quoteSchema(schema)}."known_licence" (
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

export async function dropKnownLicenceTable(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`DROP TABLE ${quoteSchema(schema)}."known_licence"`);
}
