// The billing ledger (docs/billing.md): every rule, transaction and audit row of fees, cycles, results and
// reconciliation. The HTTP layer (../api) parses and authorises, then calls this through BILLING_LEDGER.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PlatformConfig } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import { BillingAuditEntity } from './billing-audit.entity';
import { BillingClock } from './billing.clock';
import { BillingError, BillingErrorCode, type BillingProblem } from './billing.errors';
import { BillingMetrics } from './billing.metrics';
import type {
  AuditView,
  BillingActor,
  BillingLedgerPort,
  CampaignView,
  CycleState,
  CycleView,
  DeductionResult,
  DeductionView,
  FeeScheduleEntryView,
  FeeState,
  FeeView,
  InvoiceState,
  InvoiceView,
  NotDeductibleReason,
  Page,
  PageRequest,
  PrefectureScope,
  PrefectureSummary,
  ReconciliationReport,
  ResultInput,
  ResultsApplied,
} from './billing.ports';
import { BillingRepository, type ResultRow } from './billing.repository';
import {
  firstInvoicedAttempt,
  isDate,
  isMonth,
  jstDate,
  jstMonth,
  jstMonthStart,
  nextMonth,
  PREFECTURES,
  previousMonth,
  reconciliationDiscrepancies,
} from './billing-rules.util';
import {
  auditView,
  campaignView,
  cycleTotals,
  cycleView,
  deductionView,
  feeScheduleView,
  feeView,
  invoiceView,
} from './billing.views';
import { CampaignEntity } from './campaign.entity';
import type { DeductionCycleEntity } from './deduction-cycle.entity';
import type { DeductionEntity } from './deduction.entity';
import { FeeScheduleEntryEntity } from './fee-schedule-entry.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const REASON_CODES: readonly NotDeductibleReason[] = [
  'NO_PAYMENT',
  'INSUFFICIENT_AMOUNT',
  'OFFICE_CLOSED',
  'OTHER',
];
const RESULTS: readonly DeductionResult[] = ['deducted', 'not_deductible'];
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const STREAM_BATCH = 1000;
const FEE_STATES: readonly FeeState[] = ['due', 'requested', 'deducted', 'invoiced', 'waived'];
/** how many fee mismatches a reconciliation report lists (it counts them all) */
const MISMATCHES_LISTED = 20;
const MAX_AMOUNT_YEN = 10_000_000;

/** the actor of the ledger's own changes (the licence consumer, the cycle job) */
export const BILLING_SYSTEM_ACTOR: BillingActor = { id: 'billing', role: 'system' };

/** what an audit row records beyond who and when */
export interface AuditChange {
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly reason?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

const blank = (value: string | undefined | null): boolean =>
  value === undefined || value === null || value.trim() === '';

@Injectable()
export class BillingLedger implements BillingLedgerPort {
  private readonly logger = new Logger(BillingLedger.name);
  private readonly carryOverCycles: number;

  constructor(
    @Inject(BillingRepository) private readonly repository: BillingRepository,
    @Inject(BillingClock) private readonly clock: BillingClock,
    @Inject(BillingMetrics) private readonly metrics: BillingMetrics,
    @Inject(PlatformConfig) config: PlatformConfig,
  ) {
    this.carryOverCycles = config.billing.carryOverCycles;
  }

  /** an audit row of `actor`'s change, now */
  auditRow(actor: BillingActor, change: AuditChange): BillingAuditEntity {
    return Object.assign(new BillingAuditEntity(), {
      id: this.clock.uuid(),
      at: this.clock.now(),
      actorId: actor.id,
      actorRole: actor.role,
      actorPrefecture: actor.prefecture ?? null,
      action: change.action,
      entity: change.entity,
      entityId: change.entityId,
      reason: change.reason ?? null,
      before: change.before ?? null,
      after: change.after ?? null,
    } satisfies Omit<BillingAuditEntity, 'seq'>);
  }

  private writeAudit(manager: EntityManager, actor: BillingActor, change: AuditChange): Promise<void> {
    return this.repository.addAudit(manager, [this.auditRow(actor, change)]);
  }

  // fee schedule and campaigns --------------------------------------------------------------------------------

