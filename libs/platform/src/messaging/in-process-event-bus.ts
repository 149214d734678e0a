// The standalone adapter: topics are in-memory logs, split into partitions by key, read by consumer groups.
// Same semantics as Kafka where it matters: every group sees every message, a group's members share the
// partitions, a partition is processed one message at a time (so a key's messages stay in order), the same
// retry/backoff/DLQ rules, the same metrics.
//
// Durability: nothing here survives the process. In standalone mode events come from the outbox, whose rows
// stay unpublished until the relay has handed them to this bus; an event handed over but not yet handled
// when the process dies is not redelivered. Consumer groups start from the earliest message still held.
import { Registry } from 'prom-client';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
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

export interface InProcessEventBusOptions {
  /** partitions per topic; a group's members share them (default 4) */
  readonly partitions?: number;
  /** messages kept per partition while no group reads the topic (oldest dropped first; default 10,000) */
  readonly maxRetainedPerPartition?: number;
  readonly registry?: Registry;
  readonly logger?: PlatformLogger;
  /** defaults for every subscription; a subscription's own `retry` wins */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * When `publish` resolves. `handled` (what standalone runs): once every group consuming the topic at
   * publish time is past the message (handled, or written to its DLQ), so an outbox relay marks a row
   * published only after its effects are durable, and a crash before that republishes it on restart (the
   * consumers' inboxes absorb the repeat). `enqueued`: at once, handlers run afterwards. Default `handled`.
   */
  readonly acknowledge?: 'handled' | 'enqueued';
}

export class InProcessPublishError extends Error {
  readonly code = 'EVENT_NOT_HANDLED';
}

interface Acknowledgement {
  readonly offset: number;
  /** groups consuming the topic when the message was published: each must get past it */
  readonly groups: ReadonlySet<Group>;
  resolve(): void;
  reject(error: Error): void;
}

interface StoredMessage {
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: MessageHeaders;
}

class PartitionLog {
  private readonly messages: StoredMessage[] = [];
  private head = 0;
  /** offset of the oldest message held */
  low = 0;
  /** offset the next message gets */
  next = 0;

  append(message: StoredMessage): number {
    this.messages.push(message);
    return this.next++;
  }

  get(offset: number): StoredMessage | undefined {
    return offset >= this.low && offset < this.next
      ? this.messages[this.head + offset - this.low]
      : undefined;
  }

  trimBelow(offset: number): void {
    const drop = Math.min(offset, this.next) - this.low;
    if (drop <= 0) return;
    this.head += drop;
    this.low += drop;
    // compact now and then instead of shifting on every message
    if (this.head > 1024 && this.head * 2 > this.messages.length) {
      this.messages.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.next - this.low;
  }
}

class Member {
  stopping = false;
  readonly abort = new AbortController();
  readonly inFlight = new Set<Promise<unknown>>();
  constructor(
    readonly spec: SubscriptionSpec,
    readonly policy: RetryPolicy,
  ) {}

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }
}

class Group {
  readonly members: Member[] = [];
  /** next offset to deliver, per topic and partition */
  readonly cursors = new Map<string, number[]>();
  readonly running = new Set<string>();
  constructor(readonly id: string) {}

  eligible(topic: string): Member[] {
    return this.members.filter((member) => !member.stopping && member.spec.topics.includes(topic));
  }
}

export class InProcessEventBus extends EventBus {
  private readonly partitions: number;
  private readonly maxRetained: number;
  private readonly metrics: MessagingMetrics;
  private readonly logger: PlatformLogger;
  private readonly retry: Partial<RetryPolicy> | undefined;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private readonly acknowledge: 'handled' | 'enqueued';
  /** publishers waiting for their messages to be handled, per topic and partition lane */
  private readonly pending = new Map<string, Acknowledgement[]>();
  private closed = false;

  constructor(options: InProcessEventBusOptions = {}) {
    super();
    this.partitions = options.partitions ?? 4;
    this.maxRetained = options.maxRetainedPerPartition ?? 10_000;
    this.metrics = new MessagingMetrics(options.registry ?? new Registry());
    this.logger = options.logger ?? stderrLogger;
    this.retry = options.retry;
    this.acknowledge = options.acknowledge ?? 'handled';
    resolveRetryPolicy(this.retry);
  }

