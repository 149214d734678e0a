// The ledger's queries. Set-based where the rows are many (a month's cycles: INSERT … SELECT over every due
// fee; a cycle's close: one UPDATE per outcome), each commented with the index it relies on. Rules live in
// BillingLedger; these take decided values.
import { Inject, Injectable } from '@nestjs/common';
import { quoteSchema } from '@renkei/platform';
import { DataSource, EntityManager } from 'typeorm';
import { billingDefinition } from '../billing.definition';
import { BillingAuditEntity } from './billing-audit.entity';
import { BillingLicenceEntity } from './billing-licence.entity';
import type { CycleState, FeeState, InvoiceState } from './billing.ports';
import type { Amount } from './billing-rules.util';
import { CampaignEntity } from './campaign.entity';
import { DeductionCycleEntity } from './deduction-cycle.entity';
import { DeductionEntity } from './deduction.entity';
import { FeeScheduleEntryEntity } from './fee-schedule-entry.entity';
import { FeeEntity } from './fee.entity';
import { InvoiceEntity } from './invoice.entity';

const S = quoteSchema(billingDefinition.schema);
const CYCLE_JOB_LOCK = 'billing.cycle-generation';

/** a result to store on a deduction */
export interface ResultRow {
  readonly deductionId: string;
  readonly result: string;
  readonly reasonCode: string | null;
  readonly reason: string | null;
}

/** the figures of a cycle counted from its deduction rows */
export interface RowFigures {
  readonly requested: Amount;
  readonly deducted: Amount;
  readonly notDeductible: Amount;
  readonly pending: Amount;
  readonly carriedOver: Amount;
  readonly invoiced: Amount;
  readonly unknownResults: number;
}

/** a deduction whose fee does not agree with it */
export interface FeeMismatchRow {
  readonly deductionId: string;
  readonly officeNumber: string;
  readonly result: string | null;
  readonly outcome: string | null;
  readonly amountYen: number;
  readonly feeState: FeeState | null;
  readonly feeAmountYen: number | null;
}

export interface FeeStateCount {
  readonly state: FeeState;
  readonly count: number;
}

export interface PrefectureMonthFigures {
  readonly prefecture: string;
  readonly licencesBilled: number;
  readonly fees: { readonly state: FeeState; readonly count: number; readonly amountYen: number }[];
  readonly invoiced: Amount;
}

const amount = (count: unknown, yen: unknown): Amount => ({ count: Number(count), amountYen: Number(yen) });

