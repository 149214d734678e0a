import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { EnvelopeItem } from '../envelopes/envelope-item.mapper';
import { InboxStream, type Arrival, type ArrivalSource, type CloseReason } from './inbox-stream';

/** a ServerResponse stand-in: records what is written; `full` makes write() report a full buffer */
class FakeResponse extends EventEmitter {
  written: string[] = [];
  headers?: Record<string, string>;
  full = false;
  destroyed = false;
  writableEnded = false;
  headersSent = false;

  get writableNeedDrain(): boolean {
    return this.full;
  }

  writeHead(_status: number, headers: Record<string, string>): this {
    this.headers = headers;
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  write(chunk: string): boolean {
    this.written.push(chunk);
    return !this.full;
  }

  end(): void {
    this.writableEnded = true;
    this.emit('close');
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

/** an inbox of `count` arrivals numbered 1..count, whose count can grow */
class FakeInbox implements ArrivalSource {
  queries: number[] = [];
  constructor(public count: number) {}

  async arrivalsAfter(_office: string, afterSeq: number, take: number): Promise<Arrival[]> {
    this.queries.push(afterSeq);
    const arrivals: Arrival[] = [];
    for (let seq = afterSeq + 1; seq <= Math.min(this.count, afterSeq + take); seq += 1) {
      arrivals.push({ seq, item: { envelopeId: `env-${seq}` } as EnvelopeItem });
    }
    return arrivals;
  }

  async lastSeq(): Promise<number> {
    return this.count;
  }
}

/** moves the fake clock on, running the timers and the promise work they start */
const elapse = (ms: number): Promise<void> => jest.advanceTimersByTimeAsync(ms);

function streamOn(
  response: FakeResponse,
  inbox: FakeInbox,
  options: { after?: number; expiresInMs?: number; heartbeatMs?: number } = {},
) {
  const closed: CloseReason[] = [];
  const stream = new InboxStream({
    officeNumber: '1310000001',
    after: options.after,
    expiresAt: new Date(Date.now() + (options.expiresInMs ?? 60_000)),
    heartbeatMs: options.heartbeatMs ?? 60_000,
    retryMs: 5000,
    response: response as unknown as ServerResponse,
    source: inbox,
    now: () => Date.now(),
    onEvent: () => undefined,
    onClosed: (_stream, reason) => closed.push(reason),
    onError: () => undefined,
  });
  return { stream, closed };
}

const ids = (response: FakeResponse): string[] =>
  response.written.flatMap((chunk) => [...chunk.matchAll(/^id: (\d+)$/gm)].map((match) => match[1]));

describe(InboxStream.name, () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('replays in batches after the given id, then says ready at the last one', async () => {
    const response = new FakeResponse();
    const inbox = new FakeInbox(250);
    const { stream } = streamOn(response, inbox, { after: 20 });
    await stream.open();
    expect(response.headers?.['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.written[0]).toBe('retry: 5000\n\n');
    expect(ids(response)).toEqual([...Array.from({ length: 230 }, (_, index) => String(index + 21)), '250']);
    expect(inbox.queries).toEqual([20, 120, 220]);
    expect(response.written.at(-1)).toBe('event: ready\nid: 250\ndata: {}\n\n');
    stream.close('shutdown');
  });

  it('starts at the inbox end without an id, and pushes what a wake finds, skipping stale notices', async () => {
    const response = new FakeResponse();
    const inbox = new FakeInbox(7);
    const { stream } = streamOn(response, inbox);
    await stream.open();
    expect(ids(response)).toEqual(['7']);
    inbox.queries = [];
    stream.wake(7);
    expect(inbox.queries).toEqual([]);
    inbox.count = 9;
    stream.wake(9);
    await elapse(10);
    expect(ids(response)).toEqual(['7', '8', '9']);
    stream.close('shutdown');
  });

  it('closes at the token expiry with a close event', async () => {
    const response = new FakeResponse();
    const { stream, closed } = streamOn(response, new FakeInbox(0), { expiresInMs: 30 });
    await stream.open();
    await elapse(29);
    expect(closed).toEqual([]);
    await elapse(1);
    expect(closed).toEqual(['token-expired']);
    expect(response.written.at(-1)).toBe('event: close\ndata: {"reason":"token-expired"}\n\n');
    expect(response.writableEnded).toBe(true);
    expect(stream.isClosed).toBe(true);
  });

  it('drops a client that does not drain within two heartbeats instead of buffering', async () => {
    const response = new FakeResponse();
    const inbox = new FakeInbox(0);
    const { stream, closed } = streamOn(response, inbox, { heartbeatMs: 20 });
    await stream.open();
    response.full = true;
    inbox.count = 50;
    stream.wake(50);
    await elapse(80);
    expect(closed).toEqual(['slow-client']);
    expect(response.destroyed).toBe(true);
    // one frame went into the full buffer, nothing after it
    expect(ids(response)).toEqual(['0', '1']);
  });

  it('goes on once the client drains', async () => {
    const response = new FakeResponse();
    const inbox = new FakeInbox(0);
    const { stream, closed } = streamOn(response, inbox, { heartbeatMs: 50 });
    await stream.open();
    response.full = true;
    inbox.count = 3;
    stream.wake(3);
    await elapse(10);
    response.full = false;
    response.emit('drain');
    await elapse(10);
    expect(ids(response)).toEqual(['0', '1', '2', '3']);
    expect(closed).toEqual([]);
    stream.close('shutdown');
  });

  it('drops an idle client whose buffer stays full over two heartbeats', async () => {
    const response = new FakeResponse();
    const { stream, closed } = streamOn(response, new FakeInbox(0), { heartbeatMs: 15 });
    await stream.open();
    await elapse(25);
    expect(response.written.filter((chunk) => chunk === ': heartbeat\n\n').length).toBeGreaterThan(0);
    response.full = true;
    await elapse(60);
    expect(closed).toEqual(['slow-client']);
  });

  it('stops when the client goes away', async () => {
    const response = new FakeResponse();
    const { stream, closed } = streamOn(response, new FakeInbox(0));
    await stream.open();
    response.emit('close');
    expect(closed).toEqual(['client-gone']);
    expect(stream.isClosed).toBe(true);
  });
});
