import { Readable } from 'node:stream';
import {
  assertEnvelopeMediaType,
  ENVELOPE_MEDIA_TYPES,
  readEnvelopeBody,
  type EnvelopeRequest,
} from './envelope-body.util';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';

function requestOf(chunks: Iterable<Buffer>, headers: Record<string, string> = {}) {
  let pulled = 0;
  function* counted(): Generator<Buffer> {
    for (const chunk of chunks) {
      pulled += 1;
      yield chunk;
    }
  }
  const request = Object.assign(Readable.from(counted(), { objectMode: false }), { headers });
  return { request: request as EnvelopeRequest, pulled: () => pulled };
}

async function codeOf(promise: Promise<unknown>): Promise<IntakeErrorCode | undefined> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof IntakeError ? error.code : undefined;
}

describe(readEnvelopeBody.name, () => {
  it('reads the whole body into one buffer', async () => {
    const { request } = requestOf([Buffer.from('ab'), Buffer.from('cd')]);

    expect((await readEnvelopeBody(request, 10)).toString()).toBe('abcd');
  });

  it('accepts a body of exactly the cap', async () => {
    const { request } = requestOf([Buffer.alloc(6), Buffer.alloc(4)]);

    expect(await readEnvelopeBody(request, 10)).toHaveLength(10);
  });

  it('refuses a declared Content-Length over the cap without reading anything', async () => {
    const { request, pulled } = requestOf([Buffer.alloc(4)], { 'content-length': '11' });

    expect(await codeOf(readEnvelopeBody(request, 10))).toBe(IntakeErrorCode.ENVELOPE_TOO_LARGE);
    expect(pulled()).toBe(0);
  });

  it('stops reading as soon as the streamed bytes pass the cap', async () => {
    function* endless(): Generator<Buffer> {
      for (;;) yield Buffer.alloc(4);
    }
    const { request, pulled } = requestOf(endless());

    expect(await codeOf(readEnvelopeBody(request, 10))).toBe(IntakeErrorCode.ENVELOPE_TOO_LARGE);
    // the stream may have read ahead a little, never the endless rest
    expect(pulled()).toBeLessThan(100);
    expect(request.isPaused()).toBe(true);
  });

  it('takes a body a host parser already read', async () => {
    const { request } = requestOf([]);
    Object.assign(request, { body: Buffer.from('parsed') });

    expect((await readEnvelopeBody(request, 10)).toString()).toBe('parsed');
  });
});

describe(assertEnvelopeMediaType.name, () => {
  it.each([...ENVELOPE_MEDIA_TYPES, 'Application/CMS', 'application/cms; smime-type=signed-data'])(
    'accepts %s',
    (type) => {
      expect(() => assertEnvelopeMediaType(type)).not.toThrow();
    },
  );

  it.each(['application/json', 'text/plain', '', undefined])(
    'refuses %p as UNSUPPORTED_MEDIA_TYPE',
    (type) => {
      expect(() => assertEnvelopeMediaType(type)).toThrow(
        expect.objectContaining({ code: IntakeErrorCode.UNSUPPORTED_MEDIA_TYPE }),
      );
    },
  );
});
