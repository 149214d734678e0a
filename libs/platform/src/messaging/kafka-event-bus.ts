// The cluster adapter on kafkajs. One idempotent producer (acks=all) per bus; one consumer per subscription,
// consumer group = spec.groupId, offsets committed by hand: a message's offset only after its handler
// resolved or after it was written to `<topic>.dlq`. A failed DLQ write commits nothing, so the message
// comes back. `topicPrefix` isolates tests: every topic name and consumer group is prefixed on the wire,
// handlers and metrics see the un-prefixed names (two runs never share a group, whose members must all
// subscribe to the same topics).
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { Registry } from 'prom-client';
import {
  EventBus,
  dlqTopicOf,
  type IncomingMessage,
  type MessageHeaders,
  type OutgoingMessage,
  type RetryPolicy,
  type Subscription,
  type SubscriptionSpec,
} from './event-bus';
import {
  abortableDelay,
  deliverAndRecord,
  dlqHeadersFor,
  resolveRetryPolicy,
  type DeliveryOutcome,
} from './message-delivery';
import { MessagingMetrics } from './messaging.metrics';
import { stderrLogger, type PlatformLogger } from './platform-logger';

export interface KafkaEventBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** prepended to every topic name on the wire (test isolation); handlers and metrics never see it */
  readonly topicPrefix?: string;
  readonly registry?: Registry;
  readonly logger?: PlatformLogger;
  /** defaults for every subscription; a subscription's own `retry` wins */
  readonly retry?: Partial<RetryPolicy>;
  /** partitions of one subscription handled concurrently, each still one message at a time (default 3) */
  readonly partitionsConsumedConcurrently?: number;
  /** how often consumer lag and DLQ depth are computed from the broker; 0 turns it off (default 15 s) */
  readonly metricsIntervalMs?: number;
  /** `check()` fails after this long (default 3 s) */
  readonly checkTimeoutMs?: number;
  /** consumer session timeout (default 30 s) */
  readonly sessionTimeoutMs?: number;
  /** longest an idle fetch waits on the broker (default 1000 ms); bounds stop() and rebalance latency */
  readonly fetchMaxWaitMs?: number;
  /** subscribe() waits this long for the first group join (default 30 s) */
  readonly joinTimeoutMs?: number;
}

const HEARTBEAT_EVERY_MS = 3000;
// offsets are committed at the end of each fetched batch and every this many messages within one; a crash
// redelivers at most this many already-handled messages per partition, which the consumers' inboxes absorb
const COMMIT_EVERY_MESSAGES = 50;

