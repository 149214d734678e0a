// The JSON bodies and query strings of the licence routes, parsed into typed values; REQUEST_INVALID with
// every field problem otherwise.
import { LicenceState } from '../licence.entity';
import { LicencesError, LicencesErrorCode } from '../licences.errors';

const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const PREFECTURE = /^\d{2}$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const MAX_REASON_LENGTH = 500;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

type Problem = { field: string; problem: string };

const recordOf = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

function fail(problems: Problem[]): never {
  throw new LicencesError(LicencesErrorCode.REQUEST_INVALID, 'the request is invalid', problems);
}

/** `{ reason }`: 1 to 500 characters, not only spaces */
export function parseReason(body: unknown): string {
  const reason = recordOf(body)['reason'];
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > MAX_REASON_LENGTH) {
    fail([{ field: 'reason', problem: `required, 1 to ${MAX_REASON_LENGTH} characters` }]);
  }
  return reason.trim();
}

/** `{ autoRenew }`: a boolean */
export function parseRenewal(body: unknown): { autoRenew: boolean } {
  const autoRenew = recordOf(body)['autoRenew'];
  if (typeof autoRenew !== 'boolean') fail([{ field: 'autoRenew', problem: 'required, a boolean' }]);
  return { autoRenew };
}

/** 10 × [0-9A-Z]; OFFICE_NUMBER_INVALID otherwise */
export function parseOfficeNumber(value: string): string {
  if (!OFFICE_NUMBER.test(value)) {
    throw new LicencesError(
      LicencesErrorCode.OFFICE_NUMBER_INVALID,
      'the office number is not 10 × [0-9A-Z]',
    );
  }
  return value;
}

export interface LicenceQuery {
  readonly state?: LicenceState;
  readonly prefecture?: string;
  readonly officeNumber?: string;
  readonly serviceType?: string;
  readonly name?: string;
  readonly after?: string;
  readonly limit: number;
}

const STATES: readonly string[] = Object.values(LicenceState);

/** the query of GET /v1/licences and GET /v1/directory (the directory ignores state) */
export function parseLicenceQuery(query: Record<string, unknown>): LicenceQuery {
  const problems: Problem[] = [];
  const text = (field: string, pattern: RegExp, problem: string): string | undefined => {
    const value = query[field];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) {
      problems.push({ field, problem });
      return undefined;
    }
    return value;
  };
  const state = query['state'];
  if (state !== undefined && (typeof state !== 'string' || !STATES.includes(state))) {
    problems.push({ field: 'state', problem: `one of ${STATES.join(', ')}` });
  }
  const result = {
    state: typeof state === 'string' && STATES.includes(state) ? (state as LicenceState) : undefined,
    prefecture: text('prefecture', PREFECTURE, 'two digits'),
    officeNumber: text('officeNumber', OFFICE_NUMBER, '10 × [0-9A-Z]'),
    serviceType: text('serviceType', SERVICE_TYPE, '2 × [0-9A-Z]'),
    name: text('name', /^.{1,100}$/u, '1 to 100 characters'),
    after: text('after', OFFICE_NUMBER, "an office number (the previous page's nextAfter)"),
    limit: DEFAULT_LIMIT,
  };
  const limit = query['limit'];
  if (limit !== undefined) {
    const n = typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= MAX_LIMIT)) problems.push({ field: 'limit', problem: `1 to ${MAX_LIMIT}` });
    else result.limit = n;
  }
  if (problems.length > 0) fail(problems);
  return result;
}
