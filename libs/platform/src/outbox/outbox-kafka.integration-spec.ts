// The cluster path on real PostgreSQL and Kafka: outbox → relay → Kafka → consumer with Inbox.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import type { DataSource } from 'typeorm';
import { runMigrations } from '../database/service-data-source';
import { DlqHeaders, dlqTopicOf, type IncomingMessage, type Subscription } from '../messaging/event-bus';
import { createTestTopics, deleteTestTopics, withKafkaAdmin } from '../messaging/fixtures/kafka-topics';
import { KafkaEventBus } from '../messaging/kafka-event-bus';
import { silentLogger } from '../messaging/platform-logger';
import { eventIdOf } from './event-headers';
import {
  PROBE_TOPIC,
  applyProbe,
  decodeProbe,
  effectsOf,
  probeDataSource,
  probeEvent,
} from './fixtures/probe';
import { Inbox } from './inbox';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const SOON = { timeoutMs: 60_000 };

describe('outbox → Kafka → inbox', () => {
  const infra = readInfraEnv();
  const schema = uniqueName('outbox_kafka');
  let topicPrefix: string;
  let dataSource: DataSource;
  let outbox: Outbox;
  let inbox: Inbox;
  let bus: KafkaEventBus;
  let relay: OutboxRelay;
  const subscriptions: Subscription[] = [];
  const children: ChildProcess[] = [];

  const addProbes = (probeId: string, count: number): Promise<void> =>
    dataSource.transaction((manager) =>
      outbox.add(
        manager,
        Array.from({ length: count }, (_, seq) => probeEvent({ probeId, seq })),
      ),
    );
  const consumeWithInbox = async (groupId: string, results: string[]): Promise<Subscription> => {
    const subscription = await bus.subscribe({
      groupId,
      topics: [PROBE_TOPIC],
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
      handler: async (message) => {
        const eventId = eventIdOf(message);
        const probe = decodeProbe(message);
        results.push(
          await inbox.process(groupId, eventId, (manager) => applyProbe(manager, schema, eventId, probe)),
        );
      },
    });
    subscriptions.push(subscription);
    return subscription;
  };
  const count = (results: string[], result: string): number =>
    results.filter((entry) => entry === result).length;

  beforeAll(async () => {
    dataSource = probeDataSource(infra.databaseUrl, schema);
    await runMigrations(dataSource);
    outbox = new Outbox(schema);
    inbox = new Inbox(dataSource, schema);
  });

  // each test gets its own topics, so a new group reading from the earliest offset sees only its test's events
  beforeEach(async () => {
    topicPrefix = `${uniqueName('t')}.`;
    await createTestTopics(infra.kafkaBrokers, topicPrefix, [PROBE_TOPIC]);
    await dataSource.query(
      `TRUNCATE "${schema}".outbox_event, "${schema}".inbox_event, "${schema}".probe_effect`,
    );
    bus = new KafkaEventBus({
      brokers: infra.kafkaBrokers,
      clientId: 'outbox-kafka-it',
      topicPrefix,
      logger: silentLogger,
      metricsIntervalMs: 0,
    });
    relay = new OutboxRelay({ dataSource, schema, bus, logger: silentLogger });
  });

  afterEach(async () => {
    children
      .splice(0)
      .forEach((child) => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    await relay.stop();
    await bus.close();
    await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('applies each committed event once, never a rolled-back one, and absorbs re-publishing and an offset reset', async () => {
    const groupId = 'probe.round-trip';
    await addProbes('order-a', 20);
    await addProbes('order-b', 20);
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.add(manager, [probeEvent({ probeId: 'rolled-back', seq: 0 })]);
        throw new Error('rejected');
      }),
    ).rejects.toThrow('rejected');
    const results: string[] = [];
    const first = await consumeWithInbox(groupId, results);

    expect(await relay.drainOnce()).toBe(40);
    await expectEventually(() => expect(count(results, 'processed')).toBe(40), SOON);

    // redelivery 1: the relay publishes the same rows again (a crash before it marked them)
    await dataSource.query(`UPDATE "${schema}".outbox_event SET published_at = NULL`);
    expect(await relay.drainOnce()).toBe(40);
    await expectEventually(() => expect(count(results, 'duplicate')).toBe(40), SOON);

    // redelivery 2: the group's offsets go back to the start
    await first.stop();
    await withKafkaAdmin(infra.kafkaBrokers, (admin) =>
      admin.resetOffsets({
        groupId: `${topicPrefix}${groupId}`,
        topic: `${topicPrefix}${PROBE_TOPIC}`,
        earliest: true,
      }),
    );
    await consumeWithInbox(groupId, results);
    await expectEventually(() => expect(count(results, 'duplicate')).toBe(120), SOON);

    const effects = await effectsOf(dataSource, schema);
    expect(effects).toHaveLength(40);
    expect(effects.every((row) => row.applied_count === 1)).toBe(true);
    expect(effects.some((row) => row.probe_id === 'rolled-back')).toBe(false);
    expect(count(results, 'processed')).toBe(40);
  });

  it('sends an undecodable event to the DLQ with its reason and goes on with the next one', async () => {
    const groupId = 'probe.poison';
    const dead: IncomingMessage[] = [];
    const results: string[] = [];
    await consumeWithInbox(groupId, results);
    subscriptions.push(
      await bus.subscribe({
        groupId: 'probe.dlq-reader',
        topics: [dlqTopicOf(PROBE_TOPIC)],
        handler: async (message) => void dead.push(message),
      }),
    );
    const poison = {
      ...probeEvent({ probeId: 'poison', seq: 0 }),
      value: new TextEncoder().encode('{not json'),
    };
    await dataSource.transaction((manager) =>
      outbox.add(manager, [poison, probeEvent({ probeId: 'poison', seq: 1 })]),
    );

    await relay.drainOnce();

    await expectEventually(() => expect(dead).toHaveLength(1), SOON);
    await expectEventually(() => expect(results).toEqual(['processed']), SOON);
    expect(dead[0].key).toBe('poison');
    expect(dead[0].value.toString()).toBe('{not json');
    expect(dead[0].headers).toMatchObject({
      'event-id': poison.eventId,
      [DlqHeaders.reason]: 'undecodable',
      [DlqHeaders.originalTopic]: PROBE_TOPIC,
      [DlqHeaders.groupId]: groupId,
    });
    expect(await effectsOf(dataSource, schema)).toEqual([
      expect.objectContaining({ probe_id: 'poison', seq: 1, applied_count: 1 }),
    ]);
  });

  it('loses and duplicates nothing when the consumer is SIGKILLed between its effect commit and its offset commit', async () => {
    const groupId = 'probe.crash';
    const total = 60;
    for (const probeId of ['k-1', 'k-2', 'k-3', 'k-4']) await addProbes(probeId, total / 4);
    await relay.drainOnce();

    const crashed = startConsumer(groupId, { KILL_AFTER: '25' });
    const crash = await crashed.exit;
    expect(crash.signal ?? crash.code).not.toBe(0);
    expect(crashed.output()).toContain('killing after');
    const killedAt = /killing after (\S+)/.exec(crashed.output())?.[1];
    expect((await effectsOf(dataSource, schema)).length).toBeGreaterThanOrEqual(25);

    const restarted = startConsumer(groupId, {});
    await expectEventually(async () => expect(await effectsOf(dataSource, schema)).toHaveLength(total), SOON);
    await expectEventually(() => expect(restarted.output()).toContain(`duplicate ${killedAt}`), SOON);
    restarted.child.kill('SIGTERM');
    await restarted.exit;

    const effects = await effectsOf(dataSource, schema);
    expect(effects.filter((row) => row.applied_count !== 1)).toEqual([]);
    expect(
      await dataSource.query(
        `SELECT count(*)::int AS n FROM "${schema}".inbox_event WHERE consumer_group = $1`,
        [groupId],
      ),
    ).toEqual([{ n: total }]);
  }, 180_000);

  function startConsumer(groupId: string, extra: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ['tools/run-ts.mjs', 'libs/platform/src/outbox/fixtures/inbox-consumer.fixture.ts'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          PROBE_SCHEMA: schema,
          PROBE_GROUP: groupId,
          TOPIC_PREFIX: topicPrefix,
          DATABASE_URL: infra.databaseUrl,
          KAFKA_BROKERS: infra.kafkaBrokers.join(','),
          ...extra,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, exit, output: () => output };
  }
});
