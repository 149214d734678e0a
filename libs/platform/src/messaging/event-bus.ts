// The event bus port: one interface, two adapters (Kafka for the cluster, in-process for standalone).
// Handler code is the same on both; the adapter owns retries, backoff, DLQ and offset commits.

export type MessageHeaders = Record<string, string>;

export interface OutgoingMessage {
  readonly topic: string;
  /** partition key: the aggregate id (for example the recipient office number) */
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers?: MessageHeaders;
}

export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  /** decimal string, as Kafka reports it; the in-process adapter counts from 0 per topic */
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: MessageHeaders;
  /** 1 on first delivery to this handler, incremented on each in-process retry */
  readonly attempt: number;
}

export type MessageHandler = (message: IncomingMessage) => Promise<void>;

export interface RetryPolicy {
  /** attempts before the message goes to `<topic>.dlq` with reason `retries-exhausted` */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export interface SubscriptionSpec {
  /** consumer group, `<service>.<purpose>`; never renamed */
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: MessageHandler;
  readonly retry?: Partial<RetryPolicy>;
}

export interface Subscription {
  stop(): Promise<void>;
}

/** Envelope headers every event carries on the bus (STYLE §6): set by the outbox, read by consumers. */
export const EventHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  correlationId: 'correlation-id',
  producer: 'producer',
  occurredAt: 'occurred-at',
} as const;

/** Header names the bus itself sets on DLQ records. */
export const DlqHeaders = {
  reason: 'x-dlq-reason',
  error: 'x-dlq-error',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  groupId: 'x-dlq-group-id',
  attempts: 'x-dlq-attempts',
} as const;

export const dlqTopicOf = (topic: string): string => `${topic}.dlq`;

/**
 * Thrown by a handler for a message that can never succeed (undecodable, or a business rule rejection):
 * the bus sends it to `<topic>.dlq` at once, with `reason` in the `x-dlq-reason` header, and moves on.
 * Any other error is treated as transient and retried with backoff.
 */
export class PermanentMessageError extends Error {
  constructor(
    readonly reason: string,
    message?: string,
  ) {
    super(message ?? reason);
    this.name = 'PermanentMessageError';
  }
}

/** Nest injection token and port. */
export abstract class EventBus {
  /** resolves once every message is durably accepted (Kafka: acks=all, idempotent producer) */
  abstract publish(messages: readonly OutgoingMessage[]): Promise<void>;
  /**
   * Starts consuming. A message's offset is committed only after its handler resolved (or after it was
   * written to the DLQ), so an effect that is durable when the handler resolves is never lost.
   */
  abstract subscribe(spec: SubscriptionSpec): Promise<Subscription>;
  /** readiness probe: throws when the bus cannot be reached */
  abstract check(): Promise<void>;
  abstract close(): Promise<void>;
}
