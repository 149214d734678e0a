import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/**
 * The billing ledger (docs/billing.md): the licence read model, the fee schedule (seeded with the national
 * price from 2023-04-01), campaigns, fees, deduction cycles and their deductions, invoices and the audit trail.
 */
export class CreateBillingLedger1768435200000 implements MigrationInterface {
  name = 'CreateBillingLedger1768435200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."licence" (
        "office_number" text NOT NULL,
        "licence_id" uuid NOT NULL,
        "prefecture" text NOT NULL,
        "state" text NOT NULL,
        "term_start" TIMESTAMP WITH TIME ZONE,
        "term_end" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL,
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "licence_pkey" PRIMARY KEY ("office_number")
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}."fee_schedule" (
        "id" uuid NOT NULL,
        "effective_from" date NOT NULL,
        "amount_yen" integer NOT NULL,
        "description" text NOT NULL,
        "reason" text NOT NULL,
        "created_by" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "withdrawn_at" TIMESTAMP WITH TIME ZONE,
        "withdrawn_reason" text,
        CONSTRAINT "fee_schedule_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "fee_schedule_effective_from_idx" ON ${s}."fee_schedule" ("effective_from")`,
    );
    await queryRunner.query(
      `INSERT INTO ${s}."fee_schedule" ("id", "effective_from", "amount_yen", "description", "reason", "created_by", "created_at")
       VALUES ('00000000-0000-4000-8000-000000000001', '2023-04-01', 21000, '利用料 年額 21,000円（税込）',
               '初期料金表', 'system', '2023-03-31T15:00:00Z')`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}."campaign" (
        "id" uuid NOT NULL,
        "name" text NOT NULL,
        "starts_on" date NOT NULL,
        "ends_on" date NOT NULL,
        "discount_percent" integer NOT NULL,
        "reason" text NOT NULL,
        "created_by" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "withdrawn_at" TIMESTAMP WITH TIME ZONE,
        "withdrawn_reason" text,
        CONSTRAINT "campaign_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "campaign_starts_on_idx" ON ${s}."campaign" ("starts_on")`);
    await queryRunner.query(`
      CREATE TABLE ${s}."fee" (
        "id" uuid NOT NULL,
        "licence_id" uuid NOT NULL,
        "office_number" text NOT NULL,
        "prefecture" text NOT NULL,
        "term_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "term_end" TIMESTAMP WITH TIME ZONE NOT NULL,
        "list_amount_yen" integer NOT NULL,
        "amount_yen" integer NOT NULL,
        "fee_schedule_id" uuid NOT NULL,
        "campaign_id" uuid,
        "payment_month" text NOT NULL,
        "state" text NOT NULL,
        "attempts" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "fee_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "fee_licence_id_term_start_key" ON ${s}."fee" ("licence_id", "term_start")`,
    );
    await queryRunner.query(
      `CREATE INDEX "fee_state_prefecture_payment_month_idx" ON ${s}."fee" ("state", "prefecture", "payment_month")`,
    );
    await queryRunner.query(
      `CREATE INDEX "fee_office_number_term_start_idx" ON ${s}."fee" ("office_number", "term_start")`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}."deduction_cycle" (
        "id" uuid NOT NULL,
        "prefecture" text NOT NULL,
        "month" text NOT NULL,
        "state" text NOT NULL,
        "generated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "acknowledged_at" TIMESTAMP WITH TIME ZONE,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "requested_count" integer NOT NULL,
        "requested_amount_yen" bigint NOT NULL,
        "deducted_count" integer NOT NULL,
        "deducted_amount_yen" bigint NOT NULL,
        "not_deductible_count" integer NOT NULL,
        "not_deductible_amount_yen" bigint NOT NULL,
        "carried_over_count" integer NOT NULL,
        "carried_over_amount_yen" bigint NOT NULL,
        "invoiced_count" integer NOT NULL,
        "invoiced_amount_yen" bigint NOT NULL,
        CONSTRAINT "deduction_cycle_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "deduction_cycle_prefecture_month_key" ON ${s}."deduction_cycle" ("prefecture", "month")`,
    );
    await queryRunner.query(`CREATE INDEX "deduction_cycle_month_idx" ON ${s}."deduction_cycle" ("month")`);
    await queryRunner.query(`
      CREATE TABLE ${s}."deduction" (
        "id" uuid NOT NULL,
        "cycle_id" uuid NOT NULL,
        "fee_id" uuid NOT NULL,
        "office_number" text NOT NULL,
        "prefecture" text NOT NULL,
        "month" text NOT NULL,
        "attempt" integer NOT NULL,
        "amount_yen" integer NOT NULL,
        "term_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "term_end" TIMESTAMP WITH TIME ZONE NOT NULL,
        "result" text,
        "reason_code" text,
        "reason" text,
        "result_at" TIMESTAMP WITH TIME ZONE,
        "outcome" text,
        CONSTRAINT "deduction_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "deduction_cycle_id_fee_id_key" ON ${s}."deduction" ("cycle_id", "fee_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "deduction_cycle_id_office_number_id_idx" ON ${s}."deduction" ("cycle_id", "office_number", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "deduction_fee_id_idx" ON ${s}."deduction" ("fee_id")`);
    await queryRunner.query(`
      CREATE TABLE ${s}."invoice" (
        "id" uuid NOT NULL,
        "number" text NOT NULL,
        "fee_id" uuid NOT NULL,
        "office_number" text NOT NULL,
        "prefecture" text NOT NULL,
        "amount_yen" integer NOT NULL,
        "cycle_id" uuid NOT NULL,
        "state" text NOT NULL,
        "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "paid_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "invoice_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "invoice_number_key" ON ${s}."invoice" ("number")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "invoice_fee_id_key" ON ${s}."invoice" ("fee_id")`);
    await queryRunner.query(`CREATE INDEX "invoice_office_number_idx" ON ${s}."invoice" ("office_number")`);
    await queryRunner.query(`CREATE INDEX "invoice_cycle_id_idx" ON ${s}."invoice" ("cycle_id")`);
    await queryRunner.query(`
      CREATE TABLE ${s}."audit" (
        "id" uuid NOT NULL,
        "seq" BIGSERIAL NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_id" text NOT NULL,
        "actor_role" text NOT NULL,
        "actor_prefecture" text,
        "action" text NOT NULL,
        "entity" text NOT NULL,
        "entity_id" text NOT NULL,
        "reason" text,
        "before" jsonb,
        "after" jsonb,
        CONSTRAINT "audit_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "audit_entity_entity_id_seq_idx" ON ${s}."audit" ("entity", "entity_id", "seq")`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "audit_seq_key" ON ${s}."audit" ("seq")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    for (const table of [
      'audit',
      'invoice',
      'deduction',
      'deduction_cycle',
      'fee',
      'campaign',
      'fee_schedule',
      'licence',
    ]) {
      await queryRunner.query(`DROP TABLE ${s}."${table}"`);
    }
  }
}