  async listFeeSchedule(): Promise<FeeScheduleEntryView[]> {
    return (await this.repository.feeSchedule()).map(feeScheduleView);
  }

  async addFeeScheduleEntry(
    actor: BillingActor,
    input: { effectiveFrom: string; amountYen: number; description: string; reason: string },
  ): Promise<FeeScheduleEntryView> {
    const reason = requireReason(input.reason);
    if (!isDate(input.effectiveFrom)) {
      throw new BillingError(
        BillingErrorCode.INVALID_DATE,
        'effectiveFrom is not an existing YYYY-MM-DD date',
      );
    }
    const problems: BillingProblem[] = [];
    if (!Number.isSafeInteger(input.amountYen) || input.amountYen < 0 || input.amountYen > MAX_AMOUNT_YEN) {
      problems.push({ source: 'amountYen', problem: `must be a whole number of yen, 0–${MAX_AMOUNT_YEN}` });
    }
    if (blank(input.description)) problems.push({ source: 'description', problem: 'must not be blank' });
    if (problems.length > 0)
      throw new BillingError(BillingErrorCode.REQUEST_INVALID, 'invalid fee schedule entry', problems);
    const now = this.clock.now();
    if (input.effectiveFrom <= jstDate(now)) {
      throw new BillingError(
        BillingErrorCode.FEE_SCHEDULE_BACKDATED,
        'a schedule entry must take effect after today (JST): terms already priced keep their price',
      );
    }
    return this.repository.transaction(async (manager) => {
      await this.repository.lockFeeSchedule(manager);
      const clash = (await this.repository.feeSchedule(manager)).find(
        (entry) => entry.withdrawnAt === null && entry.effectiveFrom === input.effectiveFrom,
      );
      if (clash) {
        throw new BillingError(
          BillingErrorCode.FEE_SCHEDULE_DUPLICATE,
          `schedule entry ${clash.id} already takes effect on ${input.effectiveFrom}`,
        );
      }
      const entry = Object.assign(new FeeScheduleEntryEntity(), {
        id: this.clock.uuid(),
        effectiveFrom: input.effectiveFrom,
        amountYen: input.amountYen,
        description: input.description.trim(),
        reason,
        createdBy: actor.id,
        createdAt: now,
        withdrawnAt: null,
        withdrawnReason: null,
      } satisfies FeeScheduleEntryEntity);
      await this.repository.insert(manager, entry);
      const view = feeScheduleView(entry);
      await this.writeAudit(manager, actor, {
        action: 'add-fee-schedule-entry',
        entity: 'fee_schedule',
        entityId: entry.id,
        reason,
        after: view,
      });
      return view;
    });
  }

  async withdrawFeeScheduleEntry(
    actor: BillingActor,
    id: string,
    reason: string,
  ): Promise<FeeScheduleEntryView> {
    const why = requireReason(reason);
    return this.repository.transaction(async (manager) => {
      const entry = UUID.test(id) ? await this.repository.lockFeeScheduleEntry(manager, id) : null;
      if (!entry)
        throw new BillingError(BillingErrorCode.FEE_SCHEDULE_NOT_FOUND, 'no such fee schedule entry');
      if (entry.withdrawnAt !== null) return feeScheduleView(entry);
      const now = this.clock.now();
      if (entry.effectiveFrom <= jstDate(now)) {
        throw new BillingError(
          BillingErrorCode.FEE_SCHEDULE_IN_EFFECT,
          'the schedule entry is already in effect: terms priced by it keep their price',
        );
      }
      const before = feeScheduleView(entry);
      entry.withdrawnAt = now;
      entry.withdrawnReason = why;
      await this.repository.save(manager, entry);
      const after = feeScheduleView(entry);
      await this.writeAudit(manager, actor, {
        action: 'withdraw-fee-schedule-entry',
        entity: 'fee_schedule',
        entityId: entry.id,
        reason: why,
        before,
        after,
      });
      return after;
    });
  }

  async listCampaigns(): Promise<CampaignView[]> {
    return (await this.repository.campaigns()).map(campaignView);
  }

