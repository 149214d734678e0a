import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  InboxSubscriptionError,
  SseParser,
  subscribeInbox,
  type InboxArrival,
  type SseMessage,
} from './inbox-events';

describe('SseParser', () => {
  const parseAll = (chunks: string[], parser = new SseParser()): SseMessage[] =>
    chunks.flatMap((chunk) => parser.push(chunk));

  it('dispatches events on a blank line, with their type, data and last id', () => {
    expect(parseAll(['event: arrival\nid: 7\ndata: {"a":1}\n\ndata: plain\n\n'])).toEqual([
      { event: 'arrival', data: '{"a":1}', lastEventId: '7' },
      { event: 'message', data: 'plain', lastEventId: '7' },
    ]);
  });

  it('gives the same events however the text is chunked, across CRLF, CR and LF line ends', () => {
    const text =
      ': heartbeat\r\n\r\nevent: a\r\nid: 1\r\ndata: x\r\ndata: y\r\n\r\nid: 2\rdata:z\r\revent: b\ndata\n\n';
    const expected = [
      { event: 'a', data: 'x\ny', lastEventId: '1' },
      { event: 'message', data: 'z', lastEventId: '2' },
      { event: 'b', data: '', lastEventId: '2' },
    ];
    expect(parseAll([text])).toEqual(expected);
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
    expect(parseAll(text.split(''))).toEqual(expected);
  });

  it('ignores comments, unknown fields, an id holding NUL and an event without data', () => {
    const parser = new SseParser('5');
    expect(parseAll([': hi\nfoo: bar\nid: 9\0\nevent: lonely\n\nid\ndata: d\n\n'], parser)).toEqual([
      { event: 'message', data: 'd', lastEventId: '' },
    ]);
  });

  it('keeps the retry hint, drops a byte-order mark and holds an unfinished event back', () => {
    const parser = new SseParser();
    expect(parser.push('\uFEFFretry: 5000\n\nretry: soon\n\ndata: half')).toEqual([]);
    expect(parser.retry).toBe(5000);
    expect(parser.push('\n\n')).toEqual([{ event: 'message', data: 'half', lastEventId: '' }]);
  });
});

type Script =
  | { readonly status: number; readonly body?: string }
  | { readonly status: 200; readonly frames: readonly string[]; readonly open?: boolean };

