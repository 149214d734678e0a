/** Stable codes of the billing ledger (docs/billing.md); the HTTP layer maps them to statuses. */
export enum BillingErrorCode {
  /** a field is missing or malformed (details list the problems) */
  REQUEST_INVALID = 'REQUEST_INVALID',
  /** an operator change without a reason */
  REASON_REQUIRED = 'REASON_REQUIRED',
  /** a month that is not YYYYMM */
  INVALID_MONTH = 'INVALID_MONTH',
  /** a date that is not an existing YYYY-MM-DD */
  INVALID_DATE = 'INVALID_DATE',
  /** a page cursor (`after`) or limit the ledger cannot use */
  INVALID_PAGE = 'INVALID_PAGE',
  FEE_SCHEDULE_NOT_FOUND = 'FEE_SCHEDULE_NOT_FOUND',
  /** a schedule entry effective today or earlier: terms already priced keep their price */
  FEE_SCHEDULE_BACKDATED = 'FEE_SCHEDULE_BACKDATED',
  /** another entry not withdrawn takes effect the same day */
  FEE_SCHEDULE_DUPLICATE = 'FEE_SCHEDULE_DUPLICATE',
  /** withdrawing an entry that is already in effect */
  FEE_SCHEDULE_IN_EFFECT = 'FEE_SCHEDULE_IN_EFFECT',
  CAMPAIGN_NOT_FOUND = 'CAMPAIGN_NOT_FOUND',
  FEE_NOT_FOUND = 'FEE_NOT_FOUND',
  /** waiving a fee that is not `due` */
  FEE_NOT_WAIVABLE = 'FEE_NOT_WAIVABLE',
  CYCLE_NOT_FOUND = 'CYCLE_NOT_FOUND',
  CYCLE_MONTH_IN_FUTURE = 'CYCLE_MONTH_IN_FUTURE',
  CYCLE_NOT_ACKNOWLEDGED = 'CYCLE_NOT_ACKNOWLEDGED',
  CYCLE_CLOSED = 'CYCLE_CLOSED',
  DEDUCTION_NOT_FOUND = 'DEDUCTION_NOT_FOUND',
  /** a results batch with problems (details list each with its source); nothing was applied */
  DEDUCTION_RESULTS_INVALID = 'DEDUCTION_RESULTS_INVALID',
  /** a result differs from the one the deduction already has; nothing was applied */
  DEDUCTION_RESULT_CONFLICT = 'DEDUCTION_RESULT_CONFLICT',
  INVOICE_NOT_FOUND = 'INVOICE_NOT_FOUND',
}

/** Japanese text for people (国保連 staff, operators, offices); `message` stays English for logs. */
export const BILLING_ERROR_MESSAGES_JA: Readonly<Record<BillingErrorCode, string>> = {
  [BillingErrorCode.REQUEST_INVALID]: 'リクエストの内容に誤りがあります。',
  [BillingErrorCode.REASON_REQUIRED]: '理由を入力してください。',
  [BillingErrorCode.INVALID_MONTH]: '対象年月は YYYYMM 形式で指定してください。',
  [BillingErrorCode.INVALID_DATE]: '日付は YYYY-MM-DD 形式の実在する日付で指定してください。',
  [BillingErrorCode.INVALID_PAGE]: 'ページ指定（after / limit）に誤りがあります。',
  [BillingErrorCode.FEE_SCHEDULE_NOT_FOUND]: '指定された料金表が見つかりません。',
  [BillingErrorCode.FEE_SCHEDULE_BACKDATED]:
    '料金表の適用開始日は明日以降を指定してください（価格決定済みの期間は変更できません）。',
  [BillingErrorCode.FEE_SCHEDULE_DUPLICATE]: '同じ適用開始日の料金表が既にあります。',
  [BillingErrorCode.FEE_SCHEDULE_IN_EFFECT]: '適用開始済みの料金表は取り下げできません。',
  [BillingErrorCode.CAMPAIGN_NOT_FOUND]: '指定されたキャンペーンが見つかりません。',
  [BillingErrorCode.FEE_NOT_FOUND]: '指定された利用料が見つかりません。',
  [BillingErrorCode.FEE_NOT_WAIVABLE]: '請求待ち（due）の利用料のみ免除できます。',
  [BillingErrorCode.CYCLE_NOT_FOUND]: '指定された差引サイクルが見つかりません。',
  [BillingErrorCode.CYCLE_MONTH_IN_FUTURE]: '将来の月の差引サイクルは作成できません。',
  [BillingErrorCode.CYCLE_NOT_ACKNOWLEDGED]: '差引サイクルを受領してから結果を登録してください。',
  [BillingErrorCode.CYCLE_CLOSED]: 'この差引サイクルは締め済みです。',
  [BillingErrorCode.DEDUCTION_NOT_FOUND]: '指定された差引明細が見つかりません。',
  [BillingErrorCode.DEDUCTION_RESULTS_INVALID]: '差引結果に誤りがあります。いずれの結果も登録していません。',
  [BillingErrorCode.DEDUCTION_RESULT_CONFLICT]:
    '登録済みの差引結果と異なる結果が含まれています。いずれの結果も登録していません。',
  [BillingErrorCode.INVOICE_NOT_FOUND]: '指定された請求書が見つかりません。',
};

/** one problem of a request or a results batch: where (JSON index, CSV line, field) and what, in English */
export interface BillingProblem {
  readonly source: string;
  readonly problem: string;
}

export class BillingError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'BillingError';
  }

  /** the Japanese text for the code */
  get messageJa(): string {
    return BILLING_ERROR_MESSAGES_JA[this.code];
  }
}