  async addCampaign(
    actor: BillingActor,
    input: { name: string; startsOn: string; endsOn: string; discountPercent: number; reason: string },
  ): Promise<CampaignView> {
    const reason = requireReason(input.reason);
    for (const field of ['startsOn', 'endsOn'] as const) {
      if (!isDate(input[field])) {
        throw new BillingError(BillingErrorCode.INVALID_DATE, `${field} is not an existing YYYY-MM-DD date`);
      }
    }
    const problems: BillingProblem[] = [];
    if (blank(input.name)) problems.push({ source: 'name', problem: 'must not be blank' });
    if (input.endsOn < input.startsOn)
      problems.push({ source: 'endsOn', problem: 'must not be before startsOn' });
    if (
      !Number.isInteger(input.discountPercent) ||
      input.discountPercent < 1 ||
      input.discountPercent > 100
    ) {
      problems.push({ source: 'discountPercent', problem: 'must be a whole number, 1–100' });
    }
    if (problems.length > 0)
      throw new BillingError(BillingErrorCode.REQUEST_INVALID, 'invalid campaign', problems);
    return this.repository.transaction(async (manager) => {
      const campaign = Object.assign(new CampaignEntity(), {
        id: this.clock.uuid(),
        name: input.name.trim(),
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        discountPercent: input.discountPercent,
        reason,
        createdBy: actor.id,
        createdAt: this.clock.now(),
        withdrawnAt: null,
        withdrawnReason: null,
      } satisfies CampaignEntity);
      await this.repository.insert(manager, campaign);
      const view = campaignView(campaign);
      await this.writeAudit(manager, actor, {
        action: 'add-campaign',
        entity: 'campaign',
        entityId: campaign.id,
        reason,
        after: view,
      });
      return view;
    });
  }

  async withdrawCampaign(actor: BillingActor, id: string, reason: string): Promise<CampaignView> {
    const why = requireReason(reason);
    return this.repository.transaction(async (manager) => {
      const campaign = UUID.test(id) ? await this.repository.lockCampaign(manager, id) : null;
      if (!campaign) throw new BillingError(BillingErrorCode.CAMPAIGN_NOT_FOUND, 'no such campaign');
      if (campaign.withdrawnAt !== null) return campaignView(campaign);
      const before = campaignView(campaign);
      campaign.withdrawnAt = this.clock.now();
      campaign.withdrawnReason = why;
      await this.repository.save(manager, campaign);
      const after = campaignView(campaign);
      await this.writeAudit(manager, actor, {
        action: 'withdraw-campaign',
        entity: 'campaign',
        entityId: campaign.id,
        reason: why,
        before,
        after,
      });
      return after;
    });
  }

  // fees ------------------------------------------------------------------------------------------------------

  async listFees(
    scope: PrefectureScope,
    filter: { officeNumber?: string; state?: FeeState },
    page: PageRequest,
  ): Promise<Page<FeeView>> {
    const limit = limitOf(page);
    const after =
      page.after === undefined
        ? undefined
        : await this.cursor(this.repository.getFee(page.after), page.after);
    const fees = await this.repository.feePage({ prefecture: scope, ...filter, after, limit });
    return pageOf(fees.map(feeView), limit, (fee) => fee.feeId);
  }

  async waiveFee(actor: BillingActor, feeId: string, reason: string): Promise<FeeView> {
    const why = requireReason(reason);
    return this.repository.transaction(async (manager) => {
      const fee = UUID.test(feeId) ? await this.repository.lockFee(manager, feeId) : null;
      if (!fee) throw new BillingError(BillingErrorCode.FEE_NOT_FOUND, 'no such fee');
      if (fee.state === 'waived') return feeView(fee);
      if (fee.state !== 'due') {
        throw new BillingError(
          BillingErrorCode.FEE_NOT_WAIVABLE,
          `the fee is ${fee.state}, only a due fee can be waived`,
        );
      }
      const before = feeView(fee);
      fee.state = 'waived';
      fee.updatedAt = this.clock.now();
      await this.repository.save(manager, fee);
      const after = feeView(fee);
      await this.writeAudit(manager, actor, {
        action: 'waive-fee',
        entity: 'fee',
        entityId: fee.id,
        reason: why,
        before,
        after,
      });
      return after;
    });
  }

  // cycles ----------------------------------------------------------------------------------------------------

