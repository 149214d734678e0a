// The outbox and inbox tables, created by each service's FIRST migration inside its own schema:
//   await createOutboxTables(queryRunner, schemaOf(queryRunner));
import type { QueryRunner } from 'typeorm';
import { quoteSchema } from '../database/service-data-source';

export async function createOutboxTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await queryRunner.query(`
    CREATE TABLE ${s}."outbox_event" (
      "id" bigserial PRIMARY KEY,
      "event_id" uuid NOT NULL,
      "topic" text NOT NULL,
      "message_key" text NOT NULL,
      "payload" bytea NOT NULL,
      "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "published_at" timestamptz NULL,
      CONSTRAINT "outbox_event_event_id_key" UNIQUE ("event_id")
    )`);
  // the relay reads unpublished rows in id order; cleanup reads published rows by age
  await queryRunner.query(
    `CREATE INDEX "outbox_event_unpublished_idx" ON ${s}."outbox_event" ("id") WHERE "published_at" IS NULL`,
  );
  await queryRunner.query(
    `CREATE INDEX "outbox_event_published_at_idx" ON ${s}."outbox_event" ("published_at") WHERE "published_at" IS NOT NULL`,
  );
  await queryRunner.query(`
    CREATE TABLE ${s}."inbox_event" (
      "consumer_group" text NOT NULL,
      "event_id" uuid NOT NULL,
      "processed_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "inbox_event_pkey" PRIMARY KEY ("consumer_group", "event_id")
    )`);
}

export async function dropOutboxTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`DROP TABLE ${s}."inbox_event"`);
  await queryRunner.query(`DROP TABLE ${s}."outbox_event"`);
}

/** LISTEN/NOTIFY channel the outbox of `schema` signals on commit */
export function outboxChannelOf(schema: string): string {
  return `renkei_outbox_${schema}`;
}
