// The body of POST /v1/kokuho/cycles/{cycleId}/results: JSON `{results:[…]}` (parsed by ResultsJsonParser, up
// to MAX_RESULTS_BYTES) or MS932 CSV (text/csv, read here: the global parsers take only JSON and forms).
import { readBodyWithLimit, RequestBodyTooLargeError, type BodyRequest } from '@renkei/platform';
import type { ResultInput } from '../../ledger/billing.ports';
import { BillingApiError, BillingApiErrorCode } from '../billing-api.errors';
import { parseCsvResults } from '../csv/results-csv.util';
import { parseJsonResults, ResultProblemCode, resultsInvalid } from './deduction-results.dto';

/** a prefecture's month of results: ~60 bytes a row, room for several hundred thousand rows */
export const MAX_RESULTS_BYTES = 32 * 1024 * 1024;
export const JSON_MEDIA_TYPE = 'application/json';
export const CSV_MEDIA_TYPE = 'text/csv';

export const resultsTooLarge = (): BillingApiError =>
  new BillingApiError(
    BillingApiErrorCode.DEDUCTION_RESULTS_TOO_LARGE,
    `a results body is at most ${MAX_RESULTS_BYTES} bytes; post the results in several requests`,
  );

export const mediaTypeOf = (request: { headers: { 'content-type'?: string } }): string =>
  (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

/** the results of the request, checked as a whole (DEDUCTION_RESULTS_INVALID lists every problem) */
export async function readResults(request: BodyRequest): Promise<ResultInput[]> {
  const mediaType = mediaTypeOf(request);
  if (mediaType === CSV_MEDIA_TYPE) return parseCsvResults(await readBody(request));
  if (mediaType === JSON_MEDIA_TYPE) return parseJsonResults(await jsonBodyOf(request));
  throw new BillingApiError(
    BillingApiErrorCode.DEDUCTION_RESULTS_MEDIA_TYPE,
    `send the results as ${JSON_MEDIA_TYPE} or ${CSV_MEDIA_TYPE} (MS932)`,
  );
}

async function jsonBodyOf(request: BodyRequest): Promise<unknown> {
  if (request.body !== undefined && !Buffer.isBuffer(request.body) && request.readableEnded)
    return request.body;
  try {
    return JSON.parse((await readBody(request)).toString('utf8')) as unknown;
  } catch (error) {
    if (error instanceof BillingApiError) throw error;
    throw resultsInvalid([
      { code: ResultProblemCode.BODY_MALFORMED, source: 'body', problem: 'the body is not JSON' },
    ]);
  }
}

function readBody(request: BodyRequest): Promise<Buffer> {
  return readBodyWithLimit(request, MAX_RESULTS_BYTES, { overflow: 'drain' }).catch((error: unknown) => {
    throw error instanceof RequestBodyTooLargeError ? resultsTooLarge() : error;
  });
}