  async generateCycles(actor: BillingActor, month: string): Promise<CycleView[]> {
    requireMonth(month);
    const now = this.clock.now();
    if (month > jstMonth(now)) {
      throw new BillingError(
        BillingErrorCode.CYCLE_MONTH_IN_FUTURE,
        `${month} is after the current JST month`,
      );
    }
    const cycles = await this.repository.transaction(async (manager) => {
      await this.repository.lockGeneration(manager);
      return this.generateLocked(manager, actor, month, now);
    });
    return cycles.map(cycleView);
  }

  /**
   * the month's 47 cycles, creating the missing ones (with their deductions) in the caller's transaction,
   * which holds the generation lock; existing cycles are left as they are
   */
  async generateLocked(
    manager: EntityManager,
    actor: BillingActor,
    month: string,
    now: Date,
  ): Promise<DeductionCycleEntity[]> {
    const created = await this.repository.insertMissingCycles(manager, month, PREFECTURES, now);
    await this.repository.fillCycles(manager, created, month, now);
    const cycles = await this.repository.cyclesOfMonth(month, manager);
    const createdIds = new Set(created);
    await this.repository.addAudit(
      manager,
      cycles
        .filter((cycle) => createdIds.has(cycle.id))
        .map((cycle) =>
          this.auditRow(actor, {
            action: 'generate-cycle',
            entity: 'cycle',
            entityId: cycle.id,
            after: {
              prefecture: cycle.prefecture,
              month: cycle.month,
              state: cycle.state,
              totals: cycleTotals(cycle),
            },
          }),
        ),
    );
    if (created.length > 0) {
      this.logger.log({ month, cycles: created.length }, 'deduction cycles generated');
    }
    return cycles;
  }

  async listCycles(
    scope: PrefectureScope,
    filter: { month?: string; state?: CycleState },
    page: PageRequest,
  ): Promise<Page<CycleView>> {
    if (filter.month !== undefined) requireMonth(filter.month);
    const limit = limitOf(page);
    const after =
      page.after === undefined
        ? undefined
        : await this.cursor(
            this.scopedCycle(scope, page.after).catch(() => null),
            page.after,
          );
    const cycles = await this.repository.cyclePage({ prefecture: scope, ...filter, after, limit });
    return pageOf(cycles.map(cycleView), limit, (cycle) => cycle.cycleId);
  }

  async getCycle(scope: PrefectureScope, cycleId: string): Promise<CycleView> {
    return cycleView(await this.scopedCycle(scope, cycleId));
  }

  async listDeductions(
    scope: PrefectureScope,
    cycleId: string,
    page: PageRequest,
  ): Promise<Page<DeductionView>> {
    const cycle = await this.scopedCycle(scope, cycleId);
    const limit = limitOf(page);
    let after: DeductionEntity | undefined;
    if (page.after !== undefined) {
      const deduction = UUID.test(page.after) ? await this.repository.getDeduction(page.after) : null;
      if (!deduction || deduction.cycleId !== cycle.id) throw invalidCursor();
      after = deduction;
    }
    const rows = await this.repository.deductionPage(cycle.id, after, limit);
    return pageOf(rows.map(deductionView), limit, (deduction) => deduction.deductionId);
  }

  async *streamDeductions(scope: PrefectureScope, cycleId: string): AsyncIterable<DeductionView[]> {
    const cycle = await this.scopedCycle(scope, cycleId);
    let after: DeductionEntity | undefined;
    for (;;) {
      const rows = await this.repository.deductionPage(cycle.id, after, STREAM_BATCH);
      if (rows.length > 0) yield rows.map(deductionView);
      if (rows.length < STREAM_BATCH) return;
      after = rows[rows.length - 1];
    }
  }

  async acknowledgeCycle(actor: BillingActor, scope: PrefectureScope, cycleId: string): Promise<CycleView> {
    return this.repository.transaction(async (manager) => {
      const cycle = await this.lockScopedCycle(manager, scope, cycleId);
      if (cycle.state !== 'open') return cycleView(cycle);
      const before = cycleView(cycle);
      const now = this.clock.now();
      cycle.state = 'acknowledged';
      cycle.acknowledgedAt = now;
      // a cycle with nothing to deduct has every result it will ever have
      if (cycle.requestedCount === 0) {
        cycle.state = 'closed';
        cycle.closedAt = now;
      }
      await this.repository.save(manager, cycle);
      const after = cycleView(cycle);
      await this.writeAudit(manager, actor, {
        action: 'acknowledge-cycle',
        entity: 'cycle',
        entityId: cycle.id,
        before,
        after,
      });
      return after;
    });
  }

