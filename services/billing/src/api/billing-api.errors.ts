import { BILLING_ERROR_MESSAGES_JA, BillingErrorCode } from '../ledger/billing.errors';

/** Stable codes of billing's HTTP layer: what it refuses before the ledger is asked (docs/billing.md "APIs"). */
export enum BillingApiErrorCode {
  /** a body or query that breaks a rule not covered by a narrower code; details list every problem */
  REQUEST_INVALID = 'REQUEST_INVALID',
  /** a month that is not YYYYMM (a real month) */
  INVALID_MONTH = 'INVALID_MONTH',
  /** a date that is not YYYY-MM-DD (a real date), or a date range that ends before it starts */
  INVALID_DATE = 'INVALID_DATE',
  /** an amount that is not a whole number of yen from 0 to 10,000,000 */
  INVALID_AMOUNT = 'INVALID_AMOUNT',
  /** a discount that is not a whole percentage from 1 to 100 */
  INVALID_DISCOUNT_PERCENT = 'INVALID_DISCOUNT_PERCENT',
  /** a page size that is not 1 to 1000, or a malformed cursor */
  INVALID_PAGE = 'INVALID_PAGE',
  /** a prefecture that is not 01 to 47 */
  INVALID_PREFECTURE = 'INVALID_PREFECTURE',
  /** an office number that is not 10 × [0-9A-Z] */
  INVALID_OFFICE_NUMBER = 'INVALID_OFFICE_NUMBER',
  /** a state filter that names no state */
  INVALID_STATE = 'INVALID_STATE',
  /** an operator change without a reason (or only spaces) */
  REASON_REQUIRED = 'REASON_REQUIRED',
  /** a results batch with problems (listed in details.problems with their index or line); nothing applied */
  DEDUCTION_RESULTS_INVALID = 'DEDUCTION_RESULTS_INVALID',
  /** a results body larger than the route takes */
  DEDUCTION_RESULTS_TOO_LARGE = 'DEDUCTION_RESULTS_TOO_LARGE',
  /** results sent as neither application/json nor text/csv */
  DEDUCTION_RESULTS_MEDIA_TYPE = 'DEDUCTION_RESULTS_MEDIA_TYPE',
  /** a 国保連 token that names no prefecture (its certificate profile lacks one) */
  KOKUHOREN_PREFECTURE_MISSING = 'KOKUHOREN_PREFECTURE_MISSING',
}

const ledgerText = (code: BillingErrorCode): string => BILLING_ERROR_MESSAGES_JA[code];

/** Japanese text for people (国保連 staff, operators, offices); `message` stays English for logs. */
export const BILLING_API_ERROR_MESSAGES_JA: Readonly<Record<BillingApiErrorCode, string>> = {
  [BillingApiErrorCode.REQUEST_INVALID]: ledgerText(BillingErrorCode.REQUEST_INVALID),
  [BillingApiErrorCode.INVALID_MONTH]: ledgerText(BillingErrorCode.INVALID_MONTH),
  [BillingApiErrorCode.INVALID_DATE]: ledgerText(BillingErrorCode.INVALID_DATE),
  [BillingApiErrorCode.INVALID_AMOUNT]: '金額は 0 円から 10,000,000 円までの整数で指定してください。',
  [BillingApiErrorCode.INVALID_DISCOUNT_PERCENT]: '割引率は 1 から 100 までの整数（%）で指定してください。',
  [BillingApiErrorCode.INVALID_PAGE]: ledgerText(BillingErrorCode.INVALID_PAGE),
  [BillingApiErrorCode.INVALID_PREFECTURE]: '都道府県コードは 01 から 47 で指定してください。',
  [BillingApiErrorCode.INVALID_OFFICE_NUMBER]: '事業所番号は英数字 10 桁で指定してください。',
  [BillingApiErrorCode.INVALID_STATE]: '状態の指定に誤りがあります。',
  [BillingApiErrorCode.REASON_REQUIRED]: ledgerText(BillingErrorCode.REASON_REQUIRED),
  [BillingApiErrorCode.DEDUCTION_RESULTS_INVALID]: ledgerText(BillingErrorCode.DEDUCTION_RESULTS_INVALID),
  [BillingApiErrorCode.DEDUCTION_RESULTS_TOO_LARGE]:
    '差引結果のデータが大きすぎます（上限 32 MiB）。複数回に分けて登録してください。',
  [BillingApiErrorCode.DEDUCTION_RESULTS_MEDIA_TYPE]:
    '差引結果は JSON（application/json）または MS932 の CSV（text/csv）で送信してください。',
  [BillingApiErrorCode.KOKUHOREN_PREFECTURE_MISSING]:
    'この国保連の認証情報に都道府県が含まれていないため、差引 API を利用できません。',
};

/** One problem of a request; `source` is where (a field, `results[3]`, `line 4`). */
export interface BillingRequestProblem {
  readonly code: string;
  readonly source: string;
  /** what is wrong, in English */
  readonly problem: string;
  /** CSV: the 1-based physical line */
  readonly line?: number;
  /** JSON: the 0-based index in `results` */
  readonly index?: number;
  readonly field?: string;
}

export class BillingApiError extends Error {
  constructor(
    readonly code: BillingApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'BillingApiError';
  }

  /** the Japanese text for the code */
  get messageJa(): string {
    return BILLING_API_ERROR_MESSAGES_JA[this.code];
  }
}
