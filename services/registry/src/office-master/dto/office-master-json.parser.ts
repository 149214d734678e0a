// The platform's global JSON parser stops at 100 KiB, but a prefecture's
// whole master as JSON is several MiB. This parser takes JSON uploads of PUT /v1/office-master/{prefecture}
// up to MAX_UPLOAD_BYTES and keeps the raw bytes (their SHA-256 is the upload's identity); the global parser
// then finds the body read and leaves it. (express comes with @nestjs/platform-express.) It must be registered before the app initialises: Nest adds its
// global parsers in init(), after every provider is constructed, so this registers from the constructor.
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import { json } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OfficeMasterErrorCode, OfficeMasterProblemCode } from '../office-master.errors';
import { MAX_UPLOAD_BYTES } from '../office-master.types';

const UPLOAD_PATH = /^\/v1\/office-master\/[^/?]+(\?.*)?$/;

/** a JSON upload of the office master, by method, path and media type */
export const isJsonUpload = (request: IncomingMessage): boolean =>
  request.method === 'PUT' &&
  UPLOAD_PATH.test(request.url ?? '') &&
  (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json';

@Injectable()
export class OfficeMasterJsonParser {
  constructor(@Inject(HttpAdapterHost) host: HttpAdapterHost) {
    const adapter = host.httpAdapter as { use(handler: unknown): unknown } | undefined;
    if (!adapter) return;
    const parse = json({ limit: MAX_UPLOAD_BYTES, type: isJsonUpload, verify: keepRawBody });
    // not named jsonParser: Nest would take it for its global parser and not add that one
    adapter.use(function officeMasterJsonParser(
      request: IncomingMessage,
      response: ServerResponse,
      next: () => void,
    ) {
      parse(request, response, next);
    });
    adapter.use(refuseUnreadable);
  }
}

function keepRawBody(
  request: IncomingMessage & { rawBody?: Buffer },
  _response: ServerResponse,
  bytes: Buffer,
): void {
  request.rawBody = bytes;
}

/** the parser's own refusals (too large, not JSON) as this feature's stable codes */
function refuseUnreadable(
  error: unknown,
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
): void {
  if (!isJsonUpload(request)) return next(error);
  const status = (error as { status?: number }).status;
  const tooLarge = status === 413;
  if (!tooLarge && status !== 400) return next(error);
  const body: ErrorBody = tooLarge
    ? {
        code: OfficeMasterErrorCode.OFFICE_MASTER_TOO_LARGE,
        message: `an upload is at most ${MAX_UPLOAD_BYTES} bytes`,
        correlationId: currentCorrelationId(),
      }
    : {
        code: OfficeMasterErrorCode.OFFICE_MASTER_INVALID,
        message: 'the office master has 1 problem(s); nothing was recorded',
        correlationId: currentCorrelationId(),
        details: {
          problemCount: 1,
          problems: [{ code: OfficeMasterProblemCode.BODY_MALFORMED, message: 'the body is not JSON' }],
        },
      };
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
