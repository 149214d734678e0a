// The platform's global JSON parser stops at 100 KiB, but a prefecture's month of results as JSON is several
// MiB. This parser takes JSON results of POST /v1/kokuho/cycles/{cycleId}/results up to MAX_RESULTS_BYTES; the
// global parser then finds the body read and leaves it. It must be registered before the app initialises (Nest
// adds its global parsers in init(), after every provider is constructed), so it registers from the constructor.
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { json } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { billingErrorBody } from '../billing-exception.filter';
import { ResultProblemCode, resultsInvalid } from './deduction-results.dto';
import { JSON_MEDIA_TYPE, MAX_RESULTS_BYTES, mediaTypeOf, resultsTooLarge } from './results-body.util';

const RESULTS_PATH = /^\/v1\/kokuho\/cycles\/[^/?]+\/results(\?.*)?$/;

/** JSON results, by method, path and media type */
export const isJsonResults = (request: IncomingMessage): boolean =>
  request.method === 'POST' &&
  RESULTS_PATH.test(request.url ?? '') &&
  mediaTypeOf(request) === JSON_MEDIA_TYPE;

@Injectable()
export class ResultsJsonParser {
  constructor(@Inject(HttpAdapterHost) host: HttpAdapterHost) {
    const adapter = host.httpAdapter as { use(handler: unknown): unknown } | undefined;
    if (!adapter) return;
    const parse = json({ limit: MAX_RESULTS_BYTES, type: isJsonResults });
    // not named jsonParser: Nest would take it for its global parser and not add that one
    adapter.use(function deductionResultsJsonParser(
      request: IncomingMessage,
      response: ServerResponse,
      next: () => void,
    ) {
      parse(request, response, next);
    });
    adapter.use(refuseUnreadable);
  }
}

/** the parser's own refusals (too large, not JSON) as this feature's stable codes */
function refuseUnreadable(
  error: unknown,
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
): void {
  if (!isJsonResults(request)) return next(error);
  const status = (error as { status?: number }).status;
  if (status !== 413 && status !== 400) return next(error);
  const refusal =
    status === 413
      ? resultsTooLarge()
      : resultsInvalid([
          { code: ResultProblemCode.BODY_MALFORMED, source: 'body', problem: 'the body is not JSON' },
        ]);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(billingErrorBody(refusal)));
}
