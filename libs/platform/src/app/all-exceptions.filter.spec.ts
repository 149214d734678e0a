import { Logger } from '@nestjs/common';
import { json } from 'express';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { AllExceptionsFilter, bodyParserRefusal } from './all-exceptions.filter';

/** what express's JSON parser passes to next() for `body` sent with `content-type: application/json` */
async function parserError(body: string, limit = '100kb'): Promise<unknown> {
  const request = Object.assign(Readable.from([Buffer.from(body)]), {
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
  }) as unknown as Request;
  return new Promise((resolve) =>
    json({ limit })(request, {} as Response, (error?: unknown) => resolve(error)),
  );
}

function respond(exception: unknown): { status?: number; body?: unknown } {
  const seen: { status?: number; body?: unknown } = {};
  const response = {
    status(code: number) {
      seen.status = code;
      return this;
    },
    json(body: unknown) {
      seen.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) };
  new AllExceptionsFilter().catch(exception, host as never);
  return seen;
}

describe(AllExceptionsFilter.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers a body over the parser limit with 413 BODY_TOO_LARGE, not a 500', async () => {
    const error = await parserError(JSON.stringify({ pad: 'x'.repeat(2000) }), '1kb');

    expect(respond(error)).toMatchObject({ status: 413, body: { code: 'BODY_TOO_LARGE' } });
  });

  it('answers unparseable JSON with 400 BODY_MALFORMED', async () => {
    const error = await parserError('{"not json');

    expect(respond(error)).toMatchObject({ status: 400, body: { code: 'BODY_MALFORMED' } });
  });

  it('keeps unknown errors a 500 INTERNAL', () => {
    expect(bodyParserRefusal(new Error('boom'))).toBeUndefined();
    expect(respond(new Error('boom'))).toMatchObject({ status: 500, body: { code: 'INTERNAL' } });
  });

  it('does not trust an error that merely looks like a client error without expose', () => {
    expect(bodyParserRefusal({ type: 'entity.too.large', status: 413 })).toBeUndefined();
  });
});
