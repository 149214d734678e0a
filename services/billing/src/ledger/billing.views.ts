// Entities → the shapes of billing.ports.ts.
import type { BillingAuditEntity } from './billing-audit.entity';
import type {
  AuditView,
  CampaignView,
  CycleTotals,
  CycleView,
  DeductionView,
  FeeScheduleEntryView,
  FeeView,
  InvoiceView,
} from './billing.ports';
import type { CampaignEntity } from './campaign.entity';
import type { DeductionCycleEntity } from './deduction-cycle.entity';
import type { DeductionEntity } from './deduction.entity';
import type { FeeScheduleEntryEntity } from './fee-schedule-entry.entity';
import type { FeeEntity } from './fee.entity';
import type { InvoiceEntity } from './invoice.entity';

export const feeScheduleView = (entry: FeeScheduleEntryEntity): FeeScheduleEntryView => ({
  id: entry.id,
  effectiveFrom: entry.effectiveFrom,
  amountYen: entry.amountYen,
  description: entry.description,
  withdrawn: entry.withdrawnAt !== null,
  createdAt: entry.createdAt.toISOString(),
});

export const campaignView = (campaign: CampaignEntity): CampaignView => ({
  id: campaign.id,
  name: campaign.name,
  startsOn: campaign.startsOn,
  endsOn: campaign.endsOn,
  discountPercent: campaign.discountPercent,
  withdrawn: campaign.withdrawnAt !== null,
  createdAt: campaign.createdAt.toISOString(),
});

export const feeView = (fee: FeeEntity): FeeView => ({
  feeId: fee.id,
  officeNumber: fee.officeNumber,
  prefecture: fee.prefecture,
  licenceId: fee.licenceId,
  termStart: fee.termStart.toISOString(),
  termEnd: fee.termEnd.toISOString(),
  listAmountYen: fee.listAmountYen,
  amountYen: fee.amountYen,
  feeScheduleId: fee.feeScheduleId,
  campaignId: fee.campaignId,
  paymentMonth: fee.paymentMonth,
  state: fee.state,
  attempts: fee.attempts,
  createdAt: fee.createdAt.toISOString(),
});

/** the totals a cycle recorded (requested at generation; results as they were posted) */
export function cycleTotals(cycle: DeductionCycleEntity): CycleTotals {
  return {
    requested: { count: cycle.requestedCount, amountYen: cycle.requestedAmountYen },
    deducted: { count: cycle.deductedCount, amountYen: cycle.deductedAmountYen },
    notDeductible: { count: cycle.notDeductibleCount, amountYen: cycle.notDeductibleAmountYen },
    pending: {
      count: cycle.requestedCount - cycle.deductedCount - cycle.notDeductibleCount,
      amountYen: cycle.requestedAmountYen - cycle.deductedAmountYen - cycle.notDeductibleAmountYen,
    },
  };
}

export const cycleView = (cycle: DeductionCycleEntity): CycleView => ({
  cycleId: cycle.id,
  prefecture: cycle.prefecture,
  month: cycle.month,
  state: cycle.state,
  generatedAt: cycle.generatedAt.toISOString(),
  acknowledgedAt: cycle.acknowledgedAt?.toISOString() ?? null,
  closedAt: cycle.closedAt?.toISOString() ?? null,
  totals: cycleTotals(cycle),
});

export const deductionView = (deduction: DeductionEntity): DeductionView => ({
  deductionId: deduction.id,
  cycleId: deduction.cycleId,
  feeId: deduction.feeId,
  officeNumber: deduction.officeNumber,
  officeName: deduction.officeName,
  prefecture: deduction.prefecture,
  month: deduction.month,
  attempt: deduction.attempt,
  amountYen: deduction.amountYen,
  termStart: deduction.termStart.toISOString(),
  termEnd: deduction.termEnd.toISOString(),
  result: deduction.result,
  reasonCode: deduction.reasonCode,
  reason: deduction.reason,
  resultAt: deduction.resultAt?.toISOString() ?? null,
});

export const invoiceView = (invoice: InvoiceEntity): InvoiceView => ({
  invoiceId: invoice.id,
  number: invoice.number,
  feeId: invoice.feeId,
  officeNumber: invoice.officeNumber,
  prefecture: invoice.prefecture,
  amountYen: invoice.amountYen,
  cycleId: invoice.cycleId,
  state: invoice.state,
  issuedAt: invoice.issuedAt.toISOString(),
  paidAt: invoice.paidAt?.toISOString() ?? null,
});

export const auditView = (row: BillingAuditEntity): AuditView => ({
  id: row.id,
  at: row.at.toISOString(),
  actor: {
    id: row.actorId,
    role: row.actorRole,
    ...(row.actorPrefecture !== null ? { prefecture: row.actorPrefecture } : {}),
  },
  action: row.action,
  entity: row.entity,
  entityId: row.entityId,
  reason: row.reason,
  before: row.before,
  after: row.after,
});