/** a fetch answering each call with the next scripted response; records each call's headers */
function scriptedFetch(scripts: Script[]) {
  const calls: Record<string, string>[] = [];
  const encoder = new TextEncoder();
  const fake = (async (_url: string, init?: RequestInit) => {
    calls.push({ ...(init?.headers as Record<string, string>) });
    const script = scripts.shift();
    if (!script) throw new Error('connection refused');
    if (!('frames' in script)) {
      return new Response(script.body ?? '{}', {
        status: script.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const frame of script.frames) controller.enqueue(encoder.encode(frame));
        if (!script.open) controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
  return { fetch: fake, calls };
}

const arrival = (id: number, envelopeId = `env-${id}`): string =>
  `event: arrival\nid: ${id}\ndata: ${JSON.stringify({ envelopeId, sender: { officeNumber: '1310000001', serviceType: '43' }, kind: 'plan', targetMonth: '202612', fileSequence: '20261124060000' })}\n\n`;
const ready = (id: number): string => `event: ready\nid: ${id}\ndata: {}\n\n`;
const closeEvent = (reason: string): string => `event: close\ndata: ${JSON.stringify({ reason })}\n\n`;

describe('subscribeInbox', () => {
  it('hands over arrivals, then resumes with Last-Event-ID and a fresh token after expiry', async () => {
    const stop = new AbortController();
    const { fetch, calls } = scriptedFetch([
      {
        status: 200,
        frames: ['retry: 10\n\n', arrival(1), ready(1), arrival(2), closeEvent('token-expired')],
      },
      { status: 200, frames: [arrival(3), ready(3)], open: true },
    ]);
    const seen: string[] = [];
    const delays: number[] = [];
    let tokens = 0;
    await subscribeInbox('http://platform/', async () => `token-${(tokens += 1)}`, {
      after: '0',
      fetch,
      signal: stop.signal,
      onArrival: (event: InboxArrival) => {
        seen.push(`${event.id}:${event.item.envelopeId}`);
        if (event.id === '3') stop.abort();
      },
      onDisconnect: (_reason, delay) => delays.push(delay),
    });
    expect(seen).toEqual(['1:env-1', '2:env-2', '3:env-3']);
    expect(calls.map((headers) => [headers['authorization'], headers['last-event-id']])).toEqual([
      ['Bearer token-1', '0'],
      ['Bearer token-2', '2'],
    ]);
    expect(delays).toEqual([0]);
  });

  it('starts live without Last-Event-ID when no id is known', async () => {
    const stop = new AbortController();
    const { fetch, calls } = scriptedFetch([{ status: 200, frames: [ready(41)], open: true }]);
    let readyAt = '';
    await subscribeInbox({ delivery: 'http://delivery' }, 'static', {
      fetch,
      signal: stop.signal,
      onArrival: () => undefined,
      onReady: (id) => {
        readyAt = id;
        stop.abort();
      },
    });
    expect(readyAt).toBe('41');
    expect(calls[0]['last-event-id']).toBeUndefined();
  });

  it('reconnects from before an arrival its handler failed on', async () => {
    const stop = new AbortController();
    const { fetch, calls } = scriptedFetch([
      { status: 200, frames: [arrival(4), arrival(5)], open: true },
      { status: 200, frames: [arrival(5)], open: true },
    ]);
    const handled: string[] = [];
    let failOnce = true;
    await subscribeInbox('http://platform', 't', {
      after: '3',
      fetch,
      signal: stop.signal,
      initialDelayMs: 1,
      onArrival: (event) => {
        if (event.id === '5' && failOnce) {
          failOnce = false;
          throw new Error('disk full');
        }
        handled.push(event.id);
        if (event.id === '5') stop.abort();
      },
    });
    expect(handled).toEqual(['4', '5']);
    expect(calls.map((headers) => headers['last-event-id'])).toEqual(['3', '4']);
  });

  it('backs off exponentially while the platform is unavailable, and from the start after a ready', async () => {
    const stop = new AbortController();
    const { fetch } = scriptedFetch([
      { status: 503, body: '{"code":"INBOX_STREAMS_UNAVAILABLE"}' },
      { status: 429, body: '{"code":"INBOX_STREAMS_EXCEEDED"}' },
      { status: 500 },
      { status: 200, frames: [ready(0)] },
      { status: 503 },
    ]);
    const disconnects: [string, number][] = [];
    await subscribeInbox('http://platform', 't', {
      fetch,
      signal: stop.signal,
      initialDelayMs: 2,
      maxDelayMs: 6,
      random: () => 1,
      onArrival: () => undefined,
      onDisconnect: (reason, delay) => {
        disconnects.push([reason, delay]);
        if (disconnects.length === 5) stop.abort();
      },
    });
    expect(disconnects).toEqual([
      ['status 503 INBOX_STREAMS_UNAVAILABLE', 2],
      ['status 429 INBOX_STREAMS_EXCEEDED', 4],
      ['status 500', 6],
      ['ended', 2],
      ['status 503', 4],
    ]);
  });

  it('fails for good on a refusal retrying does not cure, and on a refused static token', async () => {
    const licence = scriptedFetch([{ status: 403, body: '{"code":"LICENCE_NOT_LIVE"}' }]);
    await expect(
      subscribeInbox('http://platform', 't', {
        fetch: licence.fetch,
        signal: new AbortController().signal,
        onArrival: () => undefined,
      }),
    ).rejects.toMatchObject({ name: 'InboxSubscriptionError', status: 403, code: 'LICENCE_NOT_LIVE' });

    const unauthorized = scriptedFetch([{ status: 401, body: '{"code":"AUTH_TOKEN_EXPIRED"}' }]);
    await expect(
      subscribeInbox('http://platform', 'static', {
        fetch: unauthorized.fetch,
        signal: new AbortController().signal,
        onArrival: () => undefined,
      }),
    ).rejects.toBeInstanceOf(InboxSubscriptionError);
  });

  it('asks a token source again after a 401', async () => {
    const stop = new AbortController();
    const { fetch, calls } = scriptedFetch([
      { status: 401, body: '{"code":"AUTH_TOKEN_EXPIRED"}' },
      { status: 200, frames: [ready(0)], open: true },
    ]);
    let issued = 0;
    await subscribeInbox('http://platform', async () => `t${(issued += 1)}`, {
      fetch,
      signal: stop.signal,
      initialDelayMs: 1,
      onArrival: () => undefined,
      onReady: () => stop.abort(),
    });
    expect(calls.map((headers) => headers['authorization'])).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('follows a real HTTP stream that is cut, resuming with Last-Event-ID, until aborted', async () => {
    const seenIds: (string | undefined)[] = [];
    const open: ServerResponse[] = [];
    const server = createServer((request, response) => {
      seenIds.push(request.headers['last-event-id'] as string | undefined);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      if (seenIds.length === 1) {
        response.write(`retry: 5\n\n${arrival(1)}${ready(1)}`);
        // cut without an end: the client sees the stream fail
        setTimeout(() => response.destroy(), 20);
      } else {
        response.write(arrival(2));
        open.push(response);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const stop = new AbortController();
    const handled: string[] = [];
    try {
      const port = (server.address() as AddressInfo).port;
      await subscribeInbox(`http://127.0.0.1:${port}`, 't', {
        signal: stop.signal,
        random: () => 0,
        onArrival: (event) => {
          handled.push(event.id);
          // abort while the second stream stays open: the subscription must still end
          if (event.id === '2') setTimeout(() => stop.abort(), 20);
        },
      });
    } finally {
      for (const response of open) response.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(handled).toEqual(['1', '2']);
    expect(seenIds).toEqual([undefined, '1']);
  });
});
