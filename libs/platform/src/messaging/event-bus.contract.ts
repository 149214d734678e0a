// The behaviour every EventBus adapter must show. Run by in-process-event-bus.spec.ts (unit) and by
// kafka-event-bus.integration-spec.ts (real Kafka), so the standalone and cluster paths cannot drift apart.
import { randomUUID } from 'node:crypto';
import {
  DlqHeaders,
  PermanentMessageError,
  dlqTopicOf,
  type EventBus,
  type IncomingMessage,
  type MessageHandler,
  type Subscription,
} from './event-bus';
import { expectEventually } from '@renkei/testing';
import { RETRIES_EXHAUSTED } from './message-delivery';

export interface EventBusContractContext {
  /** the topic under test as handlers see it; `<topic>.dlq` exists too */
  readonly topic: string;
  /** a bus in this context's isolation namespace; each call is a fresh instance ("a new process") */
  openBus(): Promise<EventBus>;
  dispose(): Promise<void>;
}

export interface EventBusContractFactory {
  createContext(): Promise<EventBusContractContext>;
}

// group joins on a real broker take seconds
const SOON = { timeoutMs: 30_000 };
const FAST_RETRY = { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20 };
const text = (message: IncomingMessage): string => message.value.toString('utf8');
const encode = (value: string): Uint8Array => new TextEncoder().encode(value);

