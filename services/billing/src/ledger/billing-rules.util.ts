// The ledger's arithmetic and calendar, as pure functions (docs/billing.md): pricing, payment months, the
// carry-over decision and the reconciliation of a cycle. All dates are JST calendar dates, months YYYYMM.
import type { CycleTotals } from './billing.ports';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const MONTH = /^(\d{4})(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** the JST calendar date of an instant, YYYY-MM-DD */
export function jstDate(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** the JST month of an instant, YYYYMM */
export function jstMonth(instant: Date): string {
  return jstDate(instant).slice(0, 7).replace('-', '');
}

/** the JST day of the month of an instant, 1–31 */
export function jstDayOfMonth(instant: Date): number {
  return Number(jstDate(instant).slice(8, 10));
}

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** an existing calendar date written YYYY-MM-DD */
export function isDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** the month after `month` (YYYYMM) */
export function nextMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(4, 6));
  return m === 12 ? `${year + 1}01` : `${year}${String(m + 1).padStart(2, '0')}`;
}

/** the month before `month` (YYYYMM) */
export function previousMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(4, 6));
  return m === 1 ? `${year - 1}12` : `${year}${String(m - 1).padStart(2, '0')}`;
}

/** 00:00 JST on the first day of `month` (YYYYMM) */
export function jstMonthStart(month: string): Date {
  return new Date(`${month.slice(0, 4)}-${month.slice(4, 6)}-01T00:00:00+09:00`);
}

/** the cycle month a term is first deducted in: the month after the JST month of its start */
export function paymentMonthOf(termStart: Date): string {
  return nextMonth(jstMonth(termStart));
}

/** the prefecture (国保連) of an office: the first two digits of its number */
export function prefectureOf(officeNumber: string): string {
  return officeNumber.slice(0, 2);
}

/** the 47 prefecture codes, 01–47 */
export const PREFECTURES: readonly string[] = Array.from({ length: 47 }, (_, i) =>
  String(i + 1).padStart(2, '0'),
);

export interface ScheduleEntryLike {
  readonly id: string;
  readonly effectiveFrom: string;
  readonly amountYen: number;
  readonly withdrawnAt: Date | null;
}

export interface CampaignLike {
  readonly id: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly discountPercent: number;
  readonly createdAt: Date;
  readonly withdrawnAt: Date | null;
}

/** the schedule entry pricing a term starting on `date`: the latest not withdrawn effective on or before it */
export function scheduleEntryFor<T extends ScheduleEntryLike>(entries: readonly T[], date: string): T | null {
  let best: T | null = null;
  for (const entry of entries) {
    if (entry.withdrawnAt !== null || entry.effectiveFrom > date) continue;
    if (best === null || entry.effectiveFrom > best.effectiveFrom) best = entry;
  }
  return best;
}

/** the campaign of a term starting on `date`: the largest discount in force that day (ties: the earliest created) */
export function campaignFor<T extends CampaignLike>(campaigns: readonly T[], date: string): T | null {
  let best: T | null = null;
  for (const campaign of campaigns) {
    if (campaign.withdrawnAt !== null || campaign.startsOn > date || campaign.endsOn < date) continue;
    if (
      best === null ||
      campaign.discountPercent > best.discountPercent ||
      (campaign.discountPercent === best.discountPercent &&
        (campaign.createdAt.getTime() < best.createdAt.getTime() ||
          (campaign.createdAt.getTime() === best.createdAt.getTime() && campaign.id < best.id)))
    ) {
      best = campaign;
    }
  }
  return best;
}

/** list − floor(list × percent / 100): whole yen, the office never pays a fraction more */
export function discountedAmount(listAmountYen: number, discountPercent: number): number {
  return listAmountYen - Math.floor((listAmountYen * discountPercent) / 100);
}

export interface FeePrice {
  readonly feeScheduleId: string;
  readonly listAmountYen: number;
  readonly amountYen: number;
  readonly campaignId: string | null;
  readonly paymentMonth: string;
  /** ¥0: waived at once, never deducted */
  readonly waived: boolean;
}