  async postResults(
    actor: BillingActor,
    scope: PrefectureScope,
    cycleId: string,
    results: ResultInput[],
  ): Promise<ResultsApplied> {
    const problems = validateResults(results);
    const outcome = await this.repository.transaction(async (manager) => {
      const cycle = await this.lockScopedCycle(manager, scope, cycleId);
      if (cycle.state === 'open') {
        throw new BillingError(
          BillingErrorCode.CYCLE_NOT_ACKNOWLEDGED,
          'acknowledge the cycle before posting results',
        );
      }
      if (cycle.state === 'closed')
        throw new BillingError(BillingErrorCode.CYCLE_CLOSED, 'the cycle is closed');
      const ids = [...new Set(results.map((r) => r.deductionId).filter((id) => UUID.test(id)))];
      const deductions = new Map(
        (await this.repository.lockDeductions(manager, cycle.id, ids)).map((d) => [d.id, d] as const),
      );
      const conflicts: BillingProblem[] = [];
      const toStore: ResultRow[] = [];
      let unchanged = 0;
      for (const input of results) {
        if (!UUID.test(input.deductionId)) continue; // already a problem
        const deduction = deductions.get(input.deductionId);
        if (!deduction) {
          problems.push({
            source: input.source,
            problem: `deduction ${input.deductionId} is not in this cycle`,
          });
          continue;
        }
        if (deduction.officeNumber !== input.officeNumber) {
          problems.push({
            source: input.source,
            problem: `deduction ${input.deductionId} is not of office ${input.officeNumber}`,
          });
          continue;
        }
        const row: ResultRow = {
          deductionId: deduction.id,
          result: input.result,
          reasonCode: input.result === 'not_deductible' ? (input.reasonCode ?? null) : null,
          reason: input.result === 'not_deductible' ? input.reason?.trim() || null : null,
        };
        if (deduction.result === null) toStore.push(row);
        else if (
          deduction.result === row.result &&
          deduction.reasonCode === row.reasonCode &&
          (deduction.reason ?? null) === row.reason
        ) {
          unchanged += 1;
        } else {
          conflicts.push({
            source: input.source,
            problem: `deduction ${deduction.id} already has the result ${deduction.result}${
              deduction.reasonCode ? ` (${deduction.reasonCode})` : ''
            }`,
          });
        }
      }
      if (problems.length > 0) {
        throw new BillingError(
          BillingErrorCode.DEDUCTION_RESULTS_INVALID,
          `${problems.length} problem(s) in the results; nothing was applied`,
          sortProblems(problems),
        );
      }
      if (conflicts.length > 0) {
        throw new BillingError(
          BillingErrorCode.DEDUCTION_RESULT_CONFLICT,
          `${conflicts.length} result(s) differ from the recorded ones; nothing was applied`,
          conflicts,
        );
      }
      const now = this.clock.now();
      const before = cycleView(cycle);
      await this.repository.storeResults(manager, toStore, now);
      const applied = { deducted: { count: 0, amountYen: 0 }, notDeductible: { count: 0, amountYen: 0 } };
      for (const row of toStore) {
        const bucket = row.result === 'deducted' ? applied.deducted : applied.notDeductible;
        bucket.count += 1;
        bucket.amountYen += deductions.get(row.deductionId)?.amountYen ?? 0;
      }
      cycle.deductedCount += applied.deducted.count;
      cycle.deductedAmountYen += applied.deducted.amountYen;
      cycle.notDeductibleCount += applied.notDeductible.count;
      cycle.notDeductibleAmountYen += applied.notDeductible.amountYen;
      if (toStore.length > 0) {
        await this.writeAudit(manager, actor, {
          action: 'post-results',
          entity: 'cycle',
          entityId: cycle.id,
          before: before.totals,
          after: {
            totals: cycleTotals(cycle),
            results: toStore.map((row) => ({
              deductionId: row.deductionId,
              result: row.result,
              reasonCode: row.reasonCode,
              reason: row.reason,
            })),
          },
        });
      }
      const closing = cycle.deductedCount + cycle.notDeductibleCount === cycle.requestedCount;
      if (closing) await this.close(manager, actor, cycle, now);
      else await this.repository.save(manager, cycle);
      return { applied, unchanged, cycle, stored: toStore.length };
    });
    this.metrics.resultsPosted(outcome.cycle.prefecture, 'deducted', outcome.applied.deducted.count);
    this.metrics.resultsPosted(
      outcome.cycle.prefecture,
      'not_deductible',
      outcome.applied.notDeductible.count,
    );
    return { applied: outcome.stored, unchanged: outcome.unchanged, cycle: cycleView(outcome.cycle) };
  }

