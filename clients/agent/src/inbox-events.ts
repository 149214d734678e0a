// The agent's side of delivery's push (docs/exchange.md, Push (SSE)): GET /v1/inbox/events read as
// server-sent events, each arrival handed to the caller (who fetches the envelope at once), reconnecting with
// backoff and Last-Event-ID so nothing is missed across drops, token expiry or a platform restart. Polling the
// inbox stays the fallback: a caller whose subscription fails (or never connects) polls.
// No dependency: the SSE parser below follows the WHATWG "Server-sent events" interpretation rules.

/** One dispatched server-sent event. */
export interface SseMessage {
  /** `message` when the event named none */
  readonly event: string;
  readonly data: string;
  /** the last event id after this event (the stream's, as the client keeps it) */
  readonly lastEventId: string;
}

/**
 * Incremental SSE parser: feed it decoded text in any chunking; it returns the events completed so far.
 * `retry` holds the last reconnection delay the server asked for. Lines may end in CRLF, LF or CR.
 */
export class SseParser {
  retry: number | undefined;
  private buffer = '';
  private started = false;
  private lastEventId = '';
  private eventType = '';
  private data: string[] = [];

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
  }

  push(chunk: string): SseMessage[] {
    let text = this.buffer + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    const messages: SseMessage[] = [];
    let start = 0;
    for (let index = 0; index < text.length; index += 1) {
      const char = text[index];
      if (char !== '\n' && char !== '\r') continue;
      // a CR at the end of the chunk may be the first half of a CRLF: wait for the next chunk
      if (char === '\r' && index === text.length - 1) break;
      const message = this.line(text.slice(start, index));
      if (message) messages.push(message);
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      start = index + 1;
    }
    this.buffer = text.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const { eventType, data } = this;
    this.eventType = '';
    this.data = [];
    if (data.length === 0) return undefined;
    return { event: eventType || 'message', data: data.join('\n'), lastEventId: this.lastEventId };
  }
}

/** An arrival in the office's inbox: the item GET /v1/inbox lists, under its event id (the inbox number). */
export interface InboxArrival {
  readonly id: string;
  readonly item: {
    readonly envelopeId: string;
    readonly sender: { readonly officeNumber: string; readonly serviceType: string };
    readonly kind: string;
    readonly targetMonth: string;
    readonly fileSequence: string;
    readonly [field: string]: unknown;
  };
}

/** the subscription cannot go on: a refusal that retrying does not cure (e.g. 403 LICENCE_NOT_LIVE) */
export class InboxSubscriptionError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'InboxSubscriptionError';
  }
}

export interface SubscribeInboxOptions {
  /** the last event id the agent handled (kept across restarts); absent: only arrivals from now on */
  readonly after?: string;
  /** an arrival: fetch it. The id counts as handled once this resolves; a rejection reconnects from before it */
  readonly onArrival: (arrival: InboxArrival) => void | Promise<void>;
  /** the stream is connected and has replayed what was missed; `lastEventId` is where it stands */
  readonly onReady?: (lastEventId: string) => void;
  /** a connection ended or failed; the subscription reconnects after `delayMs` */
  readonly onDisconnect?: (reason: string, delayMs: number) => void;
  /** stops the subscription (the returned promise then resolves) */
  readonly signal: AbortSignal;
  readonly fetch?: typeof fetch;
  /** first reconnection delay (default: the server's `retry:`, else 1 s); doubled per failure up to maxDelayMs */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly random?: () => number;
}

export type TokenSource = string | (() => Promise<string>);

const DEFAULT_INITIAL_DELAY_MS = 1000;
const DEFAULT_MAX_DELAY_MS = 60_000;

/**
 * Follows the office's inbox events until `signal` aborts (resolves) or the platform refuses the subscription
 * for good (rejects with InboxSubscriptionError: 400, 403, 404). `token` is called for every connection when
 * a function, so a stream closed at its token's expiry reconnects with a fresh one; a 401 asks for a new token
 * once before backing off.
 */