/** prices the term starting at `termStart`; null when no schedule entry covers its start date */
export function priceTerm(
  termStart: Date,
  entries: readonly ScheduleEntryLike[],
  campaigns: readonly CampaignLike[],
): FeePrice | null {
  const date = jstDate(termStart);
  const entry = scheduleEntryFor(entries, date);
  if (!entry) return null;
  const campaign = campaignFor(campaigns, date);
  const amountYen = campaign ? discountedAmount(entry.amountYen, campaign.discountPercent) : entry.amountYen;
  return {
    feeScheduleId: entry.id,
    listAmountYen: entry.amountYen,
    amountYen,
    campaignId: campaign?.id ?? null,
    paymentMonth: paymentMonthOf(termStart),
    waived: amountYen === 0,
  };
}

/** the attempt from which a not-deductible fee is invoiced rather than carried over: 1 + BILLING_CARRY_OVER_CYCLES */
export function firstInvoicedAttempt(carryOverCycles: number): number {
  return 1 + carryOverCycles;
}

/**
 * what a closing cycle does with a not-deductible fee requested for the `attempt`-th time: carry it over to
 * the next month while attempts < 1 + carryOverCycles, else invoice it (the close applies it set-based)
 */
export function afterNotDeductible(attempt: number, carryOverCycles: number): 'carry_over' | 'invoice' {
  return attempt < firstInvoicedAttempt(carryOverCycles) ? 'carry_over' : 'invoice';
}

export interface Amount {
  readonly count: number;
  readonly amountYen: number;
}

/** what the deduction rows of a cycle add up to, and what the cycle and the fee ledger say */
export interface ReconciliationFigures {
  readonly closed: boolean;
  /** the cycle's figures recorded at generation and with each result */
  readonly recorded: CycleTotals & { readonly carriedOver: Amount; readonly invoiced: Amount };
  /** the same figures counted from the deduction rows */
  readonly rows: CycleTotals & { readonly carriedOver: Amount; readonly invoiced: Amount };
  /** rows whose result is neither deducted nor not_deductible nor pending (corrupt) */
  readonly unknownResults: number;
  /** deduction rows whose fee disagrees with them (amount, state, invoice), each described in English */
  readonly feeMismatches: readonly string[];
}

const same = (a: Amount, b: Amount): boolean => a.count === b.count && a.amountYen === b.amountYen;
const plus = (...amounts: Amount[]): Amount => ({
  count: amounts.reduce((sum, a) => sum + a.count, 0),
  amountYen: amounts.reduce((sum, a) => sum + a.amountYen, 0),
});
const show = (a: Amount): string => `${a.count} (¥${a.amountYen})`;

/**
 * requested = deducted + notDeductible + pending; once closed pending = 0 and notDeductible = carriedOver +
 * invoiced; the rows agree with the cycle's recorded figures and with the fee ledger. Empty = balanced.
 */
export function reconciliationDiscrepancies(figures: ReconciliationFigures): string[] {
  const { rows, recorded } = figures;
  const discrepancies: string[] = [];
  const sum = plus(rows.deducted, rows.notDeductible, rows.pending);
  if (!same(rows.requested, sum)) {
    discrepancies.push(`requested ${show(rows.requested)} ≠ deducted + notDeductible + pending ${show(sum)}`);
  }
  if (figures.unknownResults > 0) {
    discrepancies.push(`${figures.unknownResults} deduction(s) carry an unknown result`);
  }
  if (figures.closed) {
    if (rows.pending.count !== 0) discrepancies.push(`closed with ${show(rows.pending)} pending`);
    const settled = plus(rows.carriedOver, rows.invoiced);
    if (!same(rows.notDeductible, settled)) {
      discrepancies.push(
        `notDeductible ${show(rows.notDeductible)} ≠ carriedOver + invoiced ${show(settled)}`,
      );
    }
  }
  for (const key of [
    'requested',
    'deducted',
    'notDeductible',
    'pending',
    'carriedOver',
    'invoiced',
  ] as const) {
    if (!same(rows[key], recorded[key])) {
      discrepancies.push(
        `${key}: the rows add up to ${show(rows[key])}, the cycle recorded ${show(recorded[key])}`,
      );
    }
  }
  discrepancies.push(...figures.feeMismatches);
  return discrepancies;
}