  /** closes a cycle whose deductions all have a result: carry-overs, invoices, fee states, one audit row */
  private async close(
    manager: EntityManager,
    actor: BillingActor,
    cycle: DeductionCycleEntity,
    now: Date,
  ): Promise<void> {
    const before = cycleView(cycle);
    const settled = await this.repository.settleCycle(
      manager,
      cycle,
      firstInvoicedAttempt(this.carryOverCycles),
      nextMonth(cycle.month),
      now,
    );
    cycle.state = 'closed';
    cycle.closedAt = now;
    cycle.carriedOverCount = settled.carriedOver.count;
    cycle.carriedOverAmountYen = settled.carriedOver.amountYen;
    cycle.invoicedCount = settled.invoiced.count;
    cycle.invoicedAmountYen = settled.invoiced.amountYen;
    await this.repository.save(manager, cycle);
    await this.writeAudit(manager, actor, {
      action: 'close-cycle',
      entity: 'cycle',
      entityId: cycle.id,
      before: { state: before.state },
      after: {
        state: cycle.state,
        totals: cycleTotals(cycle),
        carriedOver: settled.carriedOver,
        invoiced: settled.invoiced,
        invoiceNumbers: settled.invoiceNumbers,
      },
    });
    this.logger.log(
      { cycleId: cycle.id, carriedOver: settled.carriedOver.count, invoiced: settled.invoiced.count },
      'deduction cycle closed',
    );
  }

  async reconcile(scope: PrefectureScope, cycleId: string): Promise<ReconciliationReport> {
    const cycle = await this.scopedCycle(scope, cycleId);
    const rows = await this.repository.rowFigures(cycle.id);
    const mismatches = await this.repository.feeMismatches(cycle.id, MISMATCHES_LISTED);
    const feeMismatches = mismatches.rows.map(
      (row) =>
        `deduction ${row.deductionId} (office ${row.officeNumber}, ¥${row.amountYen}, ${row.outcome ?? row.result ?? 'pending'}): ` +
        (row.feeState === null ? 'its fee is missing' : `its fee is ${row.feeState} at ¥${row.feeAmountYen}`),
    );
    if (mismatches.total > mismatches.rows.length) {
      feeMismatches.push(
        `… and ${mismatches.total - mismatches.rows.length} more deduction(s) the fee ledger disagrees with`,
      );
    }
    const totals = cycleTotals(cycle);
    const recorded = {
      ...totals,
      carriedOver: { count: cycle.carriedOverCount, amountYen: cycle.carriedOverAmountYen },
      invoiced: { count: cycle.invoicedCount, amountYen: cycle.invoicedAmountYen },
    };
    const discrepancies = reconciliationDiscrepancies({
      closed: cycle.state === 'closed',
      recorded,
      rows,
      unknownResults: rows.unknownResults,
      feeMismatches,
    });
    const balanced = discrepancies.length === 0;
    if (!balanced) {
      this.metrics.reconciliationUnbalanced(cycle.prefecture);
      this.logger.error(
        {
          cycleId: cycle.id,
          prefecture: cycle.prefecture,
          month: cycle.month,
          discrepancies: discrepancies.length,
        },
        'deduction cycle does not reconcile',
      );
    }
    return {
      cycleId: cycle.id,
      prefecture: cycle.prefecture,
      month: cycle.month,
      state: cycle.state,
      totals: {
        requested: rows.requested,
        deducted: rows.deducted,
        notDeductible: rows.notDeductible,
        pending: rows.pending,
      },
      carriedOver: rows.carriedOver,
      invoiced: rows.invoiced,
      balanced,
      discrepancies,
    };
  }

