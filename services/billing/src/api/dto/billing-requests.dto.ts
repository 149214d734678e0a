// The JSON bodies and query strings of billing's routes, parsed into what the ledger takes. Every problem is
// listed (details); the answer's code is the first problem's (INVALID_MONTH for a bad month, …).
import type { CycleState, FeeState, InvoiceState, PageRequest } from '../../ledger/billing.ports';
import {
  BillingApiError,
  BillingApiErrorCode as Code,
  type BillingRequestProblem,
} from '../billing-api.errors';

export const MAX_AMOUNT_YEN = 10_000_000;
export const MAX_PAGE_LIMIT = 1000;
export const MAX_REASON_LENGTH = 500;
const MAX_NAME_LENGTH = 100;
const MAX_DESCRIPTION_LENGTH = 200;
const MAX_CURSOR_LENGTH = 200;
const MAX_ENTITY_LENGTH = 64;

const MONTH = /^\d{4}(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PREFECTURE = /^(0[1-9]|[1-3]\d|4[0-7])$/;
const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d{1,7}$/;
// a cursor is the ledger's opaque token: printable ASCII only
const CURSOR = /^[\x21-\x7e]+$/;

export const CYCLE_STATES: readonly CycleState[] = ['open', 'acknowledged', 'closed'];
export const FEE_STATES: readonly FeeState[] = ['due', 'requested', 'deducted', 'invoiced', 'waived'];
export const INVOICE_STATES: readonly InvoiceState[] = ['issued', 'paid'];

type Input = Record<string, unknown>;

/** collects the problems of one request; `done` throws them all, coded after the first */
class Problems {
  readonly list: BillingRequestProblem[] = [];

  add(code: Code, field: string, problem: string): void {
    this.list.push({ code, source: field, field, problem });
  }

  done(): void {
    if (this.list.length === 0) return;
    const first = this.list[0];
    throw new BillingApiError(first.code as Code, `${first.field}: ${first.problem}`, this.list);
  }
}

const recordOf = (body: unknown): Input | undefined =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Input) : undefined;

/** the body as an object holding only `keys`; REQUEST_INVALID otherwise */
function bodyOf(body: unknown, keys: readonly string[], problems: Problems): Input {
  // no body at all reads as an empty one: its fields are then reported as missing
  const input = body === undefined ? {} : recordOf(body);
  if (!input) {
    problems.add(Code.REQUEST_INVALID, 'body', 'must be a JSON object');
    return {};
  }
  for (const key of Object.keys(input)) {
    if (!keys.includes(key)) problems.add(Code.REQUEST_INVALID, key, 'unknown field');
  }
  return input;
}

/** a query as single strings, refusing unknown and repeated parameters */
function queryOf(query: unknown, keys: readonly string[], problems: Problems): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(recordOf(query) ?? {})) {
    if (!keys.includes(key)) problems.add(Code.REQUEST_INVALID, key, 'unknown query parameter');
    else if (typeof value !== 'string') problems.add(Code.REQUEST_INVALID, key, 'give it once');
    else values[key] = value;
  }
  return values;
}

export const isMonth = (value: unknown): value is string => typeof value === 'string' && MONTH.test(value);