  /** see `acknowledge`: resolves once handled by the consuming groups, or once enqueued */
  override async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('InProcessEventBus is closed');
    const waits: Promise<void>[] = [];
    for (const message of messages) {
      const consuming =
        this.acknowledge === 'handled' ? this.consumingGroups(message.topic) : new Set<Group>();
      const { partition, offset } = this.append(message.topic, message.key, Buffer.from(message.value), {
        ...message.headers,
      });
      if (consuming.size > 0) waits.push(this.awaitHandled(message.topic, partition, offset, consuming));
    }
    await Promise.all(waits);
  }

  override async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    if (this.closed) throw new Error('InProcessEventBus is closed');
    if (spec.topics.length === 0) throw new Error('a subscription needs at least one topic');
    const member = new Member(spec, resolveRetryPolicy(this.retry, spec.retry));
    const group = this.groupOf(spec.groupId);
    group.members.push(member);
    for (const topic of spec.topics) {
      const logs = this.logsOf(topic);
      if (!group.cursors.has(topic))
        group.cursors.set(
          topic,
          logs.map((log) => log.low),
        );
      this.updateLag(group, topic);
      logs.forEach((_, partition) => this.kick(group, topic, partition));
    }
    return { stop: () => this.stopMember(group, member) };
  }

  override async check(): Promise<void> {
    if (this.closed) throw new Error('InProcessEventBus is closed');
  }

  override async close(): Promise<void> {
    this.closed = true;
    for (const waiters of this.pending.values()) {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new InProcessPublishError('the event bus closed before the message was handled'));
      }
    }
    const stops = [...this.groups.values()].flatMap((group) =>
      group.members.map((member) => this.stopMember(group, member)),
    );
    await Promise.all(stops);
  }

  private append(
    topic: string,
    key: string | null,
    value: Buffer,
    headers: MessageHeaders,
  ): { partition: number; offset: number } {
    const logs = this.logsOf(topic);
    const partition = key === null ? 0 : partitionOf(key, logs.length);
    const offset = logs[partition].append({ key, value, headers });
    this.metrics.published.inc({ topic });
    let read = false;
    for (const group of this.groups.values()) {
      if (!group.cursors.has(topic)) continue;
      read = true;
      this.updateLag(group, topic);
      this.kick(group, topic, partition);
    }
    if (!read) this.trimUnread(topic, partition);
    if (topic.endsWith('.dlq')) this.metrics.dlqDepth.set({ topic: topic.slice(0, -4) }, this.depthOf(topic));
    return { partition, offset };
  }

  /** groups with a member reading the topic now */
  private consumingGroups(topic: string): Set<Group> {
    return new Set([...this.groups.values()].filter((group) => group.eligible(topic).length > 0));
  }

  private awaitHandled(topic: string, partition: number, offset: number, groups: Set<Group>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const lane = `${topic}\u0000${partition}`;
      const waiters = this.pending.get(lane) ?? [];
      waiters.push({ offset, groups, resolve, reject });
      this.pending.set(lane, waiters);
    });
  }

  // resolves the publishers whose message every consuming group is past; rejects those whose group stopped
  private settle(topic: string, partition: number): void {
    const lane = `${topic}\u0000${partition}`;
    const waiters = this.pending.get(lane);
    if (!waiters || waiters.length === 0) return;
    const left = waiters.filter((waiter) => {
      let done = true;
      for (const group of waiter.groups) {
        const cursor = group.cursors.get(topic)?.[partition] ?? 0;
        if (cursor > waiter.offset) continue;
        if (group.eligible(topic).length === 0) {
          waiter.reject(
            new InProcessPublishError(`consumer group ${group.id} stopped before handling the message`),
          );
          return false;
        }
        done = false;
      }
      if (done) waiter.resolve();
      return !done;
    });
    if (left.length === 0) this.pending.delete(lane);
    else this.pending.set(lane, left);
  }

  private kick(group: Group, topic: string, partition: number): void {
    const lane = `${topic}\u0000${partition}`;
    if (group.running.has(lane) || this.closed) return;
    group.running.add(lane);
    void this.drain(group, topic, partition)
      .catch((error: unknown) =>
        this.logger.error({ group: group.id, topic, err: String(error) }, 'In-process delivery stopped.'),
      )
      .finally(() => {
        group.running.delete(lane);
        if (this.hasWork(group, topic, partition)) this.kick(group, topic, partition);
      });
  }

  private hasWork(group: Group, topic: string, partition: number): boolean {
    const cursor = group.cursors.get(topic)?.[partition];
    return (
      cursor !== undefined && cursor < this.logsOf(topic)[partition].next && group.eligible(topic).length > 0
    );
  }

  // one lane per group, topic and partition: messages of a partition are handled strictly one after another
  private async drain(group: Group, topic: string, partition: number): Promise<void> {
    const log = this.logsOf(topic)[partition];
    const cursors = group.cursors.get(topic);
    if (!cursors) return;
    for (let handled = 0; !this.closed; handled++) {
      // handlers never run inside publish(), and a long run of instant handlers still lets I/O through
      if (handled % 100 === 0) await yieldToEventLoop();
      const offset = cursors[partition];
      const stored = log.get(offset);
      const candidates = group.eligible(topic);
      if (!stored || candidates.length === 0) return;
      const member = candidates[partition % candidates.length];
      const message = {
        topic,
        partition,
        offset: String(offset),
        key: stored.key,
        value: stored.value,
        headers: stored.headers,
      };
      const outcome = await member.track(this.deliver(group, member, message));
      if (outcome.kind === 'aborted') continue;
      cursors[partition] = offset + 1;
      this.trimRead(topic, partition);
      this.updateLag(group, topic);
      this.settle(topic, partition);
    }
  }

  private deliver(
    group: Group,
    member: Member,
    message: Omit<IncomingMessage, 'attempt'>,
  ): Promise<DeliveryOutcome> {
    return deliverAndRecord(message, member.spec.handler, member.policy, {
      groupId: group.id,
      metrics: this.metrics,
      logger: this.logger,
      wait: (ms) => abortableDelay(ms, member.abort.signal),
      sendToDlq: async (outcome) => {
        this.append(
          dlqTopicOf(message.topic),
          message.key,
          message.value,
          dlqHeadersFor(message, group.id, outcome),
        );
      },
    });
  }

  private async stopMember(group: Group, member: Member): Promise<void> {
    if (member.stopping) return Promise.all(member.inFlight).then(() => undefined);
    member.stopping = true;
    member.abort.abort();
    await Promise.allSettled([...member.inFlight]);
    group.members.splice(group.members.indexOf(member), 1);
    // partitions the member held pass to the remaining members; with none left, waiting publishers fail
    for (const topic of member.spec.topics) {
      this.logsOf(topic).forEach((_, partition) => {
        this.kick(group, topic, partition);
        this.settle(topic, partition);
      });
    }
  }

  private groupOf(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = new Group(id);
      this.groups.set(id, group);
    }
    return group;
  }

  private logsOf(topic: string): PartitionLog[] {
    let logs = this.topics.get(topic);
    if (!logs) {
      logs = Array.from({ length: this.partitions }, () => new PartitionLog());
      this.topics.set(topic, logs);
    }
    return logs;
  }

  // a message is dropped once every group reading the topic is past it
  private trimRead(topic: string, partition: number): void {
    let min = Infinity;
    for (const group of this.groups.values()) {
      const cursor = group.cursors.get(topic)?.[partition];
      if (cursor !== undefined) min = Math.min(min, cursor);
    }
    if (min === Infinity) return;
    this.logsOf(topic)[partition].trimBelow(min);
    if (topic.endsWith('.dlq')) this.metrics.dlqDepth.set({ topic: topic.slice(0, -4) }, this.depthOf(topic));
  }

  private trimUnread(topic: string, partition: number): void {
    const log = this.logsOf(topic)[partition];
    if (log.size <= this.maxRetained) return;
    log.trimBelow(log.next - this.maxRetained);
    this.logger.warn(
      { topic, partition, kept: this.maxRetained },
      'No consumer group reads this topic; oldest messages dropped.',
    );
  }

  private depthOf(topic: string): number {
    return this.logsOf(topic).reduce((sum, log) => sum + log.size, 0);
  }

  private updateLag(group: Group, topic: string): void {
    const cursors = group.cursors.get(topic);
    if (!cursors) return;
    const lag = this.logsOf(topic).reduce((sum, log, partition) => sum + (log.next - cursors[partition]), 0);
    this.metrics.consumerLag.set({ group: group.id, topic }, lag);
  }
}

/** FNV-1a over the key's UTF-8 bytes */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
