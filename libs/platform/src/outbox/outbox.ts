// Writes events in the CALLER's transaction, so an event exists if and only if the state change committed.
// The relay publishes them afterwards; pg_notify wakes it when the transaction commits (never before).
import type { EntityManager } from 'typeorm';
import { quoteSchema } from '../database/service-data-source';
import type { MessageHeaders } from '../messaging/event-bus';
import { currentCorrelationId } from '../logging/correlation';
import { EventHeaders } from './event-headers';
import { outboxChannelOf } from './outbox.tables';

export interface OutboxEventInput {
  readonly topic: string;
  /** Kafka key: the aggregate id */
  readonly key: string;
  readonly value: Uint8Array;
  /** uuid; consumers de-duplicate on it */
  readonly eventId: string;
  /** fully qualified message type, e.g. `renkei.platform.v1.ProbeRecorded` */
  readonly type: string;
  readonly correlationId?: string;
  /** the producing service */
  readonly producer: string;
  /** defaults to now */
  readonly occurredAt?: Date;
}

// 5 parameters a row, well under PostgreSQL's 65,535 per statement
const ROWS_PER_INSERT = 1000;

export class Outbox {
  private readonly table: string;
  private readonly channel: string;

  constructor(readonly schema: string) {
    this.table = `${quoteSchema(schema)}."outbox_event"`;
    this.channel = outboxChannelOf(schema);
  }

  /** Adds events inside the transaction `manager` belongs to (throws when there is none). */
  async add(manager: EntityManager, events: readonly OutboxEventInput[]): Promise<void> {
    if (events.length === 0) return;
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(
        'Outbox.add needs the caller transaction: call it with the EntityManager of dataSource.transaction()',
      );
    }
    for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
      const chunk = events.slice(start, start + ROWS_PER_INSERT);
      const params: unknown[] = [];
      const rows = chunk.map((event) => {
        const at = params.length;
        params.push(
          event.eventId,
          event.topic,
          event.key,
          Buffer.from(event.value.buffer, event.value.byteOffset, event.value.byteLength),
          headersOf(event),
        );
        return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::jsonb)`;
      });
      await manager.query(
        `INSERT INTO ${this.table} ("event_id", "topic", "message_key", "payload", "headers") VALUES ${rows.join(', ')}`,
        params,
      );
    }
    await manager.query('SELECT pg_notify($1, $2)', [this.channel, '']);
  }
}

export function headersOf(event: OutboxEventInput): string {
  // an event inherits the correlation id of the request or event being handled when it was written
  const correlationId = event.correlationId ?? currentCorrelationId();
  const headers: MessageHeaders = {
    [EventHeaders.eventId]: event.eventId,
    [EventHeaders.eventType]: event.type,
    [EventHeaders.producer]: event.producer,
    [EventHeaders.occurredAt]: (event.occurredAt ?? new Date()).toISOString(),
    ...(correlationId ? { [EventHeaders.correlationId]: correlationId } : {}),
  };
  return JSON.stringify(headers);
}
