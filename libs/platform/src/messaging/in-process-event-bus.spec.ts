import { Registry } from 'prom-client';
import { Topics } from '@renkei/contracts';
import { expectEventually } from '@renkei/testing';
import { describeEventBusContract } from './event-bus.contract';
import { PermanentMessageError, dlqTopicOf } from './event-bus';
import { InProcessEventBus, partitionOf, type InProcessEventBusOptions } from './in-process-event-bus';
import { silentLogger } from './platform-logger';

describeEventBusContract(InProcessEventBus.name, {
  createContext: async () => ({
    topic: Topics.platformProbeRecorded.name,
    // the contract's publish means "accepted", as with Kafka; acknowledge: 'handled' is tested below
    openBus: async () => new InProcessEventBus({ logger: silentLogger, acknowledge: 'enqueued' }),
    dispose: async () => undefined,
  }),
});

const opened: InProcessEventBus[] = [];
// every bus a test opens is closed after it, also when the test fails
const openBus = (options: InProcessEventBusOptions = {}): InProcessEventBus => {
  const bus = new InProcessEventBus({ logger: silentLogger, ...options });
  opened.push(bus);
  return bus;
};

afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});

describe(InProcessEventBus.name, () => {
  const topic = Topics.platformProbeRecorded.name;
  const encode = (value: string): Uint8Array => new TextEncoder().encode(value);

  it('resolves publish before any handler runs with acknowledge: enqueued', async () => {
    const sut = openBus({ acknowledge: 'enqueued' });
    const seen: string[] = [];
    await sut.subscribe({
      groupId: 'g.one',
      topics: [topic],
      handler: async (message) => void seen.push(message.key ?? ''),
    });

    await sut.publish([{ topic, key: 'k', value: encode('x') }]);

    expect(seen).toEqual([]);
    await expectEventually(() => expect(seen).toEqual(['k']));
  });

  it('delivers messages published before the group subscribed', async () => {
    const sut = openBus();
    await sut.publish([{ topic, key: 'k', value: encode('early') }]);
    const seen: string[] = [];

    await sut.subscribe({
      groupId: 'g.late',
      topics: [topic],
      handler: async (message) => void seen.push(message.value.toString()),
    });

    await expectEventually(() => expect(seen).toEqual(['early']));
  });

  it('records published, consumed, DLQ, lag and DLQ depth metrics on a shared registry', async () => {
    const registry = new Registry();
    const sut = openBus({ registry });
    openBus({ registry }); // a second bus on the same registry reuses its metrics
    let failures = 0;
    await sut.subscribe({
      groupId: 'g.metrics',
      topics: [topic],
      retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: async (message) => {
        if (message.value.toString() === 'poison') throw new PermanentMessageError('undecodable');
        if (message.value.toString() === 'flaky' && failures++ === 0) throw new Error('transient');
      },
    });

    await sut.publish(['ok', 'flaky', 'poison'].map((value) => ({ topic, key: 'k', value: encode(value) })));

    await expectEventually(async () =>
      expect(await registry.getSingleMetricAsString('renkei_messaging_dlq_depth')).toContain(
        `topic="${topic}"} 1`,
      ),
    );
    const text = await registry.metrics();
    expect(text).toContain(`renkei_messaging_published_total{topic="${topic}"} 3`);
    expect(text).toContain(`renkei_messaging_published_total{topic="${dlqTopicOf(topic)}"} 1`);
    expect(text).toContain(
      `renkei_messaging_consumed_total{group="g.metrics",topic="${topic}",outcome="ok"} 2`,
    );
    expect(text).toContain(
      `renkei_messaging_consumed_total{group="g.metrics",topic="${topic}",outcome="retried"} 1`,
    );
    expect(text).toContain(
      `renkei_messaging_consumed_total{group="g.metrics",topic="${topic}",outcome="dlq"} 1`,
    );
    expect(text).toContain(`renkei_messaging_dlq_messages_total{topic="${topic}"} 1`);
    expect(text).toContain(`renkei_messaging_consumer_lag{group="g.metrics",topic="${topic}"} 0`);
  });

  it('hands a stopped member’s message to the remaining member', async () => {
    const sut = openBus({ partitions: 1, acknowledge: 'enqueued' });
    const seenBySecond: string[] = [];
    const first = await sut.subscribe({
      groupId: 'g.handover',
      topics: [topic],
      retry: { maxAttempts: 5, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
      handler: async () => {
        throw new Error('first member cannot reach its database');
      },
    });
    await sut.publish([{ topic, key: 'k', value: encode('m') }]);
    await sut.subscribe({
      groupId: 'g.handover',
      topics: [topic],
      handler: async (message) => void seenBySecond.push(message.value.toString()),
    });

    await first.stop();

    await expectEventually(() => expect(seenBySecond).toEqual(['m']));
  });

  it('rejects publish after close', async () => {
    const sut = openBus();
    await sut.close();

    await expect(sut.publish([{ topic, key: 'k', value: encode('x') }])).rejects.toThrow('closed');
    await expect(sut.check()).rejects.toThrow('closed');
  });

  it('spreads keys over partitions deterministically', () => {
    const partitions = new Set(Array.from({ length: 100 }, (_, index) => partitionOf(`office-${index}`, 4)));

    expect(partitions).toEqual(new Set([0, 1, 2, 3]));
    expect(partitionOf('office-7', 4)).toBe(partitionOf('office-7', 4));
  });
});

describe('InProcessEventBus with acknowledge: handled (standalone)', () => {
  const topic = Topics.platformProbeRecorded.name;
  const encode = (value: string): Uint8Array => new TextEncoder().encode(value);

  function gate(): { opened: Promise<void>; open: () => void } {
    let open = () => undefined as void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { opened, open };
  }

  it('resolves publish only once every consuming group has handled the message', async () => {
    const sut = openBus();
    const slow = gate();
    const handled: string[] = [];
    await sut.subscribe({
      groupId: 'g.fast',
      topics: [topic],
      handler: async () => void handled.push('fast'),
    });
    await sut.subscribe({
      groupId: 'g.slow',
      topics: [topic],
      handler: async () => {
        await slow.opened;
        handled.push('slow');
      },
    });
    let published = false;

    const publishing = sut.publish([{ topic, key: 'k', value: encode('x') }]).then(() => (published = true));
    await expectEventually(() => expect(handled).toEqual(['fast']));

    expect(published).toBe(false);
    slow.open();
    await publishing;
    expect(handled).toEqual(['fast', 'slow']);
  });

  it('counts a message sent to the DLQ as handled', async () => {
    const sut = openBus();
    await sut.subscribe({
      groupId: 'g.poison',
      topics: [topic],
      handler: async () => {
        throw new PermanentMessageError('undecodable');
      },
    });

    await expect(sut.publish([{ topic, key: 'k', value: encode('x') }])).resolves.toBeUndefined();
  });

  it('resolves at once when no group consumes the topic, keeping the message for a later group', async () => {
    const sut = openBus();

    await sut.publish([{ topic, key: 'k', value: encode('early') }]);
    const seen: string[] = [];
    await sut.subscribe({
      groupId: 'g.late',
      topics: [topic],
      handler: async (m) => void seen.push(m.value.toString()),
    });

    await expectEventually(() => expect(seen).toEqual(['early']));
  });

  it('rejects publish when the consuming group stops before handling, so the outbox keeps the row', async () => {
    const sut = openBus();
    const subscription = await sut.subscribe({
      groupId: 'g.stopping',
      topics: [topic],
      retry: { maxAttempts: 5, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
      handler: async () => {
        throw new Error('database unavailable');
      },
    });

    const publishing = sut.publish([{ topic, key: 'k', value: encode('x') }]);
    await subscription.stop();

    await expect(publishing).rejects.toMatchObject({ code: 'EVENT_NOT_HANDLED' });
  });

  it('rejects waiting publishers when the bus closes', async () => {
    const sut = openBus();
    const never = gate();
    await sut.subscribe({ groupId: 'g.stuck', topics: [topic], handler: () => never.opened });

    const publishing = sut.publish([{ topic, key: 'k', value: encode('x') }]);
    const closing = sut.close();

    await expect(publishing).rejects.toMatchObject({ code: 'EVENT_NOT_HANDLED' });
    never.open();
    await closing;
  });
});