@Injectable()
export class BillingRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** runs `work` in one transaction: ledger rows and audit rows commit together */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  // licences ------------------------------------------------------------------------------------------------

  /** stores the licence unless billing has this version or a newer one; true when stored (licence_pkey) */
  async upsertLicence(manager: EntityManager, licence: BillingLicenceEntity): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${S}."licence" ("office_number", "licence_id", "prefecture", "state", "term_start", "term_end",
                                   "version", "changed_at", "updated_at", "office_name")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT ("office_number") DO UPDATE SET
         "licence_id" = EXCLUDED."licence_id", "prefecture" = EXCLUDED."prefecture", "state" = EXCLUDED."state",
         "term_start" = EXCLUDED."term_start", "term_end" = EXCLUDED."term_end", "version" = EXCLUDED."version",
         "changed_at" = EXCLUDED."changed_at", "updated_at" = EXCLUDED."updated_at",
         "office_name" = EXCLUDED."office_name"
       WHERE "licence"."version" < EXCLUDED."version"
       RETURNING 1`,
      [
        licence.officeNumber,
        licence.licenceId,
        licence.prefecture,
        licence.state,
        licence.termStart,
        licence.termEnd,
        licence.version,
        licence.changedAt,
        licence.updatedAt,
        licence.officeName,
      ],
    );
    return rows.length === 1;
  }

  // fee schedule and campaigns --------------------------------------------------------------------------------

  feeSchedule(manager: EntityManager = this.manager): Promise<FeeScheduleEntryEntity[]> {
    return manager
      .getRepository(FeeScheduleEntryEntity)
      .find({ order: { effectiveFrom: 'ASC', createdAt: 'ASC' } });
  }

  campaigns(manager: EntityManager = this.manager): Promise<CampaignEntity[]> {
    return manager.getRepository(CampaignEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** serialises schedule changes (a duplicate check then an insert) */
  async lockFeeSchedule(manager: EntityManager): Promise<void> {
    await manager.query(`LOCK TABLE ${S}."fee_schedule" IN SHARE ROW EXCLUSIVE MODE`);
  }

  lockFeeScheduleEntry(manager: EntityManager, id: string): Promise<FeeScheduleEntryEntity | null> {
    return manager
      .getRepository(FeeScheduleEntryEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  lockCampaign(manager: EntityManager, id: string): Promise<CampaignEntity | null> {
    return manager
      .getRepository(CampaignEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async save<T extends object>(manager: EntityManager, entity: T): Promise<T> {
    return manager.save(entity);
  }

  async insert<T extends object>(manager: EntityManager, entity: T): Promise<void> {
    await manager.insert(entity.constructor, entity);
  }

  // fees ------------------------------------------------------------------------------------------------------

  /** inserts the term's fee unless it has one; true when this call inserted it (fee_licence_id_term_start_key) */
  async insertFeeIfAbsent(manager: EntityManager, fee: FeeEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(FeeEntity)
      .values(fee)
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  getFee(id: string, manager: EntityManager = this.manager): Promise<FeeEntity | null> {
    return manager.getRepository(FeeEntity).findOneBy({ id });
  }

  lockFee(manager: EntityManager, id: string): Promise<FeeEntity | null> {
    return manager.getRepository(FeeEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** a page of fees by office number and term start (fee_office_number_term_start_idx) */
  feePage(filter: {
    prefecture?: string;
    officeNumber?: string;
    state?: FeeState;
    after?: FeeEntity;
    limit: number;
  }): Promise<FeeEntity[]> {
    const query = this.manager.getRepository(FeeEntity).createQueryBuilder('fee');
    // a defined scope always filters, so an empty one matches nothing rather than every prefecture
    if (filter.prefecture !== undefined)
      query.andWhere('fee.prefecture = :prefecture', { prefecture: filter.prefecture });
    if (filter.officeNumber)
      query.andWhere('fee.officeNumber = :officeNumber', { officeNumber: filter.officeNumber });
    if (filter.state) query.andWhere('fee.state = :state', { state: filter.state });
    if (filter.after) {
      query.andWhere('(fee.officeNumber, fee.termStart, fee.id) > (:o, :t, :id)', {
        o: filter.after.officeNumber,
        t: filter.after.termStart,
        id: filter.after.id,
      });
    }
    return query
      .orderBy('fee.officeNumber', 'ASC')
      .addOrderBy('fee.termStart', 'ASC')
      .addOrderBy('fee.id', 'ASC')
      .limit(filter.limit)
      .getMany();
  }

  feesOfOffice(officeNumber: string): Promise<FeeEntity[]> {
    return this.manager
      .getRepository(FeeEntity)
      .find({ where: { officeNumber }, order: { termStart: 'ASC' } });
  }

  /** fees counted by state (fee_state_prefecture_payment_month_idx) */
  async feeCountsByState(): Promise<FeeStateCount[]> {
    const rows: { state: FeeState; count: number }[] = await this.manager.query(
      `SELECT "state", count(*)::int AS "count" FROM ${S}."fee" GROUP BY "state"`,
    );
    return rows;
  }

  // cycles ----------------------------------------------------------------------------------------------------

  /** the cycle generation lock: waits for another generation to end */
  async lockGeneration(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [CYCLE_JOB_LOCK]);
  }

  /** the cycle job's lock: false when another replica holds it (transaction-scoped advisory lock) */
  async tryLockGeneration(manager: EntityManager): Promise<boolean> {
    const [{ locked }] = (await manager.query(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS "locked"',
      [CYCLE_JOB_LOCK],
    )) as [{ locked: boolean }];
    return locked;
  }

  /** inserts the month's missing cycles, empty and open; their ids (deduction_cycle_prefecture_month_key) */
  async insertMissingCycles(
    manager: EntityManager,
    month: string,
    prefectures: readonly string[],
    now: Date,
  ): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO ${S}."deduction_cycle" ("id", "prefecture", "month", "state", "generated_at",
         "requested_count", "requested_amount_yen", "deducted_count", "deducted_amount_yen",
         "not_deductible_count", "not_deductible_amount_yen", "carried_over_count", "carried_over_amount_yen",
         "invoiced_count", "invoiced_amount_yen")
       SELECT gen_random_uuid(), p, $1, 'open', $2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
       FROM unnest($3::text[]) AS p
       ON CONFLICT ("prefecture", "month") DO NOTHING
       RETURNING "id"`,
      [month, now, prefectures],
    );
    return rows.map((row) => row.id);
  }

  /**
   * fills new cycles in one statement: every `due` fee of their prefectures whose payment month is ≤ the
   * month becomes `requested` and a deduction (attempt = 1 + earlier ones); the cycles' requested totals are
   * set. The UPDATE drives it, so a fee waived concurrently is re-checked and skipped.
   * fee_state_prefecture_payment_month_idx.
   */
  async fillCycles(
    manager: EntityManager,
    cycleIds: readonly string[],
    month: string,
    now: Date,
  ): Promise<void> {
    if (cycleIds.length === 0) return;
    await manager.query(
      `WITH "cycle" AS (
         SELECT "id", "prefecture" FROM ${S}."deduction_cycle" WHERE "id" = ANY($1::uuid[])
       ), "requested" AS (
         UPDATE ${S}."fee" f SET "state" = 'requested', "attempts" = f."attempts" + 1, "updated_at" = $3
         FROM "cycle" c
         WHERE c."prefecture" = f."prefecture" AND f."state" = 'due' AND f."payment_month" <= $2
         RETURNING f."id", f."office_number", f."prefecture", f."attempts", f."amount_yen", f."term_start",
                   f."term_end", c."id" AS "cycle_id"
       ), "inserted" AS (
         INSERT INTO ${S}."deduction" ("id", "cycle_id", "fee_id", "office_number", "prefecture", "month",
                                      "attempt", "amount_yen", "term_start", "term_end", "office_name")
         SELECT gen_random_uuid(), r."cycle_id", r."id", r."office_number", r."prefecture", $2, r."attempts",
                r."amount_yen", r."term_start", r."term_end", l."office_name"
         FROM "requested" r LEFT JOIN ${S}."licence" l ON l."office_number" = r."office_number"
         RETURNING "cycle_id", "amount_yen"
       )
       UPDATE ${S}."deduction_cycle" c
       SET "requested_count" = t."n", "requested_amount_yen" = t."yen"
       FROM (SELECT "cycle_id", count(*)::int AS "n", sum("amount_yen")::bigint AS "yen"
             FROM "inserted" GROUP BY "cycle_id") t
       WHERE c."id" = t."cycle_id"`,
      [cycleIds, month, now],
    );
  }

  cyclesOfMonth(month: string, manager: EntityManager = this.manager): Promise<DeductionCycleEntity[]> {
    return manager
      .getRepository(DeductionCycleEntity)
      .find({ where: { month }, order: { prefecture: 'ASC' } });
  }

  getCycle(id: string, manager: EntityManager = this.manager): Promise<DeductionCycleEntity | null> {
    return manager.getRepository(DeductionCycleEntity).findOneBy({ id });
  }

  lockCycle(manager: EntityManager, id: string): Promise<DeductionCycleEntity | null> {
    return manager
      .getRepository(DeductionCycleEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** a page of cycles, newest month first, then by prefecture (deduction_cycle_month_idx) */
  cyclePage(filter: {
    prefecture?: string;
    month?: string;
    state?: CycleState;
    after?: DeductionCycleEntity;
    limit: number;
  }): Promise<DeductionCycleEntity[]> {
    const query = this.manager.getRepository(DeductionCycleEntity).createQueryBuilder('cycle');
    if (filter.prefecture !== undefined)
      query.andWhere('cycle.prefecture = :prefecture', { prefecture: filter.prefecture });
    if (filter.month) query.andWhere('cycle.month = :month', { month: filter.month });
    if (filter.state) query.andWhere('cycle.state = :state', { state: filter.state });
    if (filter.after) {
      query.andWhere('(cycle.month < :m OR (cycle.month = :m AND cycle.prefecture > :p))', {
        m: filter.after.month,
        p: filter.after.prefecture,
      });
    }
    return query
      .orderBy('cycle.month', 'DESC')
      .addOrderBy('cycle.prefecture', 'ASC')
      .limit(filter.limit)
      .getMany();
  }

  // deductions ------------------------------------------------------------------------------------------------

  getDeduction(id: string): Promise<DeductionEntity | null> {
    return this.manager.getRepository(DeductionEntity).findOneBy({ id });
  }

  /** a cycle's deductions by office number (deduction_cycle_id_office_number_id_idx) */
  deductionPage(
    cycleId: string,
    after: DeductionEntity | undefined,
    limit: number,
  ): Promise<DeductionEntity[]> {
    const query = this.manager
      .getRepository(DeductionEntity)
      .createQueryBuilder('d')
      .where('d.cycleId = :cycleId', { cycleId });
    if (after) {
      query.andWhere('(d.officeNumber, d.id) > (:o, :id)', { o: after.officeNumber, id: after.id });
    }
    return query.orderBy('d.officeNumber', 'ASC').addOrderBy('d.id', 'ASC').limit(limit).getMany();
  }

  /** the named deductions of a cycle, locked (deduction_pkey) */
  lockDeductions(
    manager: EntityManager,
    cycleId: string,
    ids: readonly string[],
  ): Promise<DeductionEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager
      .getRepository(DeductionEntity)
      .createQueryBuilder('d')
      .setLock('pessimistic_write')
      .where('d.cycleId = :cycleId AND d.id = ANY(:ids)', { cycleId, ids })
      .getMany();
  }

  /** an office's deductions, through its fees (fee_office_number_term_start_idx, deduction_fee_id_idx) */
  deductionsOfOffice(officeNumber: string): Promise<DeductionEntity[]> {
    return this.manager
      .getRepository(DeductionEntity)
      .createQueryBuilder('d')
      .innerJoin(FeeEntity, 'f', 'f.id = d.feeId')
      .where('f.officeNumber = :officeNumber', { officeNumber })
      .orderBy('d.month', 'ASC')
      .addOrderBy('d.attempt', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .getMany();
  }

  /** stores results in one statement */
  async storeResults(manager: EntityManager, results: readonly ResultRow[], now: Date): Promise<void> {
    if (results.length === 0) return;
    await manager.query(
      `UPDATE ${S}."deduction" d
       SET "result" = r."result", "reason_code" = r."reason_code", "reason" = r."reason", "result_at" = $5
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS r("id", "result", "reason_code", "reason")
       WHERE d."id" = r."id"`,
      [
        results.map((r) => r.deductionId),
        results.map((r) => r.result),
        results.map((r) => r.reasonCode),
        results.map((r) => r.reason),
        now,
      ],
    );
  }

  /**
   * closes a cycle whose deductions all have a result: deducted fees → `deducted`; not-deductible fees with
   * attempt < `invoiceFromAttempt` → `due` again in `nextMonth`; the others → an invoice each, numbered in
   * office-number order, and `invoiced`. Every deduction records its outcome (deduction_cycle_id_office_number_id_idx).
   * Every fee of an open cycle's deductions is `requested` (waiving needs `due`), so the fee updates go by primary
   * key alone: a state predicate there lets stale statistics pick a plan that scans the fees once per deduction.
   */
  async settleCycle(
    manager: EntityManager,
    cycle: DeductionCycleEntity,
    invoiceFromAttempt: number,
    nextMonth: string,
    now: Date,
  ): Promise<{ carriedOver: Amount; invoiced: Amount; invoiceNumbers: string[] }> {
    await manager.query(
      `WITH "d" AS (
         UPDATE ${S}."deduction" SET "outcome" = 'deducted'
         WHERE "cycle_id" = $1 AND "result" = 'deducted' RETURNING "fee_id"
       )
       UPDATE ${S}."fee" f SET "state" = 'deducted', "updated_at" = $2
       FROM "d" WHERE f."id" = "d"."fee_id"`,
      [cycle.id, now],
    );
    const carried: { n: number; yen: string }[] = await manager.query(
      `WITH "d" AS (
         UPDATE ${S}."deduction" SET "outcome" = 'carried_over'
         WHERE "cycle_id" = $1 AND "result" = 'not_deductible' AND "attempt" < $2 RETURNING "fee_id", "amount_yen"
       ), "f" AS (
         UPDATE ${S}."fee" f SET "state" = 'due', "payment_month" = $3, "updated_at" = $4
         FROM "d" WHERE f."id" = "d"."fee_id"
       )
       SELECT count(*)::int AS "n", coalesce(sum("amount_yen"), 0)::bigint AS "yen" FROM "d"`,
      [cycle.id, invoiceFromAttempt, nextMonth, now],
    );
    const invoices: { number: string; amount_yen: number }[] = await manager.query(
      `WITH "d" AS (
         UPDATE ${S}."deduction" SET "outcome" = 'invoiced'
         WHERE "cycle_id" = $1 AND "result" = 'not_deductible' AND "attempt" >= $2
         RETURNING "id", "fee_id", "office_number", "prefecture", "month", "amount_yen"
       ), "f" AS (
         UPDATE ${S}."fee" f SET "state" = 'invoiced', "updated_at" = $3
         FROM "d" WHERE f."id" = "d"."fee_id"
       )
       INSERT INTO ${S}."invoice" ("id", "number", "fee_id", "office_number", "prefecture", "amount_yen",
                                  "cycle_id", "state", "issued_at")
       SELECT gen_random_uuid(),
              'INV-' || "month" || '-' || "prefecture" || '-' ||
                lpad((row_number() OVER (ORDER BY "office_number", "id"))::text, 6, '0'),
              "fee_id", "office_number", "prefecture", "amount_yen", $1, 'issued', $3
       FROM "d"
       RETURNING "number", "amount_yen"`,
      [cycle.id, invoiceFromAttempt, now],
    );
    return {
      carriedOver: amount(carried[0].n, carried[0].yen),
      invoiced: amount(
        invoices.length,
        invoices.reduce((sum, invoice) => sum + Number(invoice.amount_yen), 0),
      ),
      invoiceNumbers: invoices.map((invoice) => invoice.number).sort(),
    };
  }

  // reconciliation --------------------------------------------------------------------------------------------

  /** the cycle's figures counted from its rows (deduction_cycle_id_office_number_id_idx) */
  async rowFigures(cycleId: string): Promise<RowFigures> {
    const [row] = (await this.manager.query(
      `SELECT count(*) AS "rn", coalesce(sum("amount_yen"), 0) AS "ry",
              count(*) FILTER (WHERE "result" = 'deducted') AS "dn",
              coalesce(sum("amount_yen") FILTER (WHERE "result" = 'deducted'), 0) AS "dy",
              count(*) FILTER (WHERE "result" = 'not_deductible') AS "nn",
              coalesce(sum("amount_yen") FILTER (WHERE "result" = 'not_deductible'), 0) AS "ny",
              count(*) FILTER (WHERE "result" IS NULL) AS "pn",
              coalesce(sum("amount_yen") FILTER (WHERE "result" IS NULL), 0) AS "py",
              count(*) FILTER (WHERE "outcome" = 'carried_over') AS "cn",
              coalesce(sum("amount_yen") FILTER (WHERE "outcome" = 'carried_over'), 0) AS "cy",
              count(*) FILTER (WHERE "outcome" = 'invoiced') AS "in",
              coalesce(sum("amount_yen") FILTER (WHERE "outcome" = 'invoiced'), 0) AS "iy",
              count(*) FILTER (WHERE "result" NOT IN ('deducted', 'not_deductible')) AS "un"
       FROM ${S}."deduction" WHERE "cycle_id" = $1`,
      [cycleId],
    )) as Record<string, string>[];
    return {
      requested: amount(row['rn'], row['ry']),
      deducted: amount(row['dn'], row['dy']),
      notDeductible: amount(row['nn'], row['ny']),
      pending: amount(row['pn'], row['py']),
      carriedOver: amount(row['cn'], row['cy']),
      invoiced: amount(row['in'], row['iy']),
      unknownResults: Number(row['un']),
    };
  }

  /**
   * the cycle's deductions the fee ledger disagrees with (at most `limit`), and how many there are: the fee
   * must exist with the deduction's amount and be in the state the result put it in (pending or not yet
   * closed: requested; deducted: deducted; carried over: due, waived or requested again; invoiced: an invoice
   * of this cycle for the amount). deduction_fee_id_idx, invoice_fee_id_key.
   */
  async feeMismatches(cycleId: string, limit: number): Promise<{ rows: FeeMismatchRow[]; total: number }> {
    const rows: (FeeMismatchRow & { total: string })[] = await this.manager.query(
      `SELECT d."id" AS "deductionId", d."office_number" AS "officeNumber", d."result", d."outcome",
              d."amount_yen" AS "amountYen", f."state" AS "feeState", f."amount_yen" AS "feeAmountYen",
              count(*) OVER () AS "total"
       FROM ${S}."deduction" d
       LEFT JOIN ${S}."fee" f ON f."id" = d."fee_id"
       LEFT JOIN ${S}."invoice" i ON i."fee_id" = d."fee_id"
       WHERE d."cycle_id" = $1 AND NOT coalesce(
         f."amount_yen" = d."amount_yen" AND CASE
           WHEN d."outcome" IS NULL THEN f."state" = 'requested'
           WHEN d."outcome" = 'deducted' THEN d."result" = 'deducted' AND f."state" = 'deducted'
           WHEN d."outcome" = 'carried_over' THEN d."result" = 'not_deductible' AND (
             f."state" IN ('due', 'waived') OR EXISTS (
               SELECT 1 FROM ${S}."deduction" n WHERE n."fee_id" = d."fee_id" AND n."attempt" = d."attempt" + 1))
           WHEN d."outcome" = 'invoiced' THEN d."result" = 'not_deductible' AND f."state" = 'invoiced'
             AND i."cycle_id" = d."cycle_id" AND i."amount_yen" = d."amount_yen"
           ELSE false
         END, false)
       ORDER BY d."office_number", d."id"
       LIMIT $2`,
      [cycleId, limit],
    );
    return { rows, total: rows.length > 0 ? Number(rows[0].total) : 0 };
  }

  // invoices --------------------------------------------------------------------------------------------------

  getInvoice(id: string): Promise<InvoiceEntity | null> {
    return this.manager.getRepository(InvoiceEntity).findOneBy({ id });
  }

  lockInvoice(manager: EntityManager, id: string): Promise<InvoiceEntity | null> {
    return manager
      .getRepository(InvoiceEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** a page of invoices by number (invoice_number_key) */
  invoicePage(filter: {
    prefecture?: string;
    officeNumber?: string;
    state?: InvoiceState;
    after?: InvoiceEntity;
    limit: number;
  }): Promise<InvoiceEntity[]> {
    const query = this.manager.getRepository(InvoiceEntity).createQueryBuilder('invoice');
    if (filter.prefecture !== undefined)
      query.andWhere('invoice.prefecture = :prefecture', { prefecture: filter.prefecture });
    if (filter.officeNumber) {
      query.andWhere('invoice.officeNumber = :officeNumber', { officeNumber: filter.officeNumber });
    }
    if (filter.state) query.andWhere('invoice.state = :state', { state: filter.state });
    if (filter.after) query.andWhere('invoice.number > :number', { number: filter.after.number });
    return query.orderBy('invoice.number', 'ASC').limit(filter.limit).getMany();
  }

  invoicesOfOffice(officeNumber: string): Promise<InvoiceEntity[]> {
    return this.manager
      .getRepository(InvoiceEntity)
      .find({ where: { officeNumber }, order: { number: 'ASC' } });
  }

  // summary ---------------------------------------------------------------------------------------------------

  /**
   * per prefecture for `month`: licences with a deduction in its cycle, the fees whose term started in the
   * month before (first due in `month`) by state, and the invoices its cycle issued
   */
  async monthFigures(month: string, termFrom: Date, termTo: Date): Promise<PrefectureMonthFigures[]> {
    // deduction_cycle_month_idx, then deduction_cycle_id_office_number_id_idx per cycle
    const billed: { prefecture: string; n: number }[] = await this.manager.query(
      `SELECT c."prefecture", count(DISTINCT f."licence_id")::int AS "n"
       FROM ${S}."deduction_cycle" c
       JOIN ${S}."deduction" d ON d."cycle_id" = c."id"
       JOIN ${S}."fee" f ON f."id" = d."fee_id"
       WHERE c."month" = $1 GROUP BY c."prefecture"`,
      [month],
    );
    // one scan of fee: the summary is an operator's occasional view
    const fees: { prefecture: string; state: FeeState; n: number; yen: string }[] = await this.manager.query(
      `SELECT "prefecture", "state", count(*)::int AS "n", coalesce(sum("amount_yen"), 0)::bigint AS "yen"
       FROM ${S}."fee" WHERE "term_start" >= $1 AND "term_start" < $2 GROUP BY "prefecture", "state"`,
      [termFrom, termTo],
    );
    const invoiced: { prefecture: string; n: number; yen: string }[] = await this.manager.query(
      `SELECT i."prefecture", count(*)::int AS "n", coalesce(sum(i."amount_yen"), 0)::bigint AS "yen"
       FROM ${S}."invoice" i JOIN ${S}."deduction_cycle" c ON c."id" = i."cycle_id"
       WHERE c."month" = $1 GROUP BY i."prefecture"`,
      [month],
    );
    const byPrefecture = new Map<string, PrefectureMonthFigures>();
    const of = (prefecture: string): PrefectureMonthFigures => {
      let figures = byPrefecture.get(prefecture);
      if (!figures) {
        figures = { prefecture, licencesBilled: 0, fees: [], invoiced: { count: 0, amountYen: 0 } };
        byPrefecture.set(prefecture, figures);
      }
      return figures;
    };
    for (const row of billed)
      byPrefecture.set(row.prefecture, { ...of(row.prefecture), licencesBilled: row.n });
    for (const row of fees)
      of(row.prefecture).fees.push({ state: row.state, count: row.n, amountYen: Number(row.yen) });
    for (const row of invoiced) {
      byPrefecture.set(row.prefecture, { ...of(row.prefecture), invoiced: amount(row.n, row.yen) });
    }
    return [...byPrefecture.values()];
  }

  // audit -----------------------------------------------------------------------------------------------------

  async addAudit(manager: EntityManager, rows: readonly BillingAuditEntity[]): Promise<void> {
    if (rows.length > 0) await manager.insert(BillingAuditEntity, rows as BillingAuditEntity[] as object[]);
  }

  getAudit(id: string): Promise<BillingAuditEntity | null> {
    return this.manager.getRepository(BillingAuditEntity).findOneBy({ id });
  }

  /** a page of audit rows in the order they were written (audit_entity_entity_id_seq_idx; audit_seq_key) */
  auditPage(filter: {
    entity?: string;
    entityId?: string;
    after?: BillingAuditEntity;
    limit: number;
  }): Promise<BillingAuditEntity[]> {
    const query = this.manager.getRepository(BillingAuditEntity).createQueryBuilder('audit');
    if (filter.entity) query.andWhere('audit.entity = :entity', { entity: filter.entity });
    if (filter.entityId) query.andWhere('audit.entityId = :entityId', { entityId: filter.entityId });
    if (filter.after) query.andWhere('audit.seq > :seq', { seq: filter.after.seq });
    return query.orderBy('audit.seq', 'ASC').limit(filter.limit).getMany();
  }
}
