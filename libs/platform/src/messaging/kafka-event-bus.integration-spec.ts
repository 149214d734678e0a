import { Registry } from 'prom-client';
import { Topics } from '@renkei/contracts';
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import { describeEventBusContract } from './event-bus.contract';
import { PermanentMessageError } from './event-bus';
import { KafkaEventBus } from './kafka-event-bus';
import {
  createTestTopics,
  createTopicsReady,
  deleteTestTopics,
  withKafkaAdmin,
} from './fixtures/kafka-topics';
import { silentLogger } from './platform-logger';

const topic = Topics.platformProbeRecorded.name;

describeEventBusContract(KafkaEventBus.name, {
  createContext: async () => {
    const { kafkaBrokers } = readInfraEnv();
    const topicPrefix = `${uniqueName('t')}.`;
    await createTestTopics(kafkaBrokers, topicPrefix, [topic]);
    return {
      topic,
      openBus: async () =>
        new KafkaEventBus({
          brokers: kafkaBrokers,
          clientId: 'contract',
          topicPrefix,
          logger: silentLogger,
          metricsIntervalMs: 0,
        }),
      dispose: () => deleteTestTopics(kafkaBrokers, topicPrefix),
    };
  },
});

describe(KafkaEventBus.name, () => {
  const { kafkaBrokers } = readInfraEnv();
  const encode = (value: string): Uint8Array => new TextEncoder().encode(value);
  let topicPrefix: string;
  let sut: KafkaEventBus;
  let registry: Registry;

  beforeEach(async () => {
    topicPrefix = `${uniqueName('t')}.`;
    registry = new Registry();
    await createTestTopics(kafkaBrokers, topicPrefix, [topic]);
    sut = new KafkaEventBus({
      brokers: kafkaBrokers,
      clientId: 'kafka-bus-it',
      topicPrefix,
      registry,
      logger: silentLogger,
      metricsIntervalMs: 0,
    });
  });

  afterEach(async () => {
    await sut.close();
    await deleteTestTopics(kafkaBrokers, topicPrefix);
  });

  it('answers the readiness check while the broker is up', async () => {
    await expect(sut.check()).resolves.toBeUndefined();
  });

  it('fails the readiness check quickly when no broker answers', async () => {
    const unreachable = new KafkaEventBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'down',
      logger: silentLogger,
      checkTimeoutMs: 500,
    });
    const started = Date.now();

    await expect(unreachable.check()).rejects.toThrow();

    expect(Date.now() - started).toBeLessThan(5000);
    await unreachable.close();
  });

  it('reports consumer lag and DLQ depth from the broker under un-prefixed topic names', async () => {
    const handled: string[] = [];
    const subscription = await sut.subscribe({
      groupId: 'it.metrics',
      topics: [topic],
      handler: async (message) => {
        if (message.value.toString() === 'poison') throw new PermanentMessageError('undecodable');
        handled.push(message.value.toString());
      },
    });
    await sut.publish(['a', 'poison', 'b'].map((value) => ({ topic, key: 'k', value: encode(value) })));
    await expectEventually(() => expect(handled).toEqual(['a', 'b']), { timeoutMs: 30_000 });
    await subscription.stop();
    await sut.publish([{ topic, key: 'k', value: encode('waiting') }]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await sut.subscribe({ groupId: 'it.metrics', topics: [topic], handler: () => held });

    await expectEventually(
      async () => {
        await sut.refreshMetrics();
        const text = await registry.metrics();
        expect(text).toContain(`renkei_messaging_consumer_lag{group="it.metrics",topic="${topic}"} 1`);
        expect(text).toContain(`renkei_messaging_dlq_depth{topic="${topic}"} 1`);
      },
      { timeoutMs: 30_000 },
    );
    const text = await registry.metrics();
    expect(text).toContain(`renkei_messaging_published_total{topic="${topic}"} 4`);
    expect(text).toContain(`renkei_messaging_dlq_messages_total{topic="${topic}"} 1`);
    expect(text).toContain(
      `renkei_messaging_consumed_total{group="it.metrics",topic="${topic}",outcome="dlq"} 1`,
    );
    expect(text).not.toContain(topicPrefix);
    release();
  });

  it('commits nothing when the DLQ write fails, so the message comes back', async () => {
    const dlq = `${topicPrefix}${topic}.dlq`;
    await deleteTestTopics(kafkaBrokers, dlq);
    const seen: number[] = [];
    const subscription = await sut.subscribe({
      groupId: 'it.dlq-down',
      topics: [topic],
      handler: async (message) => {
        seen.push(message.attempt);
        throw new PermanentMessageError('undecodable');
      },
    });

    await sut.publish([{ topic, key: 'k', value: encode('poison') }]);
    await expectEventually(() => expect(seen.length).toBeGreaterThanOrEqual(2), { timeoutMs: 90_000 });

    // once the DLQ is back the message lands there and the consumer moves on (nothing left retrying)
    await withKafkaAdmin(kafkaBrokers, (admin) =>
      createTopicsReady(admin, [{ topic: dlq, numPartitions: 3, replicationFactor: 1 }]),
    );
    const dead: string[] = [];
    const dlqReader = await sut.subscribe({
      groupId: 'it.dlq-down.reader',
      topics: [`${topic}.dlq`],
      handler: async (message) => void dead.push(message.value.toString()),
    });
    await expectEventually(() => expect(dead).toEqual(['poison']), { timeoutMs: 90_000 });
    await Promise.all([subscription.stop(), dlqReader.stop()]);
  }, 120_000);
});
