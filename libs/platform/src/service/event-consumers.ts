// Idempotent consumers for a service: each registered consumer decodes its topic's messages and applies them
// through the service's Inbox, so the effect and the event id commit in one transaction (a redelivery is a
// no-op). Services register in onModuleInit; subscriptions start once the application has bootstrapped and
// stop before shutdown, after the HTTP server stopped taking requests.
import type { EntityManager } from 'typeorm';
import { eventIdOf } from '../outbox/event-headers';
import type { Inbox } from '../outbox/inbox';
import {
  EventBus,
  PermanentMessageError,
  type IncomingMessage,
  type RetryPolicy,
  type Subscription,
} from '../messaging/event-bus';

export interface EventConsumer<T> {
  /** consumer group `<service>.<purpose>`, as the topic registry lists it; never renamed */
  readonly groupId: string;
  readonly topic: string;
  /** bytes → event; a throw sends the message to `<topic>.dlq` with reason `undecodable` */
  readonly decode: (value: Uint8Array) => T;
  /** the effect, on the inbox transaction's manager */
  readonly apply: (event: T, manager: EntityManager, message: IncomingMessage) => Promise<void>;
  readonly retry?: Partial<RetryPolicy>;
}

export class EventConsumers {
  private readonly consumers: EventConsumer<unknown>[] = [];
  private readonly subscriptions: Subscription[] = [];
  private started = false;

  constructor(
    private readonly bus: EventBus,
    private readonly inbox: Inbox,
  ) {}

  register<T>(consumer: EventConsumer<T>): void {
    if (this.started)
      throw new Error(`consumer ${consumer.groupId} registered after start: use onModuleInit`);
    this.consumers.push(consumer as EventConsumer<unknown>);
  }

  get registered(): readonly string[] {
    return this.consumers.map((consumer) => consumer.groupId);
  }

  async start(): Promise<void> {
    this.started = true;
    for (const consumer of this.consumers) {
      this.subscriptions.push(
        await this.bus.subscribe({
          groupId: consumer.groupId,
          topics: [consumer.topic],
          retry: consumer.retry,
          handler: (message) => this.handle(consumer, message),
        }),
      );
    }
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
  }

  private async handle(consumer: EventConsumer<unknown>, message: IncomingMessage): Promise<void> {
    const eventId = eventIdOf(message);
    let event: unknown;
    try {
      event = consumer.decode(message.value);
    } catch (error) {
      throw new PermanentMessageError('undecodable', `${consumer.topic}: ${String(error)}`);
    }
    await this.inbox.process(consumer.groupId, eventId, (manager) => consumer.apply(event, manager, message));
  }
}