  // invoices --------------------------------------------------------------------------------------------------

  async listInvoices(
    scope: PrefectureScope,
    filter: { officeNumber?: string; state?: InvoiceState },
    page: PageRequest,
  ): Promise<Page<InvoiceView>> {
    const limit = limitOf(page);
    const after =
      page.after === undefined
        ? undefined
        : await this.cursor(this.repository.getInvoice(page.after), page.after);
    const invoices = await this.repository.invoicePage({ prefecture: scope, ...filter, after, limit });
    return pageOf(invoices.map(invoiceView), limit, (invoice) => invoice.invoiceId);
  }

  async markInvoicePaid(actor: BillingActor, invoiceId: string, reason: string): Promise<InvoiceView> {
    const why = requireReason(reason);
    return this.repository.transaction(async (manager) => {
      const invoice = UUID.test(invoiceId) ? await this.repository.lockInvoice(manager, invoiceId) : null;
      if (!invoice) throw new BillingError(BillingErrorCode.INVOICE_NOT_FOUND, 'no such invoice');
      if (invoice.state === 'paid') return invoiceView(invoice);
      const before = invoiceView(invoice);
      invoice.state = 'paid';
      invoice.paidAt = this.clock.now();
      await this.repository.save(manager, invoice);
      const after = invoiceView(invoice);
      await this.writeAudit(manager, actor, {
        action: 'mark-invoice-paid',
        entity: 'invoice',
        entityId: invoice.id,
        reason: why,
        before,
        after,
      });
      return after;
    });
  }

  // the office's view and the operator's overviews ------------------------------------------------------------

  async officeStatement(
    officeNumber: string,
  ): Promise<{ fees: FeeView[]; deductions: DeductionView[]; invoices: InvoiceView[] }> {
    if (!OFFICE_NUMBER.test(officeNumber)) {
      throw new BillingError(BillingErrorCode.REQUEST_INVALID, 'the office number is not 10 × [0-9A-Z]');
    }
    const [fees, deductions, invoices] = await Promise.all([
      this.repository.feesOfOffice(officeNumber),
      this.repository.deductionsOfOffice(officeNumber),
      this.repository.invoicesOfOffice(officeNumber),
    ]);
    return {
      fees: fees.map(feeView),
      deductions: deductions.map(deductionView),
      invoices: invoices.map(invoiceView),
    };
  }

  async summary(month: string): Promise<PrefectureSummary[]> {
    requireMonth(month);
    // fees first due in `month`: terms that started in the JST month before it
    const previous = previousMonth(month);
    const termFrom = jstMonthStart(previous);
    const termTo = jstMonthStart(month);
    const [cycles, figures] = await Promise.all([
      this.repository.cyclesOfMonth(month),
      this.repository.monthFigures(month, termFrom, termTo),
    ]);
    const cycleOf = new Map(cycles.map((cycle) => [cycle.prefecture, cycle] as const));
    const figuresOf = new Map(figures.map((row) => [row.prefecture, row] as const));
    return PREFECTURES.map((prefecture) => {
      const cycle = cycleOf.get(prefecture);
      const row = figuresOf.get(prefecture);
      const fees = Object.fromEntries(
        FEE_STATES.map((state) => [state, { count: 0, amountYen: 0 }]),
      ) as Record<FeeState, { count: number; amountYen: number }>;
      for (const fee of row?.fees ?? []) fees[fee.state] = { count: fee.count, amountYen: fee.amountYen };
      return {
        prefecture,
        month,
        cycle: cycle ? { cycleId: cycle.id, state: cycle.state } : null,
        licencesBilled: row?.licencesBilled ?? 0,
        fees,
        totals: cycle ? cycleTotals(cycle) : null,
        invoiced: row?.invoiced ?? { count: 0, amountYen: 0 },
      };
    });
  }

  async audit(filter: { entity?: string; entityId?: string }, page: PageRequest): Promise<Page<AuditView>> {
    const limit = limitOf(page);
    const after =
      page.after === undefined
        ? undefined
        : await this.cursor(this.repository.getAudit(page.after), page.after);
    const rows = await this.repository.auditPage({ ...filter, after, limit });
    return pageOf(rows.map(auditView), limit, (row) => row.id);
  }