export function describeEventBusContract(name: string, factory: EventBusContractFactory): void {
  describe(`EventBus contract: ${name}`, () => {
    let context: EventBusContractContext;
    let buses: EventBus[];
    let subscriptions: Subscription[];
    let topic: string;

    const open = async (): Promise<EventBus> => {
      const bus = await context.openBus();
      buses.push(bus);
      return bus;
    };
    const subscribe = async (
      bus: EventBus,
      groupId: string,
      handler: MessageHandler,
      topics = [topic],
    ): Promise<Subscription> => {
      const subscription = await bus.subscribe({ groupId, topics, handler, retry: FAST_RETRY });
      subscriptions.push(subscription);
      return subscription;
    };
    const group = (purpose: string): string => `contract.${purpose}-${randomUUID().slice(0, 8)}`;
    const publishText = (bus: EventBus, items: readonly { key: string; value: string }[]): Promise<void> =>
      bus.publish(items.map((item) => ({ topic, key: item.key, value: encode(item.value) })));

    beforeEach(async () => {
      context = await factory.createContext();
      topic = context.topic;
      buses = [];
      subscriptions = [];
    });

    afterEach(async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await Promise.all(buses.map((bus) => bus.close()));
      await context.dispose();
    });

    it('delivers a published message with its key, value and headers intact', async () => {
      const bus = await open();
      const received: IncomingMessage[] = [];
      await subscribe(bus, group('delivery'), async (message) => void received.push(message));

      await bus.publish([
        { topic, key: 'office-1', value: encode('hello'), headers: { 'event-id': 'e-1', 'x-custom': 'v' } },
      ]);

      await expectEventually(() => expect(received).toHaveLength(1), SOON);
      expect(received[0]).toMatchObject({ topic, key: 'office-1', attempt: 1 });
      expect(text(received[0])).toBe('hello');
      expect(received[0].headers).toMatchObject({ 'event-id': 'e-1', 'x-custom': 'v' });
    });

    it("keeps each key's messages in the order they were published", async () => {
      const bus = await open();
      const seen = new Map<string, number[]>();
      await subscribe(bus, group('order'), async (message) => {
        const list = seen.get(message.key ?? '') ?? [];
        list.push(Number(text(message)));
        seen.set(message.key ?? '', list);
      });
      const keys = ['a', 'b', 'c', 'd'];
      for (let seq = 0; seq < 25; seq++)
        await publishText(
          bus,
          keys.map((key) => ({ key, value: String(seq) })),
        );

      const expected = Array.from({ length: 25 }, (_, seq) => seq);
      await expectEventually(() => keys.forEach((key) => expect(seen.get(key)).toEqual(expected)), SOON);
    });

    it('gives every message to each of two consumer groups', async () => {
      const bus = await open();
      const first: string[] = [];
      const second: string[] = [];
      await subscribe(bus, group('first'), async (message) => void first.push(text(message)));
      await subscribe(bus, group('second'), async (message) => void second.push(text(message)));

      const values = Array.from({ length: 20 }, (_, index) => `m${index}`);
      await publishText(
        bus,
        values.map((value, index) => ({ key: `k${index}`, value })),
      );

      await expectEventually(() => {
        expect([...first].sort()).toEqual([...values].sort());
        expect([...second].sort()).toEqual([...values].sort());
      }, SOON);
    });

    it("shares one group's messages between its members", async () => {
      const bus = await open();
      const groupId = group('shared');
      const byMember: Set<string>[] = [new Set(), new Set()];
      await subscribe(bus, groupId, async (message) => void byMember[0].add(text(message)));
      await subscribe(bus, groupId, async (message) => void byMember[1].add(text(message)));

      const values = Array.from({ length: 60 }, (_, index) => `m${index}`);
      await publishText(
        bus,
        values.map((value, index) => ({ key: `key-${index}`, value })),
      );

      await expectEventually(
        () => expect(new Set([...byMember[0], ...byMember[1]]).size).toBe(values.length),
        SOON,
      );
      expect(byMember[0].size).toBeGreaterThan(0);
      expect(byMember[1].size).toBeGreaterThan(0);
    });

    it('retries a transient failure and then applies the effect once', async () => {
      const bus = await open();
      const attempts: number[] = [];
      const effects: string[] = [];
      await subscribe(bus, group('transient'), async (message) => {
        if (text(message) === 'flaky') {
          attempts.push(message.attempt);
          if (message.attempt < 3) throw new Error('database unavailable');
        }
        effects.push(text(message));
      });

      await publishText(bus, [
        { key: 'k', value: 'flaky' },
        { key: 'k', value: 'after' },
      ]);

      await expectEventually(() => expect(effects).toEqual(['flaky', 'after']), SOON);
      expect(attempts).toEqual([1, 2, 3]);
    });

    it('sends a PermanentMessageError to <topic>.dlq with its reason and moves on', async () => {
      const bus = await open();
      const groupId = group('permanent');
      const handled: string[] = [];
      const dead: IncomingMessage[] = [];
      await subscribe(bus, groupId, async (message) => {
        if (text(message) === 'poison') throw new PermanentMessageError('undecodable', 'not a ProbeRecorded');
        handled.push(text(message));
      });
      await subscribe(bus, group('dlq-reader'), async (message) => void dead.push(message), [
        dlqTopicOf(topic),
      ]);

      await bus.publish([
        { topic, key: 'k', value: encode('poison'), headers: { 'event-id': 'e-poison' } },
        { topic, key: 'k', value: encode('next'), headers: { 'event-id': 'e-next' } },
      ]);

      await expectEventually(() => expect(dead).toHaveLength(1), SOON);
      await expectEventually(() => expect(handled).toEqual(['next']), SOON);
      expect(dead[0]).toMatchObject({ topic: dlqTopicOf(topic), key: 'k' });
      expect(text(dead[0])).toBe('poison');
      expect(dead[0].headers).toMatchObject({
        'event-id': 'e-poison',
        [DlqHeaders.reason]: 'undecodable',
        [DlqHeaders.originalTopic]: topic,
        [DlqHeaders.groupId]: groupId,
        [DlqHeaders.attempts]: '1',
      });
      expect(dead[0].headers[DlqHeaders.error]).toContain('not a ProbeRecorded');
      expect(dead[0].headers[DlqHeaders.originalOffset]).toMatch(/^\d+$/);
      expect(dead[0].headers[DlqHeaders.originalPartition]).toMatch(/^\d+$/);
    });

    it(`sends a message that keeps failing to <topic>.dlq as ${RETRIES_EXHAUSTED}`, async () => {
      const bus = await open();
      const attempts: number[] = [];
      const dead: IncomingMessage[] = [];
      const handled: string[] = [];
      await subscribe(bus, group('exhausted'), async (message) => {
        if (text(message) === 'always-fails') {
          attempts.push(message.attempt);
          throw new Error('still down');
        }
        handled.push(text(message));
      });
      await subscribe(bus, group('dlq-reader'), async (message) => void dead.push(message), [
        dlqTopicOf(topic),
      ]);

      await publishText(bus, [
        { key: 'k', value: 'always-fails' },
        { key: 'k', value: 'next' },
      ]);

      await expectEventually(() => expect(dead).toHaveLength(1), SOON);
      await expectEventually(() => expect(handled).toEqual(['next']), SOON);
      expect(attempts).toEqual([1, 2, 3]);
      expect(dead[0].headers).toMatchObject({
        [DlqHeaders.reason]: RETRIES_EXHAUSTED,
        [DlqHeaders.attempts]: '3',
      });
      expect(dead[0].headers[DlqHeaders.error]).toContain('still down');
    });

    it('waits for the in-flight handler when a subscription stops', async () => {
      const bus = await open();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      let finished = false;
      const subscription = await subscribe(bus, group('graceful'), async () => {
        started = true;
        await gate;
        finished = true;
      });
      await publishText(bus, [{ key: 'k', value: 'slow' }]);
      await expectEventually(() => expect(started).toBe(true), SOON);

      let stopped = false;
      const stopping = subscription.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(finished).toBe(true);
    });

    // Kafka resumes from the group's committed offset; an in-process bus starts empty (its durability is the
    // outbox, whose rows stay unpublished until handed over), so both see only what came after the restart
    it('resumes a group after its last committed offset when it subscribes again on a new bus', async () => {
      const groupId = group('resume');
      const firstBus = await open();
      const firstRun: string[] = [];
      const first = await subscribe(firstBus, groupId, async (message) => void firstRun.push(text(message)));
      await publishText(firstBus, [
        { key: 'k', value: 'one' },
        { key: 'k', value: 'two' },
      ]);
      await expectEventually(() => expect(firstRun).toEqual(['one', 'two']), SOON);
      await first.stop();
      await firstBus.close();

      const secondBus = await open();
      await publishText(secondBus, [{ key: 'k', value: 'three' }]);
      const secondRun: string[] = [];
      await subscribe(secondBus, groupId, async (message) => void secondRun.push(text(message)));

      await expectEventually(() => expect(secondRun).toEqual(['three']), SOON);
    });
  });
}