export class KafkaEventBus extends EventBus {
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private readonly metrics: MessagingMetrics;
  private readonly logger: PlatformLogger;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private producer?: { readonly client: Producer; readonly ready: Promise<Producer> };
  private admin?: { readonly client: Admin; readonly ready: Promise<Admin> };
  private metricsTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: KafkaEventBusOptions) {
    super();
    this.prefix = options.topicPrefix ?? '';
    this.metrics = new MessagingMetrics(options.registry ?? new Registry());
    this.logger = options.logger ?? stderrLogger;
    resolveRetryPolicy(options.retry);
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: KafkaLogLevel.WARN,
      logCreator: () => (entry) => this.logKafka(entry),
    });
  }

  override async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (this.closed) throw new Error('KafkaEventBus is closed');
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(message);
      byTopic.set(message.topic, list);
    }
    const producer = await this.producerReady();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: this.wire(topic),
        messages: list.map((message) => ({
          key: message.key,
          value: Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength),
          headers: { ...message.headers },
        })),
      })),
    });
    for (const [topic, list] of byTopic) this.metrics.published.inc({ topic }, list.length);
  }

  override async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    if (this.closed) throw new Error('KafkaEventBus is closed');
    if (spec.topics.length === 0) throw new Error('a subscription needs at least one topic');
    const consumer = this.kafka.consumer({
      groupId: `${this.prefix}${spec.groupId}`,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
      // a fetch returns as soon as data arrives; this bounds how long an idle fetch holds up stop() and rebalances
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 1000,
    });
    const subscription = new KafkaSubscription(
      this,
      consumer,
      spec,
      resolveRetryPolicy(this.options.retry, spec.retry),
    );
    const joined = new Promise<void>((resolve) => {
      const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await consumer.connect();
    try {
      // a new group reads from the earliest retained message, so events published before its first deploy are not missed
      await consumer.subscribe({ topics: spec.topics.map((topic) => this.wire(topic)), fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) => subscription.processBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    const joinTimeoutMs = this.options.joinTimeoutMs ?? 30_000;
    if (
      !(await withTimeout(joined, joinTimeoutMs).then(
        () => true,
        () => false,
      ))
    ) {
      this.logger.warn(
        { group: spec.groupId, joinTimeoutMs },
        'Consumer has not joined its group yet; continuing.',
      );
    }
    this.subscriptions.add(subscription);
    this.startMetricsTimer();
    return { stop: () => subscription.stop() };
  }

  override async check(): Promise<void> {
    const timeoutMs = this.options.checkTimeoutMs ?? 3000;
    await withTimeout(
      this.adminReady().then((admin) => admin.describeCluster()),
      timeoutMs,
    );
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    // disconnect() also abandons a connect still retrying against an unreachable broker
    await Promise.all([
      producer?.client.disconnect().catch(() => undefined),
      admin?.client.disconnect().catch(() => undefined),
    ]);
  }

  /** computes consumer lag and DLQ depth now (the bus also does it every `metricsIntervalMs`) */
  async refreshMetrics(): Promise<void> {
    const admin = await this.adminReady();
    // subscriptions often share topics: ask the broker for each topic's offsets once per refresh
    const topicOffsets = new Map<string, ReturnType<Admin['fetchTopicOffsets']>>();
    const endsOf = (wireTopic: string): ReturnType<Admin['fetchTopicOffsets']> => {
      let ends = topicOffsets.get(wireTopic);
      if (!ends) {
        ends = admin.fetchTopicOffsets(wireTopic);
        topicOffsets.set(wireTopic, ends);
      }
      return ends;
    };
    const topics = new Set<string>();
    for (const subscription of this.subscriptions) {
      const { groupId } = subscription.spec;
      subscription.spec.topics.forEach((topic) => topics.add(topic));
      const committed = await admin.fetchOffsets({
        groupId: `${this.prefix}${groupId}`,
        topics: subscription.spec.topics.map((topic) => this.wire(topic)),
      });
      for (const { topic: wireTopic, partitions } of committed) {
        const ends = await endsOf(wireTopic);
        let lag = 0;
        for (const end of ends) {
          const done = partitions.find((partition) => partition.partition === end.partition)?.offset ?? '-1';
          lag += Number(end.high) - Math.max(Number(done), Number(end.low));
        }
        this.metrics.consumerLag.set({ group: groupId, topic: this.unwire(wireTopic) }, Math.max(0, lag));
      }
    }
    for (const topic of topics) {
      try {
        const ends = await admin.fetchTopicOffsets(this.wire(dlqTopicOf(topic)));
        this.metrics.dlqDepth.set(
          { topic },
          ends.reduce((sum, end) => sum + Number(end.high) - Number(end.low), 0),
        );
      } catch (error) {
        this.logger.debug(
          { topic, err: String(error) },
          'Dead-letter topic not readable; depth not updated.',
        );
      }
    }
  }

  /** @internal used by subscriptions */
  async sendToDlq(
    message: Omit<IncomingMessage, 'attempt'>,
    groupId: string,
    outcome: Extract<DeliveryOutcome, { kind: 'dlq' }>,
  ): Promise<void> {
    const producer = await this.producerReady();
    await producer.send({
      topic: this.wire(dlqTopicOf(message.topic)),
      acks: -1,
      messages: [
        { key: message.key, value: message.value, headers: dlqHeadersFor(message, groupId, outcome) },
      ],
    });
  }

  /** @internal */
  get busMetrics(): MessagingMetrics {
    return this.metrics;
  }

  /** @internal */
  get busLogger(): PlatformLogger {
    return this.logger;
  }

  /** @internal */
  forget(subscription: KafkaSubscription): void {
    this.subscriptions.delete(subscription);
  }

  wire(topic: string): string {
    return `${this.prefix}${topic}`;
  }

  unwire(wireTopic: string): string {
    return wireTopic.startsWith(this.prefix) ? wireTopic.slice(this.prefix.length) : wireTopic;
  }

  private producerReady(): Promise<Producer> {
    if (!this.producer) {
      const client = this.kafka.producer({
        idempotent: true,
        // kafkajs keeps ordering under retries only with one request in flight
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const entry = { client, ready: client.connect().then(() => client) };
      entry.ready.catch(() => {
        if (this.producer === entry) this.producer = undefined;
      });
      this.producer = entry;
    }
    return this.producer.ready;
  }

  private adminReady(): Promise<Admin> {
    if (!this.admin) {
      // few retries: the admin serves probes and metrics, which run again soon anyway
      const client = this.kafka.admin({ retry: { retries: 2 } });
      const entry = { client, ready: client.connect().then(() => client) };
      entry.ready.catch(() => {
        if (this.admin === entry) this.admin = undefined;
      });
      this.admin = entry;
    }
    return this.admin.ready;
  }

  private startMetricsTimer(): void {
    const every = this.options.metricsIntervalMs ?? 15_000;
    if (every <= 0 || this.metricsTimer) return;
    this.metricsTimer = setInterval(() => {
      this.refreshMetrics().catch((error: unknown) =>
        this.logger.debug({ err: String(error) }, 'Lag refresh failed.'),
      );
    }, every);
    this.metricsTimer.unref();
  }

  private logKafka({ level, namespace, log }: LogEntry): void {
    const { message, ...fields } = log;
    const line = { ...fields, namespace: `kafkajs.${namespace}` };
    if (level <= KafkaLogLevel.ERROR) this.logger.error(line, message);
    else this.logger.warn(line, message);
  }
}

class KafkaSubscription {
  private stopping?: Promise<void>;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly lagByPartition = new Map<string, number>();

  constructor(
    private readonly bus: KafkaEventBus,
    private readonly consumer: Consumer,
    readonly spec: SubscriptionSpec,
    private readonly policy: RetryPolicy,
  ) {}

  async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const topic = this.bus.unwire(batch.topic);
    let pending: string | undefined;
    let lastDone: string | undefined;
    let sinceCommit = 0;
    try {
      for (const raw of batch.messages) {
        if (!isRunning() || isStale() || this.stopping) return;
        const message = toIncoming(topic, batch.partition, raw);
        const work = this.handleOne(message, heartbeat);
        this.inFlight.add(work);
        let done: boolean;
        try {
          done = await work;
        } finally {
          this.inFlight.delete(work);
        }
        if (!done) return;
        resolveOffset(raw.offset);
        pending = raw.offset;
        lastDone = raw.offset;
        if (++sinceCommit >= COMMIT_EVERY_MESSAGES) {
          await this.commit(topic, batch.partition, pending);
          pending = undefined;
          sinceCommit = 0;
        }
      }
    } finally {
      // once per batch, not per message: the lag gauge is a sum over partitions
      if (lastDone !== undefined)
        this.recordLag(topic, batch.partition, Number(batch.highWatermark) - Number(lastDone) - 1);
      // only offsets of messages whose handler resolved (or that reached the DLQ) are ever committed
      if (pending !== undefined) await this.commit(topic, batch.partition, pending);
    }
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        this.abort.abort();
        // the in-flight handler finishes and its offset is committed before the consumer leaves the group
        await Promise.allSettled([...this.inFlight]);
        await this.consumer.stop().catch(() => undefined);
        await this.consumer.disconnect().catch(() => undefined);
        this.bus.forget(this);
      })();
    }
    return this.stopping;
  }

  // true when the message is done (handled or dead-lettered); false when stopping left it for redelivery
  private async handleOne(
    message: Omit<IncomingMessage, 'attempt'>,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const outcome = await deliverAndRecord(message, this.spec.handler, this.policy, {
      groupId: this.spec.groupId,
      metrics: this.bus.busMetrics,
      logger: this.bus.busLogger,
      wait: (ms) => this.waitWithHeartbeats(ms, heartbeat),
      // throws when the DLQ write fails: nothing is committed and kafkajs fetches the message again
      sendToDlq: (dlq) => this.bus.sendToDlq(message, this.spec.groupId, dlq),
    });
    return outcome.kind !== 'aborted';
  }

  private commit(topic: string, partition: number, doneOffset: string): Promise<void> {
    return this.consumer.commitOffsets([
      { topic: this.bus.wire(topic), partition, offset: (BigInt(doneOffset) + 1n).toString() },
    ]);
  }

  private async waitWithHeartbeats(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    for (let left = ms; left > 0; left -= HEARTBEAT_EVERY_MS) {
      if (!(await abortableDelay(Math.min(left, HEARTBEAT_EVERY_MS), this.abort.signal))) return false;
      // a rebalance during backoff: give the partition up uncommitted, its next owner retries it
      if (
        !(await heartbeat().then(
          () => true,
          () => false,
        ))
      )
        return false;
    }
    return true;
  }

  private recordLag(topic: string, partition: number, lag: number): void {
    this.lagByPartition.set(`${topic}\u0000${partition}`, Math.max(0, lag));
    let sum = 0;
    for (const [lane, value] of this.lagByPartition) if (lane.startsWith(`${topic}\u0000`)) sum += value;
    this.bus.busMetrics.consumerLag.set({ group: this.spec.groupId, topic }, sum);
  }
}

function toIncoming(topic: string, partition: number, raw: KafkaMessage): Omit<IncomingMessage, 'attempt'> {
  return {
    topic,
    partition,
    offset: raw.offset,
    key: raw.key === null ? null : raw.key.toString('utf8'),
    value: raw.value ?? Buffer.alloc(0),
    headers: decodeHeaders(raw.headers),
  };
}

function decodeHeaders(headers: IHeaders | undefined): MessageHeaders {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) decoded[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return decoded;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
