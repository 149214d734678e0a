// Every GET /v1/inbox/events stream this process holds, by office, and the LISTEN on the inbox channel that
// wakes them: the consumer that files an envelope runs on one replica, the office's agent may be connected to
// another, so each replica listens and wakes its own streams of the notified office. A LISTEN connection that
// drops is taken again (every LISTEN_RETRY_MS) and then wakes every stream, which reads what it missed from the
// database. Limits per office and per process; shutdown closes every stream.
import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  MetricsRegistry,
  PINO_LOGGER,
  PgNotificationListener,
  PlatformConfig,
  SERVICE_DEFINITION,
  type AuthPrincipal,
  type Logger as PinoLogger,
  type ServiceDefinition,
} from '@renkei/platform';
import type { ServerResponse } from 'node:http';
import type { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { DeliveryError, DeliveryErrorCode } from '../envelopes/envelopes.errors';
import { InboxArrivals } from './inbox-arrivals';
import { inboxChannelOf, parseInboxNotice } from './inbox-channel';
import { InboxStream, type CloseReason, type StreamEventName } from './inbox-stream';

/** the reconnection delay suggested to clients (`retry:`) */
export const INBOX_EVENTS_RETRY_MS = 5000;
const LISTEN_RETRY_MS = 2000;

@Injectable()
export class InboxEventsHub implements OnModuleInit, BeforeApplicationShutdown {
  private readonly streams = new Map<string, Set<InboxStream>>();
  private count = 0;
  private shuttingDown = false;
  private relisten?: NodeJS.Timeout;
  private readonly listener: PgNotificationListener;
  private readonly logger: PinoLogger;
  private readonly connected: Gauge;
  private readonly events: Counter<'event'>;
  private readonly refused: Counter<'code'>;
  private readonly closed: Counter<'reason'>;

  constructor(
    @Inject(SERVICE_DEFINITION) definition: ServiceDefinition,
    @Inject(DataSource) dataSource: DataSource,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
    @Inject(InboxArrivals) private readonly arrivals: InboxArrivals,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
    @Inject(PINO_LOGGER) logger: PinoLogger,
  ) {
    this.logger = logger.child({ component: 'inbox-events', schema: definition.schema });
    this.listener = new PgNotificationListener({
      dataSource,
      channel: inboxChannelOf(definition.schema),
      label: 'Inbox events',
      schema: definition.schema,
      logger: this.logger,
      onNotification: (payload) => this.notified(payload),
      // whatever was filed while no connection listened
      onListening: () => this.wakeAll(),
    });
    this.connected = metrics.gauge(
      'renkei_delivery_inbox_streams',
      'Open GET /v1/inbox/events streams on this process',
    );
    this.events = metrics.counter(
      'renkei_delivery_inbox_events_total',
      'Events written on GET /v1/inbox/events streams, by event (arrival, ready, close)',
      ['event'],
    );
    this.refused = metrics.counter(
      'renkei_delivery_inbox_streams_refused_total',
      'GET /v1/inbox/events streams refused for a limit, by code',
      ['code'],
    );
    this.closed = metrics.counter(
      'renkei_delivery_inbox_streams_closed_total',
      'GET /v1/inbox/events streams closed, by reason',
      ['reason'],
    );
  }

  async onModuleInit(): Promise<void> {
    await this.listener.listen();
    this.relisten = setInterval(() => {
      if (!this.listener.listening && !this.shuttingDown) void this.listener.listen();
    }, LISTEN_RETRY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.relisten);
    for (const stream of this.all()) stream.close('shutdown');
    await this.listener.unlisten();
  }

  /** the streams open for an office on this process */
  openFor(officeNumber: string): number {
    return this.streams.get(officeNumber)?.size ?? 0;
  }

  /**
   * Opens a stream for the principal's office on `response` (the licence gate and the request's checks have
   * passed), or refuses it for a limit before anything is written.
   */
  async open(principal: AuthPrincipal, after: number | undefined, response: ServerResponse): Promise<void> {
    const office = principal.officeNumber;
    const { maxStreams, maxStreamsPerOffice, heartbeatMs } = this.config.inboxEvents;
    if (this.shuttingDown || this.count >= maxStreams) {
      this.refuse(DeliveryErrorCode.INBOX_STREAMS_UNAVAILABLE, 'no more inbox event streams on this process');
    }
    if (this.openFor(office) >= maxStreamsPerOffice) {
      this.refuse(
        DeliveryErrorCode.INBOX_STREAMS_EXCEEDED,
        `the office already holds ${maxStreamsPerOffice} inbox event streams`,
      );
    }
    const stream = new InboxStream({
      officeNumber: office,
      after,
      expiresAt: principal.expiresAt,
      heartbeatMs,
      retryMs: INBOX_EVENTS_RETRY_MS,
      response,
      source: this.arrivals,
      now: () => Date.now(),
      onEvent: (event: StreamEventName) => this.events.inc({ event }),
      onClosed: (closed, reason) => this.remove(closed, reason),
      onError: (error) => this.logger.warn({ err: String(error) }, 'Inbox event stream failed; closing it.'),
    });
    // registered first: a notice during the replay wakes it (the replay reads the database after this)
    let set = this.streams.get(office);
    if (!set) {
      set = new Set();
      this.streams.set(office, set);
    }
    set.add(stream);
    this.count += 1;
    this.connected.set(this.count);
    try {
      await stream.open();
    } catch (error) {
      // headers may be out already: no error answer, only an end (the client reconnects)
      this.logger.warn({ err: String(error) }, 'Inbox event stream failed to open; closing it.');
      stream.close('failed');
    }
  }

  private refuse(code: DeliveryErrorCode, message: string): never {
    this.refused.inc({ code });
    throw new DeliveryError(code, message);
  }

  private remove(stream: InboxStream, reason: CloseReason): void {
    const set = this.streams.get(stream.officeNumber);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.streams.delete(stream.officeNumber);
    this.count -= 1;
    this.connected.set(this.count);
    this.closed.inc({ reason });
  }

  private notified(payload: string): void {
    const notice = parseInboxNotice(payload);
    if (!notice) {
      // not written by this code: wake every stream rather than miss one
      this.logger.warn({}, 'Unexpected inbox notification payload; waking every stream.');
      this.wakeAll();
      return;
    }
    for (const stream of this.streams.get(notice.officeNumber) ?? []) stream.wake(notice.seq);
  }

  private wakeAll(): void {
    for (const stream of this.all()) stream.wake();
  }

  private all(): InboxStream[] {
    return [...this.streams.values()].flatMap((set) => [...set]);
  }
}