/** YYYY-MM-DD naming a real calendar date */
export function isDate(value: unknown): value is string {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
export const isOfficeNumber = (value: unknown): value is string =>
  typeof value === 'string' && OFFICE_NUMBER.test(value);
export const isPrefecture = (value: unknown): value is string =>
  typeof value === 'string' && PREFECTURE.test(value);

function text(input: Input, field: string, max: number, problems: Problems, code = Code.REQUEST_INVALID) {
  const value = input[field];
  if (typeof value !== 'string' || value.trim().length === 0) {
    problems.add(code, field, `required, 1 to ${max} characters`);
    return '';
  }
  if (value.length > max) problems.add(Code.REQUEST_INVALID, field, `at most ${max} characters`);
  return value.trim();
}

function reasonOf(input: Input, problems: Problems): string {
  return text(input, 'reason', MAX_REASON_LENGTH, problems, Code.REASON_REQUIRED);
}

function date(input: Input, field: string, problems: Problems): string {
  const value = input[field];
  if (!isDate(value)) problems.add(Code.INVALID_DATE, field, 'must be a date YYYY-MM-DD');
  return String(value);
}

function wholeNumber(
  input: Input,
  field: string,
  range: { min: number; max: number; code: Code },
  problems: Problems,
): number {
  const value = input[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    problems.add(range.code, field, `must be a whole number from ${range.min} to ${range.max}`);
  }
  return Number(value);
}

/** `{ reason }` of every operator change: 1 to 500 characters, not only spaces (REASON_REQUIRED) */
export function parseReason(body: unknown): string {
  const problems = new Problems();
  const reason = reasonOf(bodyOf(body, ['reason'], problems), problems);
  problems.done();
  return reason;
}

export interface FeeScheduleInput {
  readonly effectiveFrom: string;
  readonly amountYen: number;
  readonly description: string;
  readonly reason: string;
}

/** `POST /v1/billing/fee-schedule` (whether effectiveFrom is in the future is the ledger's rule) */
export function parseFeeScheduleInput(body: unknown): FeeScheduleInput {
  const problems = new Problems();
  const input = bodyOf(body, ['effectiveFrom', 'amountYen', 'description', 'reason'], problems);
  const parsed = {
    effectiveFrom: date(input, 'effectiveFrom', problems),
    amountYen: wholeNumber(
      input,
      'amountYen',
      { min: 0, max: MAX_AMOUNT_YEN, code: Code.INVALID_AMOUNT },
      problems,
    ),
    description: text(input, 'description', MAX_DESCRIPTION_LENGTH, problems),
    reason: reasonOf(input, problems),
  };
  problems.done();
  return parsed;
}

export interface CampaignInput {
  readonly name: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly discountPercent: number;
  readonly reason: string;
}

/** `POST /v1/billing/campaigns`: startsOn ≤ endsOn, discountPercent 1–100 (100 is a free pass) */
export function parseCampaignInput(body: unknown): CampaignInput {
  const problems = new Problems();
  const input = bodyOf(body, ['name', 'startsOn', 'endsOn', 'discountPercent', 'reason'], problems);
  const parsed = {
    name: text(input, 'name', MAX_NAME_LENGTH, problems),
    startsOn: date(input, 'startsOn', problems),
    endsOn: date(input, 'endsOn', problems),
    discountPercent: wholeNumber(
      input,
      'discountPercent',
      { min: 1, max: 100, code: Code.INVALID_DISCOUNT_PERCENT },
      problems,
    ),
    reason: reasonOf(input, problems),
  };
  if (isDate(parsed.startsOn) && isDate(parsed.endsOn) && parsed.endsOn < parsed.startsOn) {
    problems.add(Code.INVALID_DATE, 'endsOn', 'must not be before startsOn');
  }
  problems.done();
  return parsed;
}

/** `POST /v1/billing/cycles`: `{ month }` */
export function parseGenerateCycles(body: unknown): { month: string } {
  const problems = new Problems();
  const input = bodyOf(body, ['month'], problems);
  if (!isMonth(input['month'])) problems.add(Code.INVALID_MONTH, 'month', 'must be a month YYYYMM');
  problems.done();
  return { month: String(input['month']) };
}

function page(values: Record<string, string>, problems: Problems): PageRequest {
  const { after, limit } = values;
  if (after !== undefined && (after.length > MAX_CURSOR_LENGTH || !CURSOR.test(after))) {
    problems.add(Code.INVALID_PAGE, 'after', 'must be the nextAfter of an earlier page');
  }
  const size = limit === undefined ? undefined : Number(limit);
  if (size !== undefined && (!DIGITS.test(String(limit)) || size < 1 || size > MAX_PAGE_LIMIT)) {
    problems.add(Code.INVALID_PAGE, 'limit', `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return { ...(after === undefined ? {} : { after }), ...(size === undefined ? {} : { limit: size }) };
}

function month(values: Record<string, string>, problems: Problems): string | undefined {
  const value = values['month'];
  if (value !== undefined && !isMonth(value))
    problems.add(Code.INVALID_MONTH, 'month', 'must be a month YYYYMM');
  return value;
}

function oneOf<T extends string>(
  values: Record<string, string>,
  field: string,
  allowed: readonly T[],
  problems: Problems,
): T | undefined {
  const value = values[field];
  if (value !== undefined && !allowed.includes(value as T)) {
    problems.add(Code.INVALID_STATE, field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T | undefined;
}

function prefecture(values: Record<string, string>, problems: Problems): string | undefined {
  const value = values['prefecture'];
  if (value !== undefined && !isPrefecture(value))
    problems.add(Code.INVALID_PREFECTURE, 'prefecture', 'must be a prefecture code 01 to 47');
  return value;
}

function officeNumber(values: Record<string, string>, problems: Problems): string | undefined {
  const value = values['officeNumber'];
  if (value !== undefined && !isOfficeNumber(value))
    problems.add(Code.INVALID_OFFICE_NUMBER, 'officeNumber', 'must be 10 × [0-9A-Z]');
  return value;
}

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export interface CycleQuery {
  /** operators only: one prefecture's cycles */
  readonly prefecture?: string;
  readonly filter: { month?: string; state?: CycleState };
  readonly page: PageRequest;
}

/** `GET …/cycles?month=&status=&after=&limit=` (operators also `prefecture=`) */
export function parseCycleQuery(query: unknown, options: { prefecture: boolean }): CycleQuery {
  const problems = new Problems();
  const keys = ['month', 'status', 'after', 'limit', ...(options.prefecture ? ['prefecture'] : [])];
  const values = queryOf(query, keys, problems);
  const parsed = {
    ...defined({ prefecture: prefecture(values, problems) }),
    filter: defined({
      month: month(values, problems),
      state: oneOf(values, 'status', CYCLE_STATES, problems),
    }),
    page: page(values, problems),
  };
  problems.done();
  return parsed;
}

/** `…?after=&limit=` */
export function parsePageQuery(query: unknown): PageRequest {
  const problems = new Problems();
  const parsed = page(queryOf(query, ['after', 'limit'], problems), problems);
  problems.done();
  return parsed;
}

export interface OfficeFilterQuery<S extends string> {
  readonly prefecture?: string;
  readonly filter: { officeNumber?: string; state?: S };
  readonly page: PageRequest;
}

/** `GET /v1/billing/fees` and `/invoices`: `?officeNumber=&prefecture=&state=&after=&limit=` */
export function parseOfficeFilterQuery<S extends string>(
  query: unknown,
  states: readonly S[],
): OfficeFilterQuery<S> {
  const problems = new Problems();
  const values = queryOf(query, ['officeNumber', 'prefecture', 'state', 'after', 'limit'], problems);
  const parsed = {
    ...defined({ prefecture: prefecture(values, problems) }),
    filter: defined({
      officeNumber: officeNumber(values, problems),
      state: oneOf(values, 'state', states, problems),
    }),
    page: page(values, problems),
  };
  problems.done();
  return parsed;
}

/** `GET /v1/billing/summary?month=` (required) */
export function parseSummaryQuery(query: unknown): { month: string } {
  const problems = new Problems();
  const values = queryOf(query, ['month'], problems);
  if (!isMonth(values['month'])) problems.add(Code.INVALID_MONTH, 'month', 'required, a month YYYYMM');
  problems.done();
  return { month: values['month'] };
}

export interface AuditQuery {
  readonly filter: { entity?: string; entityId?: string };
  readonly page: PageRequest;
}

/** `GET /v1/billing/audit?entity=&entityId=&after=&limit=` */
export function parseAuditQuery(query: unknown): AuditQuery {
  const problems = new Problems();
  const values = queryOf(query, ['entity', 'entityId', 'after', 'limit'], problems);
  for (const field of ['entity', 'entityId']) {
    const value = values[field];
    if (
      value !== undefined &&
      (value.length === 0 || value.length > MAX_ENTITY_LENGTH || !CURSOR.test(value))
    )
      problems.add(Code.REQUEST_INVALID, field, `1 to ${MAX_ENTITY_LENGTH} printable characters`);
  }
  const parsed = {
    filter: defined({ entity: values['entity'], entityId: values['entityId'] }),
    page: page(values, problems),
  };
  problems.done();
  return parsed;
}