  // helpers ---------------------------------------------------------------------------------------------------

  /** the cycle, or CYCLE_NOT_FOUND when it does not exist or lies outside `scope` */
  private async scopedCycle(scope: PrefectureScope, cycleId: string): Promise<DeductionCycleEntity> {
    const cycle = UUID.test(cycleId) ? await this.repository.getCycle(cycleId) : null;
    if (!cycle || (scope !== undefined && cycle.prefecture !== scope)) throw cycleNotFound();
    return cycle;
  }

  private async lockScopedCycle(
    manager: EntityManager,
    scope: PrefectureScope,
    cycleId: string,
  ): Promise<DeductionCycleEntity> {
    const cycle = UUID.test(cycleId) ? await this.repository.lockCycle(manager, cycleId) : null;
    if (!cycle || (scope !== undefined && cycle.prefecture !== scope)) throw cycleNotFound();
    return cycle;
  }

  /** the row a page cursor names; INVALID_PAGE when it names none */
  private async cursor<T>(lookup: Promise<T | null>, after: string): Promise<T> {
    const row = UUID.test(after) ? await lookup.catch(() => null) : null;
    if (!row) throw invalidCursor();
    return row;
  }
}

function requireReason(reason: string | undefined): string {
  const trimmed = reason?.trim();
  if (!trimmed) throw new BillingError(BillingErrorCode.REASON_REQUIRED, 'a reason is required');
  return trimmed;
}

function requireMonth(month: string): void {
  if (!isMonth(month)) throw new BillingError(BillingErrorCode.INVALID_MONTH, 'the month is not YYYYMM');
}

const cycleNotFound = (): BillingError => new BillingError(BillingErrorCode.CYCLE_NOT_FOUND, 'no such cycle');
const invalidCursor = (): BillingError =>
  new BillingError(BillingErrorCode.INVALID_PAGE, 'after names no item of this list');

function limitOf(page: PageRequest): number {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new BillingError(BillingErrorCode.INVALID_PAGE, `limit must be a whole number, 1–${MAX_LIMIT}`);
  }
  return limit;
}

function pageOf<T>(items: T[], limit: number, idOf: (item: T) => string): Page<T> {
  return { items, nextAfter: items.length === limit ? idOf(items[items.length - 1]) : null };
}

/** every shape problem of a results batch, each with its source (the ledger adds those needing the rows) */
export function validateResults(results: readonly ResultInput[]): BillingProblem[] {
  const problems: BillingProblem[] = [];
  const seen = new Map<string, string>();
  for (const input of results) {
    const at = (problem: string) => problems.push({ source: input.source, problem });
    if (!UUID.test(input.deductionId ?? '')) at('deductionId is not a deduction id');
    else {
      const first = seen.get(input.deductionId.toLowerCase());
      if (first !== undefined) at(`deduction ${input.deductionId} is listed twice (first at ${first})`);
      else seen.set(input.deductionId.toLowerCase(), input.source);
    }
    if (!OFFICE_NUMBER.test(input.officeNumber ?? '')) at('officeNumber is not 10 × [0-9A-Z]');
    if (!RESULTS.includes(input.result)) at('result must be deducted or not_deductible');
    else if (input.result === 'not_deductible') {
      if (input.reasonCode === undefined) at('a not_deductible result needs a reasonCode');
      else if (!REASON_CODES.includes(input.reasonCode))
        at(`reasonCode must be one of ${REASON_CODES.join(', ')}`);
      else if (input.reasonCode === 'OTHER' && blank(input.reason)) at('reasonCode OTHER needs a reason');
    } else if (input.reasonCode !== undefined) at('a deducted result takes no reasonCode');
  }
  return problems;
}

/** problems in request order: by the numeric part of the source when it has one */
function sortProblems(problems: BillingProblem[]): BillingProblem[] {
  const key = (source: string): number => Number(/\d+/.exec(source)?.[0] ?? Number.MAX_SAFE_INTEGER);
  return [...problems].sort((a, b) => key(a.source) - key(b.source));
}
