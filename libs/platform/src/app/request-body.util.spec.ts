import { Readable } from 'node:stream';
import {
  readBodyWithLimit,
  RequestBodyAbortedError,
  RequestBodyTooLargeError,
  type BodyRequest,
} from './request-body.util';

function requestOf(chunks: Iterable<Buffer>, headers: Record<string, string> = {}) {
  let pulled = 0;
  function* counted(): Generator<Buffer> {
    for (const chunk of chunks) {
      pulled += 1;
      yield chunk;
    }
  }
  const request = Object.assign(Readable.from(counted(), { objectMode: false }), { headers });
  return { request: request as BodyRequest, pulled: () => pulled };
}

function* endless(): Generator<Buffer> {
  for (;;) yield Buffer.alloc(4);
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe(readBodyWithLimit.name, () => {
  describe.each(['drain', 'stop'] as const)('with overflow %s', (overflow) => {
    it('reads the whole body into one buffer', async () => {
      const { request } = requestOf([Buffer.from('ab'), Buffer.from('cd')]);

      expect((await readBodyWithLimit(request, 10, { overflow })).toString()).toBe('abcd');
    });

    it('accepts a body of exactly the cap', async () => {
      const { request } = requestOf([Buffer.alloc(6), Buffer.alloc(4)]);

      expect(await readBodyWithLimit(request, 10, { overflow })).toHaveLength(10);
    });

    it('refuses a streamed body over the cap as too large', async () => {
      const { request } = requestOf([Buffer.alloc(6), Buffer.alloc(6)]);

      const error = await errorOf(readBodyWithLimit(request, 10, { overflow }));

      expect(error).toBeInstanceOf(RequestBodyTooLargeError);
      expect(error).toMatchObject({ maxBytes: 10 });
    });

    it('takes a body a host parser already read', async () => {
      const { request } = requestOf([]);
      Object.assign(request, { body: Buffer.from('parsed') });

      expect((await readBodyWithLimit(request, 10, { overflow })).toString()).toBe('parsed');
    });

    it('refuses a body a host parser already read when it is over the cap', async () => {
      const { request } = requestOf([]);
      Object.assign(request, { body: Buffer.alloc(11) });

      expect(await errorOf(readBodyWithLimit(request, 10, { overflow }))).toBeInstanceOf(
        RequestBodyTooLargeError,
      );
    });

    it('answers an empty body when the stream has already ended', async () => {
      const { request } = requestOf([Buffer.from('ab')]);
      request.resume();
      await new Promise((resolve) => request.once('end', resolve));

      expect(await readBodyWithLimit(request, 10, { overflow })).toHaveLength(0);
    });

    it('passes on the stream error', async () => {
      const request = Object.assign(new Readable({ read: () => undefined }), { headers: {} });
      const failure = new Error('socket hang up');

      const read = readBodyWithLimit(request, 10, { overflow });
      request.destroy(failure);

      expect(await errorOf(read)).toBe(failure);
    });
  });

  describe('with overflow drain', () => {
    it('reads the rest of an oversized body and drops it before refusing', async () => {
      const { request, pulled } = requestOf([Buffer.alloc(6), Buffer.alloc(6), Buffer.alloc(6)]);

      expect(await errorOf(readBodyWithLimit(request, 10, { overflow: 'drain' }))).toBeInstanceOf(
        RequestBodyTooLargeError,
      );
      expect(pulled()).toBe(3);
      expect(request.readableEnded).toBe(true);
    });

    it('reads a body declared over the cap to its end before refusing', async () => {
      const { request, pulled } = requestOf([Buffer.alloc(4)], { 'content-length': '11' });

      expect(await errorOf(readBodyWithLimit(request, 10, { overflow: 'drain' }))).toBeInstanceOf(
        RequestBodyTooLargeError,
      );
      expect(pulled()).toBe(1);
    });
  });

  describe('with overflow stop', () => {
    it('refuses a declared Content-Length over the cap without reading anything', async () => {
      const { request, pulled } = requestOf([Buffer.alloc(4)], { 'content-length': '11' });

      expect(await errorOf(readBodyWithLimit(request, 10, { overflow: 'stop' }))).toBeInstanceOf(
        RequestBodyTooLargeError,
      );
      expect(pulled()).toBe(0);
    });

    it('stops reading as soon as the streamed bytes pass the cap', async () => {
      const { request, pulled } = requestOf(endless());

      expect(await errorOf(readBodyWithLimit(request, 10, { overflow: 'stop' }))).toBeInstanceOf(
        RequestBodyTooLargeError,
      );
      // the stream may have read ahead a little, never the endless rest
      expect(pulled()).toBeLessThan(100);
      expect(request.isPaused()).toBe(true);
    });
  });

  describe('with abortOnClose', () => {
    it('refuses a request that closes before its body ended as aborted', async () => {
      const request = Object.assign(new Readable({ read: () => undefined }), { headers: {} });

      const read = readBodyWithLimit(request, 10, { overflow: 'stop', abortOnClose: true });
      request.push(Buffer.from('ab'));
      request.destroy();

      expect(await errorOf(read)).toBeInstanceOf(RequestBodyAbortedError);
    });

    it('still reads a body that ends before the request closes', async () => {
      const { request } = requestOf([Buffer.from('ab')]);

      const body = await readBodyWithLimit(request, 10, { overflow: 'drain', abortOnClose: true });

      expect(body.toString()).toBe('ab');
    });
  });
});
