// One open GET /v1/inbox/events connection. The database is the source of every event: a notice (or the
// connection opening) only wakes the stream, which then reads the office's arrivals numbered above the last one
// it wrote, so a replay and the live events can neither leave a gap nor repeat an id. Writes respect the
// socket: a client that stops reading is dropped once its buffer is full for too long, never buffered without
// bound.
import type { ServerResponse } from 'node:http';
import type { EnvelopeItem } from '../envelopes/envelope-item.mapper';
import { sseComment, sseEvent, sseRetry } from './sse-frame.util';

/** one numbered arrival of an office's inbox, as GET /v1/inbox lists it */
export interface Arrival {
  readonly seq: number;
  readonly item: EnvelopeItem;
}

export interface ArrivalSource {
  /** the office's arrivals numbered above `afterSeq`, in number order, at most `take` */
  arrivalsAfter(officeNumber: string, afterSeq: number, take: number): Promise<Arrival[]>;
  /** the office's highest number, 0 for an empty inbox */
  lastSeq(officeNumber: string): Promise<number>;
}

export type StreamEventName = 'arrival' | 'ready' | 'close';
export type CloseReason = 'token-expired' | 'shutdown' | 'slow-client' | 'client-gone' | 'failed';

export interface InboxStreamOptions {
  readonly officeNumber: string;
  /** the last id the client saw; undefined: only what arrives from now on */
  readonly after: number | undefined;
  /** the token's expiry: the stream is closed then (the client reconnects with a fresh token) */
  readonly expiresAt: Date;
  readonly heartbeatMs: number;
  /** the reconnection delay suggested to the client */
  readonly retryMs: number;
  readonly response: ServerResponse;
  readonly source: ArrivalSource;
  readonly now: () => number;
  readonly onEvent: (event: StreamEventName) => void;
  readonly onClosed: (stream: InboxStream, reason: CloseReason) => void;
  readonly onError: (error: unknown) => void;
}

/** arrivals read per query */
const BATCH = 100;

export class InboxStream {
  /** the id of the last arrival written (or the client's resumption point) */
  private lastSeq = 0;
  private started = false;
  private running = false;
  private dirty = false;
  private closed = false;
  private heartbeat?: NodeJS.Timeout;
  private expiry?: NodeJS.Timeout;
  /** heartbeats skipped in a row because the socket's buffer was still full */
  private stalledBeats = 0;

  constructor(private readonly options: InboxStreamOptions) {}

  get officeNumber(): string {
    return this.options.officeNumber;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Writes the headers, replays every arrival after the client's id, then `ready` (whose id is where the client
   * stands); from then on wake() pushes. The caller registers the stream for wakes BEFORE opening it, so an
   * arrival committed during the replay is read by the replay's loop or by the next one.
   */
  async open(): Promise<void> {
    const { response, officeNumber } = this.options;
    response.once('close', () => this.finish('client-gone'));
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies: pass each event on at once
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    response.write(sseRetry(this.options.retryMs));
    try {
      this.lastSeq = this.options.after ?? (await this.options.source.lastSeq(officeNumber));
    } catch (error) {
      this.options.onError(error);
      this.close('failed');
      return;
    }
    this.started = true;
    this.dirty = true;
    await this.pump();
    if (this.closed) return;
    await this.write(sseEvent({ event: 'ready', id: String(this.lastSeq), data: JSON.stringify({}) }));
    this.options.onEvent('ready');
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    const left = this.options.expiresAt.getTime() - this.options.now();
    // setTimeout holds at most 2^31-1 ms; tokens live minutes
    this.expiry = setTimeout(() => this.close('token-expired'), Math.min(Math.max(left, 0), 2 ** 31 - 1));
  }

  /** an arrival was announced for this office (`seq` when known): read and push what is new */
  wake(seq?: number): void {
    if (this.closed || (seq !== undefined && this.started && seq <= this.lastSeq)) return;
    this.dirty = true;
    if (this.started && !this.running) void this.pump();
  }

  /** tells the client why (a `close` event), ends the response */
  close(reason: CloseReason): void {
    if (this.closed) return;
    const { response } = this.options;
    // first, so the response's own 'close' (emitted by end or destroy) does not report another reason
    this.finish(reason);
    if (reason === 'slow-client') {
      response.destroy();
    } else if (!response.writableEnded && !response.destroyed) {
      if (response.headersSent) {
        response.write(sseEvent({ event: 'close', data: JSON.stringify({ reason }) }));
        this.options.onEvent('close');
      }
      response.end();
    }
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.expiry);
    this.options.onClosed(this, reason);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        for (;;) {
          const batch = await this.options.source.arrivalsAfter(this.officeNumber, this.lastSeq, BATCH);
          for (const arrival of batch) {
            if (this.closed) return;
            await this.write(
              sseEvent({ event: 'arrival', id: String(arrival.seq), data: JSON.stringify(arrival.item) }),
            );
            this.lastSeq = arrival.seq;
            this.options.onEvent('arrival');
          }
          if (batch.length < BATCH) break;
        }
      }
    } catch (error) {
      this.options.onError(error);
      this.close('failed');
    } finally {
      this.running = false;
    }
  }

  // waits for the socket to drain when its buffer is full; a client that does not read within two heartbeats
  // is dropped (it reconnects and resumes from its last id)
  private async write(frame: string): Promise<void> {
    const { response } = this.options;
    if (this.closed || response.write(frame)) return;
    const drained = await new Promise<boolean>((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        response.off('drain', onDrain);
        response.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      const timer = setTimeout(() => done(false), this.options.heartbeatMs * 2);
      response.on('drain', onDrain);
      response.on('close', onClose);
    });
    if (!drained) this.close('slow-client');
  }

  private beat(): void {
    const { response } = this.options;
    if (this.closed) return;
    if (response.writableNeedDrain) {
      this.stalledBeats += 1;
      if (this.stalledBeats >= 2) this.close('slow-client');
      return;
    }
    this.stalledBeats = 0;
    response.write(sseComment('heartbeat'));
  }
}
