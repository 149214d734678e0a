// Publishes a schema's outbox through the EventBus, in id order, in batches: lock a batch, publish it,
// mark it published, commit. A crash between publish and commit publishes the batch again (consumers'
// inboxes absorb it). One relay at a time per schema holds the publishing lock, so replicas never publish
// concurrently and a key's events leave in the order they were written. LISTEN/NOTIFY wakes the relay on
// commit; a poll covers lost notifications and a dropped LISTEN connection.
import { Registry, type Counter, type Gauge, type Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import { PgNotificationListener } from '../database/pg-notification-listener';
import { quoteSchema } from '../database/service-data-source';
import type { EventBus, MessageHeaders, OutgoingMessage } from '../messaging/event-bus';
import { counterOn, gaugeOn, histogramOn } from '../messaging/metric.util';
import { stderrLogger, type PlatformLogger } from '../messaging/platform-logger';
import { outboxChannelOf } from './outbox.tables';
import { WakeSignal } from './wake-signal';

export interface OutboxRelayOptions {
  readonly dataSource: DataSource;
  readonly schema: string;
  readonly bus: EventBus;
  /** rows per publish (default 500) */
  readonly batchSize?: number;
  /** fallback poll when no notification arrives (default 1 s) */
  readonly pollIntervalMs?: number;
  /** published rows older than this are deleted (default 7 days) */
  readonly retentionMs?: number;
  /** how often the cleanup runs (default 1 h) */
  readonly cleanupIntervalMs?: number;
  readonly registry?: Registry;
  readonly logger?: PlatformLogger;
}

interface OutboxRow {
  readonly id: string;
  readonly topic: string;
  readonly message_key: string;
  readonly payload: Buffer;
  readonly headers: MessageHeaders;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class OutboxRelay {
  private readonly table: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly cleanupIntervalMs: number;
  private readonly logger: PlatformLogger;
  private readonly backlog: Gauge<'schema'>;
  private readonly published: Counter<'schema'>;
  private readonly lag: Histogram<'schema'>;
  private running = false;
  private loop?: Promise<void>;
  // a notification that arrives while a pass is running is remembered, never lost
  private readonly wakeSignal = new WakeSignal();
  private readonly listener: PgNotificationListener;
  private lastCleanup = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.table = `${quoteSchema(options.schema)}."outbox_event"`;
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retentionMs = options.retentionMs ?? 7 * DAY_MS;
    this.cleanupIntervalMs = options.cleanupIntervalMs ?? 60 * 60 * 1000;
    this.logger = options.logger ?? stderrLogger;
    const registry = options.registry ?? new Registry();
    this.backlog = gaugeOn(registry, 'renkei_outbox_backlog', 'Outbox rows not yet published.', ['schema']);
    this.published = counterOn(registry, 'renkei_outbox_published_total', 'Outbox rows published.', [
      'schema',
    ]);
    this.lag = histogramOn(
      registry,
      'renkei_outbox_relay_lag_seconds',
      'Time from an outbox row being written to it being published.',
      ['schema'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    this.listener = new PgNotificationListener({
      dataSource: options.dataSource,
      channel: outboxChannelOf(options.schema),
      label: 'Outbox',
      schema: options.schema,
      logger: this.logger,
      onNotification: () => this.wakeSignal.wake(),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.lastCleanup = Date.now();
    await this.listener.listen();
    this.loop = this.run();
  }

  /** Finishes the batch in progress, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeSignal.wake();
    await this.loop;
    this.loop = undefined;
    await this.listener.unlisten();
  }

  /** Publishes every unpublished row now; returns how many this relay published. */
  async drainOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const { count, locked } = await this.publishBatch();
      total += count;
      if (!locked) {
        // another relay publishes this schema; only a count tells how far behind it is
        await this.refreshBacklog();
        return total;
      }
      if (count < this.batchSize) break;
    }
    // a short batch under the lock means no committed row is left unpublished: no count(*) needed
    this.backlog.set({ schema: this.options.schema }, 0);
    return total;
  }

  /** Deletes published rows older than the retention; returns how many. */
  async cleanup(): Promise<number> {
    let deleted = 0;
    for (;;) {
      // relies on outbox_event_published_at_idx
      const [, count] = (await this.options.dataSource.query(
        `DELETE FROM ${this.table} WHERE "id" IN (
           SELECT "id" FROM ${this.table} WHERE "published_at" < now() - $1::interval LIMIT 10000)`,
        [`${this.retentionMs} milliseconds`],
      )) as [unknown, number];
      deleted += count;
      if (count < 10_000) return deleted;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.drainOnce();
        if (Date.now() - this.lastCleanup >= this.cleanupIntervalMs) {
          this.lastCleanup = Date.now();
          const deleted = await this.cleanup();
          if (deleted > 0)
            this.logger.info({ schema: this.options.schema, deleted }, 'Old published outbox rows deleted.');
        }
        if (!this.listener.listening) await this.listener.listen();
      } catch (error) {
        this.logger.warn(
          { schema: this.options.schema, err: String(error) },
          'Outbox relay pass failed; will retry.',
        );
      }
      if (published === 0 && this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return this.wakeSignal.wait(this.pollIntervalMs);
  }

  // the number of rows published, and whether this relay held the publishing lock
  private async publishBatch(): Promise<{ count: number; locked: boolean }> {
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS "locked"', [
        `renkei.outbox.${this.options.schema}`,
      ])) as [{ locked: boolean }];
      if (!locked) {
        await runner.rollbackTransaction();
        return { count: 0, locked };
      }
      // relies on outbox_event_unpublished_idx
      const rows = (await runner.query(
        `SELECT "id", "topic", "message_key", "payload", "headers" FROM ${this.table}
          WHERE "published_at" IS NULL ORDER BY "id" LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      )) as OutboxRow[];
      if (rows.length === 0) {
        await runner.rollbackTransaction();
        return { count: 0, locked };
      }
      const messages: OutgoingMessage[] = rows.map((row) => ({
        topic: row.topic,
        key: row.message_key,
        value: row.payload,
        headers: row.headers,
      }));
      await this.options.bus.publish(messages);
      const [marked] = (await runner.query(
        `UPDATE ${this.table} SET "published_at" = clock_timestamp() WHERE "id" = ANY($1::bigint[])
          RETURNING EXTRACT(EPOCH FROM ("published_at" - "created_at"))::float8 AS "lag"`,
        [rows.map((row) => row.id)],
      )) as [{ lag: number }[], number];
      await runner.commitTransaction();
      for (const { lag } of marked) this.lag.observe({ schema: this.options.schema }, Math.max(0, lag));
      this.published.inc({ schema: this.options.schema }, rows.length);
      return { count: rows.length, locked };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async refreshBacklog(): Promise<void> {
    // relies on outbox_event_unpublished_idx (partial: only unpublished rows)
    const [{ count }] = (await this.options.dataSource.query(
      `SELECT count(*)::int AS "count" FROM ${this.table} WHERE "published_at" IS NULL`,
    )) as [{ count: number }];
    this.backlog.set({ schema: this.options.schema }, count);
  }
}