export async function subscribeInbox(
  platform: string | { readonly delivery: string },
  token: TokenSource,
  options: SubscribeInboxOptions,
): Promise<void> {
  const base = (typeof platform === 'string' ? platform : platform.delivery).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const maxDelay = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  let lastEventId = options.after ?? '';
  let serverRetry: number | undefined;
  let failures = 0;

  const nextDelay = (): number => {
    const initial = options.initialDelayMs ?? serverRetry ?? DEFAULT_INITIAL_DELAY_MS;
    const ceiling = Math.min(maxDelay, initial * 2 ** Math.min(failures, 16));
    failures += 1;
    // full jitter on the upper half: replicas restarting do not see every agent at once
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  while (!options.signal.aborted) {
    let reason: string;
    let immediate = false;
    try {
      const bearer = typeof token === 'string' ? token : await token();
      const outcome = await connectOnce(doFetch, `${base}/v1/inbox/events`, bearer, lastEventId, options, {
        onId: (id) => {
          lastEventId = id;
        },
        onRetry: (ms) => {
          serverRetry = ms;
        },
        onReady: () => {
          failures = 0;
        },
      });
      reason = outcome.reason;
      // the platform closed the stream at the token's expiry: a fresh token at once
      immediate = outcome.reason === 'token-expired' && typeof token !== 'string';
      if (outcome.reason === 'unauthorized' && typeof token === 'string') {
        throw new InboxSubscriptionError(401, outcome.code, 'the token was refused');
      }
    } catch (error) {
      if (error instanceof InboxSubscriptionError) throw error;
      if (options.signal.aborted) break;
      reason = error instanceof Error ? error.message : String(error);
    }
    if (options.signal.aborted) break;
    const delay = immediate ? 0 : nextDelay();
    options.onDisconnect?.(reason, delay);
    await sleep(delay, options.signal);
  }
}

interface ConnectionHooks {
  onId(id: string): void;
  onRetry(ms: number): void;
  onReady(): void;
}

interface ConnectionOutcome {
  /** why it ended: the server's close reason, `ended`, `unauthorized`, `status <n>` */
  readonly reason: string;
  readonly code?: string;
}

const PERMANENT = new Set([400, 403, 404]);

async function connectOnce(
  doFetch: typeof fetch,
  url: string,
  bearer: string,
  lastEventId: string,
  options: SubscribeInboxOptions,
  hooks: ConnectionHooks,
): Promise<ConnectionOutcome> {
  const abort = new AbortController();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // aborting the request errors a real body; cancelling the reader also ends a read on any other stream
  const stop = (): void => {
    abort.abort();
    void reader?.cancel().catch(() => undefined);
  };
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    const headers: Record<string, string> = {
      authorization: `Bearer ${bearer}`,
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
    };
    if (lastEventId !== '') headers['last-event-id'] = lastEventId;
    const response = await doFetch(url, { headers, signal: abort.signal });
    if (response.status !== 200 || !response.body) {
      const code = await errorCodeOf(response);
      if (response.status === 401) return { reason: 'unauthorized', code };
      if (PERMANENT.has(response.status)) {
        throw new InboxSubscriptionError(
          response.status,
          code,
          `the platform refused the inbox events stream (${response.status}${code ? ` ${code}` : ''})`,
        );
      }
      return { reason: `status ${response.status}${code ? ` ${code}` : ''}`, code };
    }
    const parser = new SseParser(lastEventId);
    const decoder = new TextDecoder();
    reader = response.body.getReader();
    if (options.signal.aborted) return { reason: 'aborted' };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { reason: 'ended' };
      const messages = parser.push(decoder.decode(value, { stream: true }));
      if (parser.retry !== undefined) hooks.onRetry(parser.retry);
      for (const message of messages) {
        const closed = await handle(message, options, hooks);
        if (closed) {
          await reader.cancel().catch(() => undefined);
          return { reason: closed };
        }
      }
    }
  } finally {
    options.signal.removeEventListener('abort', stop);
    abort.abort();
    void reader?.cancel().catch(() => undefined);
  }
}

/** handles one event; the server's close reason when it closes the stream */
async function handle(
  message: SseMessage,
  options: SubscribeInboxOptions,
  hooks: ConnectionHooks,
): Promise<string | undefined> {
  switch (message.event) {
    case 'arrival': {
      const item = JSON.parse(message.data) as InboxArrival['item'];
      // a rejection propagates: the connection ends and the next one resumes before this arrival
      await options.onArrival({ id: message.lastEventId, item });
      hooks.onId(message.lastEventId);
      return undefined;
    }
    case 'ready':
      hooks.onId(message.lastEventId);
      hooks.onReady();
      options.onReady?.(message.lastEventId);
      return undefined;
    case 'close': {
      const body = JSON.parse(message.data) as { reason?: unknown };
      return typeof body.reason === 'string' ? body.reason : 'closed';
    }
    default:
      return undefined;
  }
}

async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
