// The seam between billing's ledger (fees, cycles, results, reconciliation: services/billing/src/ledger) and
// its HTTP layer (services/billing/src/api). docs/billing.md is the behaviour; these are the shapes. The HTTP
// layer parses and authorises requests, then calls these; the ledger owns every rule, transaction and audit row.

/** Who acts, as the audit trail records it (the token's subject and role; `system` for jobs). */
export interface BillingActor {
  readonly id: string;
  readonly role: 'operator' | 'kokuhoren' | 'office' | 'system';
  /** the 国保連's prefecture, for role kokuhoren */
  readonly prefecture?: string;
}

/** A scope that limits what a caller sees: undefined = every prefecture (operator). */
export type PrefectureScope = string | undefined;

export type FeeState = 'due' | 'requested' | 'deducted' | 'invoiced' | 'waived';
export type CycleState = 'open' | 'acknowledged' | 'closed';
export type DeductionResult = 'deducted' | 'not_deductible';
export type NotDeductibleReason = 'NO_PAYMENT' | 'INSUFFICIENT_AMOUNT' | 'OFFICE_CLOSED' | 'OTHER';
export type InvoiceState = 'issued' | 'paid';

export interface FeeScheduleEntryView {
  readonly id: string;
  /** YYYY-MM-DD (JST) */
  readonly effectiveFrom: string;
  readonly amountYen: number;
  readonly description: string;
  readonly withdrawn: boolean;
  readonly createdAt: string;
}

export interface CampaignView {
  readonly id: string;
  readonly name: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly discountPercent: number;
  readonly withdrawn: boolean;
  readonly createdAt: string;
}

export interface FeeView {
  readonly feeId: string;
  readonly officeNumber: string;
  readonly prefecture: string;
  readonly licenceId: string;
  /** ISO instants (UTC) of the licence term */
  readonly termStart: string;
  readonly termEnd: string;
  readonly listAmountYen: number;
  readonly amountYen: number;
  readonly feeScheduleId: string;
  readonly campaignId: string | null;
  /** YYYYMM: the cycle month the fee is (next) due in */
  readonly paymentMonth: string;
  readonly state: FeeState;
  readonly attempts: number;
  readonly createdAt: string;
}

export interface CycleTotals {
  readonly requested: { readonly count: number; readonly amountYen: number };
  readonly deducted: { readonly count: number; readonly amountYen: number };
  readonly notDeductible: { readonly count: number; readonly amountYen: number };
  readonly pending: { readonly count: number; readonly amountYen: number };
}

export interface CycleView {
  readonly cycleId: string;
  readonly prefecture: string;
  /** YYYYMM */
  readonly month: string;
  readonly state: CycleState;
  readonly generatedAt: string;
  readonly acknowledgedAt: string | null;
  readonly closedAt: string | null;
  readonly totals: CycleTotals;
}

export interface DeductionView {
  readonly deductionId: string;
  readonly cycleId: string;
  readonly feeId: string;
  readonly officeNumber: string;
  /** 事業所名 when billing knows it, else null */
  readonly officeName: string | null;
  readonly prefecture: string;
  readonly month: string;
  /** 1 for the first request of the fee, 2 for its first carry-over, … */
  readonly attempt: number;
  readonly amountYen: number;
  readonly termStart: string;
  readonly termEnd: string;
  readonly result: DeductionResult | null;
  readonly reasonCode: NotDeductibleReason | null;
  readonly reason: string | null;
  readonly resultAt: string | null;
}

export interface ResultInput {
  readonly deductionId: string;
  readonly officeNumber: string;
  readonly result: DeductionResult;
  readonly reasonCode?: NotDeductibleReason;
  readonly reason?: string;
  /** where the result came from in the request, for error messages: JSON index or CSV line number */
  readonly source: string;
}

export interface ResultsApplied {
  readonly applied: number;
  readonly unchanged: number;
  readonly cycle: CycleView;
}

export interface InvoiceView {
  readonly invoiceId: string;
  readonly number: string;
  readonly feeId: string;
  readonly officeNumber: string;
  readonly prefecture: string;
  readonly amountYen: number;
  readonly cycleId: string;
  readonly state: InvoiceState;
  readonly issuedAt: string;
  readonly paidAt: string | null;
}

export interface ReconciliationReport {
  readonly cycleId: string;
  readonly prefecture: string;
  readonly month: string;
  readonly state: CycleState;
  readonly totals: CycleTotals;
  readonly carriedOver: { readonly count: number; readonly amountYen: number };
  readonly invoiced: { readonly count: number; readonly amountYen: number };
  readonly balanced: boolean;
  /** empty when balanced; otherwise what does not add up, in English */
  readonly discrepancies: string[];
}

