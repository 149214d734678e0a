// A 国保連's results batch (docs/billing.md "Results"), from JSON `{results:[…]}` or MS932 CSV rows, checked
// as a whole: every problem is listed with its index or line and nothing reaches the ledger
// (DEDUCTION_RESULTS_INVALID). Whether each deduction exists and belongs to the cycle is the ledger's check.
import { charProblem, normaliseForMs932 } from '@renkei/careplan';
import type { DeductionResult, NotDeductibleReason, ResultInput } from '../../ledger/billing.ports';
import { BillingApiError, BillingApiErrorCode, type BillingRequestProblem } from '../billing-api.errors';
import { isOfficeNumber, isUuid, MAX_REASON_LENGTH } from './billing-requests.dto';

/** at most this many results in one request */
export const MAX_RESULTS = 200_000;
/** the error body lists at most this many problems (details.problemCount counts them all) */
export const MAX_LISTED_PROBLEMS = 1000;

export const DEDUCTION_RESULTS: readonly DeductionResult[] = ['deducted', 'not_deductible'];
export const NOT_DEDUCTIBLE_REASONS: readonly NotDeductibleReason[] = [
  'NO_PAYMENT',
  'INSUFFICIENT_AMOUNT',
  'OFFICE_CLOSED',
  'OTHER',
];
const RESULT_KEYS = ['deductionId', 'officeNumber', 'result', 'reasonCode', 'reason'];

/** Codes of the single problems listed under DEDUCTION_RESULTS_INVALID. */
export enum ResultProblemCode {
  BODY_MALFORMED = 'BODY_MALFORMED',
  ENCODING_INVALID = 'ENCODING_INVALID',
  HEADER_INVALID = 'HEADER_INVALID',
  COLUMN_COUNT = 'COLUMN_COUNT',
  RESULTS_EMPTY = 'RESULTS_EMPTY',
  RESULTS_TOO_MANY = 'RESULTS_TOO_MANY',
  FIELD_UNKNOWN = 'FIELD_UNKNOWN',
  DEDUCTION_ID_INVALID = 'DEDUCTION_ID_INVALID',
  DEDUCTION_DUPLICATE = 'DEDUCTION_DUPLICATE',
  OFFICE_NUMBER_INVALID = 'OFFICE_NUMBER_INVALID',
  RESULT_INVALID = 'RESULT_INVALID',
  REASON_CODE_INVALID = 'REASON_CODE_INVALID',
  REASON_CODE_REQUIRED = 'REASON_CODE_REQUIRED',
  REASON_REQUIRED = 'REASON_REQUIRED',
  REASON_NOT_ALLOWED = 'REASON_NOT_ALLOWED',
  REASON_INVALID = 'REASON_INVALID',
}

/** where a result stands in the request */
export interface ResultPlace {
  readonly source: string;
  readonly line?: number;
  readonly index?: number;
}

/** one result's values as read, before they are checked */
export interface RawResult {
  readonly deductionId: unknown;
  readonly officeNumber: unknown;
  /** `deducted` | `not_deductible` once a CSV label was translated */
  readonly result: unknown;
  readonly reasonCode: unknown;
  readonly reason: unknown;
}

export function resultsInvalid(problems: readonly BillingRequestProblem[]): BillingApiError {
  const first = problems[0];
  return new BillingApiError(
    BillingApiErrorCode.DEDUCTION_RESULTS_INVALID,
    `the results have ${problems.length} problem(s), first at ${first.source}: ${first.problem}; nothing was applied`,
    {
      problemCount: problems.length,
      problems: problems.slice(0, MAX_LISTED_PROBLEMS),
    },
  );
}

const blank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** the text's first character the MS932 CSV export could not carry (after the usual normalisation) */
function unencodable(text: string): string | undefined {
  for (const char of normaliseForMs932(text)) if (charProblem(char) !== null) return char;
  return undefined;
}

