import { Registry } from 'prom-client';
import { Topics } from '@renkei/contracts';
import { expectEventually } from '@renkei/testing';
import { describeEventBusContract } from './event-bus.contract';
import { PermanentMessageError, dlqTopicOf } from './event-bus';
import { InProcessEventBus, partitionOf } from './in-process-event-bus';
import { silentLogger } from './platform-logger';

describeEventBusContract(InProcessEventBus.name, {
  durableOffsets: false,
  createContext: async () => ({
    topic: Topics.platformProbeRecorded.name,
    openBus: async () => new InProcessEventBus({ logger: silentLogger }),
    dispose: async () => undefined,
  }),
});

describe(InProcessEventBus.name, () => {
  const topic = Topics.platformProbeRecorded.name;
  const encode = (value: string): Uint8Array => new TextEncoder().encode(value);

  it('resolves publish before any handler runs', async () => {
    const sut = new InProcessEventBus({ logger: silentLogger });
    const seen: string[] = [];
    await sut.subscribe({
      groupId: 'g.one',
      topics: [topic],
      handler: async (message) => void seen.push(message.key ?? ''),
    });

    await sut.publish([{ topic, key: 'k', value: encode('x') }]);

    expect(seen).toEqual([]);
    await expectEventually(() => expect(seen).toEqual(['k']));
    await sut.close();
  });

  it('delivers messages published before the group subscribed', async () => {
    const sut = new InProcessEventBus({ logger: silentLogger });
    await sut.publish([{ topic, key: 'k', value: encode('early') }]);
    const seen: string[] = [];

    await sut.subscribe({
      groupId: 'g.late',
      topics: [topic],
      handler: async (message) => void seen.push(message.value.toString()),
    });

    await expectEventually(() => expect(seen).toEqual(['early']));
    await sut.close();
  });

  it('records published, consumed, DLQ, lag and DLQ depth metrics on a shared registry', async () => {
    const registry = new Registry();
    const sut = new InProcessEventBus({ logger: silentLogger, registry });
    const other = new InProcessEventBus({ logger: silentLogger, registry });
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
    await Promise.all([sut.close(), other.close()]);
  });

  it('hands a stopped member’s message to the remaining member', async () => {
    const sut = new InProcessEventBus({ logger: silentLogger, partitions: 1 });
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
    await sut.close();
  });

  it('rejects publish after close', async () => {
    const sut = new InProcessEventBus({ logger: silentLogger });
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