export interface PrefectureSummary {
  readonly prefecture: string;
  readonly month: string;
  readonly cycle: { readonly cycleId: string; readonly state: CycleState } | null;
  readonly licencesBilled: number;
  readonly fees: Readonly<Record<FeeState, { readonly count: number; readonly amountYen: number }>>;
  readonly totals: CycleTotals | null;
  readonly invoiced: { readonly count: number; readonly amountYen: number };
}

export interface AuditView {
  readonly id: string;
  readonly at: string;
  readonly actor: BillingActor;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly reason: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

export interface Page<T> {
  readonly items: T[];
  /** pass as `after` for the next page; null on the last */
  readonly nextAfter: string | null;
}

export interface PageRequest {
  readonly after?: string;
  /** 1–1000, default 100 */
  readonly limit?: number;
}

/**
 * Everything the HTTP layer may ask of the ledger. Implemented by `BillingLedger` (ledger/billing.ledger.ts),
 * exported by `BillingLedgerModule` under the token `BILLING_LEDGER`. Methods throw `BillingError`
 * (ledger/billing.errors.ts) with a stable code; the HTTP layer maps codes to statuses. A cycle, deduction,
 * fee or invoice outside `scope` is reported as not found (`CYCLE_NOT_FOUND`, …), never as forbidden.
 */
export interface BillingLedgerPort {
  // fee schedule and campaigns (operator)
  listFeeSchedule(): Promise<FeeScheduleEntryView[]>;
  addFeeScheduleEntry(
    actor: BillingActor,
    input: { effectiveFrom: string; amountYen: number; description: string; reason: string },
  ): Promise<FeeScheduleEntryView>;
  withdrawFeeScheduleEntry(actor: BillingActor, id: string, reason: string): Promise<FeeScheduleEntryView>;
  listCampaigns(): Promise<CampaignView[]>;
  addCampaign(
    actor: BillingActor,
    input: { name: string; startsOn: string; endsOn: string; discountPercent: number; reason: string },
  ): Promise<CampaignView>;
  withdrawCampaign(actor: BillingActor, id: string, reason: string): Promise<CampaignView>;

  // fees
  listFees(
    scope: PrefectureScope,
    filter: { officeNumber?: string; state?: FeeState },
    page: PageRequest,
  ): Promise<Page<FeeView>>;
  waiveFee(actor: BillingActor, feeId: string, reason: string): Promise<FeeView>;

  // cycles
  generateCycles(actor: BillingActor, month: string): Promise<CycleView[]>;
  listCycles(
    scope: PrefectureScope,
    filter: { month?: string; state?: CycleState },
    page: PageRequest,
  ): Promise<Page<CycleView>>;
  getCycle(scope: PrefectureScope, cycleId: string): Promise<CycleView>;
  listDeductions(scope: PrefectureScope, cycleId: string, page: PageRequest): Promise<Page<DeductionView>>;
  /** every deduction of the cycle in office-number order, in batches (for the CSV export; never all in memory) */
  streamDeductions(scope: PrefectureScope, cycleId: string): AsyncIterable<DeductionView[]>;
  acknowledgeCycle(actor: BillingActor, scope: PrefectureScope, cycleId: string): Promise<CycleView>;
  postResults(
    actor: BillingActor,
    scope: PrefectureScope,
    cycleId: string,
    results: ResultInput[],
  ): Promise<ResultsApplied>;
  reconcile(scope: PrefectureScope, cycleId: string): Promise<ReconciliationReport>;

  // invoices
  listInvoices(
    scope: PrefectureScope,
    filter: { officeNumber?: string; state?: InvoiceState },
    page: PageRequest,
  ): Promise<Page<InvoiceView>>;
  markInvoicePaid(actor: BillingActor, invoiceId: string, reason: string): Promise<InvoiceView>;

  // the office's own view
  officeStatement(officeNumber: string): Promise<{
    fees: FeeView[];
    deductions: DeductionView[];
    invoices: InvoiceView[];
  }>;

  // operator overviews
  summary(month: string): Promise<PrefectureSummary[]>;
  audit(filter: { entity?: string; entityId?: string }, page: PageRequest): Promise<Page<AuditView>>;
}

export const BILLING_LEDGER = Symbol('BILLING_LEDGER');