/** Checks one result, adding its problems; the result when it has none. */
export function checkResult(
  raw: RawResult,
  place: ResultPlace,
  problems: BillingRequestProblem[],
): ResultInput | undefined {
  const before = problems.length;
  const add = (code: ResultProblemCode, field: string, problem: string) =>
    problems.push({ code, field, problem, ...place });
  if (!isUuid(raw.deductionId))
    add(ResultProblemCode.DEDUCTION_ID_INVALID, 'deductionId', 'must be a 控除ID (UUID)');
  if (!isOfficeNumber(raw.officeNumber))
    add(ResultProblemCode.OFFICE_NUMBER_INVALID, 'officeNumber', 'must be 10 × [0-9A-Z]');
  const result = raw.result as DeductionResult;
  if (!DEDUCTION_RESULTS.includes(result))
    add(ResultProblemCode.RESULT_INVALID, 'result', 'must be deducted (控除済) or not_deductible (控除不能)');
  const reasonCode = blank(raw.reasonCode) ? undefined : (raw.reasonCode as NotDeductibleReason);
  const reason = blank(raw.reason) ? undefined : raw.reason;
  if (reason !== undefined) {
    const char = typeof reason === 'string' ? unencodable(reason) : undefined;
    if (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH)
      add(ResultProblemCode.REASON_INVALID, 'reason', `text of at most ${MAX_REASON_LENGTH} characters`);
    else if (char !== undefined)
      add(ResultProblemCode.REASON_INVALID, 'reason', `holds ${JSON.stringify(char)}, which MS932 lacks`);
  }
  if (result === 'deducted' && (reasonCode !== undefined || reason !== undefined)) {
    add(ResultProblemCode.REASON_NOT_ALLOWED, 'reasonCode', 'a deducted result takes no reason');
  }
  if (result === 'not_deductible') {
    if (reasonCode === undefined)
      add(ResultProblemCode.REASON_CODE_REQUIRED, 'reasonCode', 'not_deductible needs a reason code');
    else if (!NOT_DEDUCTIBLE_REASONS.includes(reasonCode))
      add(
        ResultProblemCode.REASON_CODE_INVALID,
        'reasonCode',
        `must be one of ${NOT_DEDUCTIBLE_REASONS.join(', ')}`,
      );
    else if (reasonCode === 'OTHER' && reason === undefined)
      add(ResultProblemCode.REASON_REQUIRED, 'reason', 'reason code OTHER needs the reason as text');
  }
  if (problems.length > before) return undefined;
  return {
    deductionId: (raw.deductionId as string).toLowerCase(),
    officeNumber: raw.officeNumber as string,
    result,
    ...(reasonCode === undefined ? {} : { reasonCode }),
    ...(reason === undefined ? {} : { reason: (reason as string).trim() }),
    source: place.source,
  };
}

/** refuses a second result for the same deduction in one batch */
export function checkDuplicates(
  results: readonly ResultInput[],
  places: ReadonlyMap<ResultInput, ResultPlace>,
  problems: BillingRequestProblem[],
): void {
  const seen = new Map<string, string>();
  for (const result of results) {
    const first = seen.get(result.deductionId);
    if (first === undefined) seen.set(result.deductionId, result.source);
    else
      problems.push({
        code: ResultProblemCode.DEDUCTION_DUPLICATE,
        field: 'deductionId',
        problem: `a second result for the deduction of ${first}`,
        ...(places.get(result) ?? { source: result.source }),
      });
  }
}

/** `{ results: [{deductionId, officeNumber, result, reasonCode?, reason?}, …] }` as the ledger's inputs */
export function parseJsonResults(body: unknown): ResultInput[] {
  const list =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)['results']
      : undefined;
  const problems: BillingRequestProblem[] = [];
  if (!Array.isArray(list)) {
    throw resultsInvalid([
      { code: ResultProblemCode.BODY_MALFORMED, source: 'body', problem: 'must be {"results": [...]}' },
    ]);
  }
  const extra = Object.keys(body as object).filter((key) => key !== 'results');
  for (const key of extra)
    problems.push({
      code: ResultProblemCode.FIELD_UNKNOWN,
      source: key,
      field: key,
      problem: 'unknown field',
    });
  if (list.length === 0)
    problems.push({ code: ResultProblemCode.RESULTS_EMPTY, source: 'results', problem: 'no results' });
  if (list.length > MAX_RESULTS) {
    throw resultsInvalid([
      {
        code: ResultProblemCode.RESULTS_TOO_MANY,
        source: 'results',
        problem: `at most ${MAX_RESULTS} results`,
      },
    ]);
  }
  const results: ResultInput[] = [];
  const places = new Map<ResultInput, ResultPlace>();
  list.forEach((item: unknown, index) => {
    const place = { source: `results[${index}]`, index };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ code: ResultProblemCode.BODY_MALFORMED, problem: 'must be an object', ...place });
      return;
    }
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record).filter((k) => !RESULT_KEYS.includes(k)))
      problems.push({
        code: ResultProblemCode.FIELD_UNKNOWN,
        field: key,
        problem: 'unknown field',
        ...place,
      });
    const result = checkResult(record as unknown as RawResult, place, problems);
    if (result) {
      results.push(result);
      places.set(result, place);
    }
  });
  checkDuplicates(results, places, problems);
  if (problems.length > 0) throw resultsInvalid(problems);
  return results;
}
