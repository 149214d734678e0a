// Outbox pipeline benchmarks on the real local infrastructure:
//   - PostgreSQL outbox inserts/s: single-event transactions from N concurrent clients, and batched;
//   - outbox → relay → Kafka → consumer with an Inbox effect: events/s, and p50/p99 latency from the event's
//     occurred-at to its effect's commit, saturated (all written at once) and paced.
// Producer, relay and consumer share this one process (and the machine's cores with PostgreSQL and Kafka).
import { randomUUID } from 'node:crypto';
import {
  EventHeaders,
  eventIdOf,
  Inbox,
  KafkaEventBus,
  Outbox,
  OutboxRelay,
  runMigrations,
  silentLogger,
} from '@renkei/platform';
import {
  applyProbe,
  createTestTopics,
  decodeProbe,
  deleteTestTopics,
  PROBE_TOPIC,
  probeDataSource,
  probeEvent,
} from '@renkei/platform/testing';
import { readInfraEnv, type InfraEnv } from '@renkei/testing';
import { formatResults, percentile, round, type BenchResult } from './lib/report';

const SINGLE_TXNS = 4000;
const CLIENTS = 8;
const BATCH_SIZE = 100;
const BATCHED_ROWS = 20_000;
const PIPELINE_EVENTS = 20_000;
const PACED_EVENTS = 3000;
const PACED_PER_SECOND = 300;
const KEYS = 1000;

const stamp = (): string => Date.now().toString(36);

async function inParallel(
  workers: number,
  jobs: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
}

export async function runOutboxBenchmarks(env: InfraEnv): Promise<BenchResult[]> {
  const schema = `bench_outbox_${stamp()}`;
  const topicPrefix = `bench_${stamp()}.`;
  const dataSource = probeDataSource(env.databaseUrl, schema, CLIENTS + 4);
  await runMigrations(dataSource);
  await createTestTopics(env.kafkaBrokers, topicPrefix, [PROBE_TOPIC], 3);
  const outbox = new Outbox(schema);
  const results: BenchResult[] = [];
  const write = (count: number, seq: number): Promise<void> =>
    dataSource.transaction((manager) =>
      outbox.add(
        manager,
        Array.from({ length: count }, (_, index) =>
          probeEvent({ probeId: `probe-${(seq + index) % KEYS}`, seq: seq + index }),
        ),
      ),
    );
  try {
    let started = performance.now();
    await inParallel(CLIENTS, SINGLE_TXNS, (index) => write(1, index));
    results.push({
      name: 'outbox insert, 1 event per transaction',
      value: round(SINGLE_TXNS / ((performance.now() - started) / 1000)),
      unit: 'events/s',
      detail: `${SINGLE_TXNS} transactions, ${CLIENTS} concurrent clients`,
    });

    started = performance.now();
    await inParallel(4, BATCHED_ROWS / BATCH_SIZE, (index) => write(BATCH_SIZE, index * BATCH_SIZE));
    results.push({
      name: `outbox insert, ${BATCH_SIZE} events per transaction`,
      value: round(BATCHED_ROWS / ((performance.now() - started) / 1000)),
      unit: 'events/s',
      detail: `${BATCHED_ROWS} events, 4 concurrent clients`,
    });
    await dataSource.query(`TRUNCATE "${schema}".outbox_event`);

    results.push(...(await pipeline(env, dataSource, schema, topicPrefix, write)));
  } finally {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await dataSource.destroy();
    await deleteTestTopics(env.kafkaBrokers, topicPrefix).catch(() => undefined);
  }
  return results;
}

async function pipeline(
  env: InfraEnv,
  dataSource: ReturnType<typeof probeDataSource>,
  schema: string,
  topicPrefix: string,
  write: (count: number, seq: number) => Promise<void>,
): Promise<BenchResult[]> {
  const bus = new KafkaEventBus({
    brokers: env.kafkaBrokers,
    clientId: 'bench-outbox',
    topicPrefix,
    logger: silentLogger,
    metricsIntervalMs: 0,
  });
  const relay = new OutboxRelay({ dataSource, schema, bus, logger: silentLogger });
  const inbox = new Inbox(dataSource, schema);
  const groupId = `bench.probe-${randomUUID().slice(0, 8)}`;
  let latencies: number[] = [];
  let applied = 0;
  let waiter: { target: number; resolve: () => void } | undefined;
  const subscription = await bus.subscribe({
    groupId,
    topics: [PROBE_TOPIC],
    handler: async (message) => {
      const eventId = eventIdOf(message);
      const probe = decodeProbe(message);
      const result = await inbox.process(groupId, eventId, (manager) =>
        applyProbe(manager, schema, eventId, probe),
      );
      if (result !== 'processed') return;
      latencies.push(Date.now() - Date.parse(message.headers[EventHeaders.occurredAt]));
      applied++;
      if (waiter && applied >= waiter.target) waiter.resolve();
    },
  });
  const appliedReach = (target: number): Promise<void> =>
    new Promise((resolve) => (applied >= target ? resolve() : (waiter = { target, resolve })));
  await relay.start();
  const results: BenchResult[] = [];
  try {
    const started = performance.now();
    await inParallel(4, PIPELINE_EVENTS / 50, (index) => write(50, index * 50));
    await appliedReach(PIPELINE_EVENTS);
    const seconds = (performance.now() - started) / 1000;
    results.push(
      {
        name: 'outbox → Kafka → inbox effect, saturated',
        value: round(PIPELINE_EVENTS / seconds),
        unit: 'events/s',
        detail: `${PIPELINE_EVENTS} events written at once (50 per txn), 3 partitions`,
      },
      {
        name: 'outbox → Kafka → inbox effect p50, saturated',
        value: percentile(latencies, 50),
        unit: 'ms',
        detail: 'occurred-at → effect committed; includes queueing',
      },
      { name: 'outbox → Kafka → inbox effect p99, saturated', value: percentile(latencies, 99), unit: 'ms' },
    );

    latencies = [];
    const pacedStart = performance.now();
    // not awaited one by one (that would break the pacing), but a failed write fails the run instead of
    // leaving appliedReach waiting forever
    const pacedWrites: Promise<void>[] = [];
    let writeFailure: unknown;
    for (let index = 0; index < PACED_EVENTS; index++) {
      const due = pacedStart + (index * 1000) / PACED_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pacedWrites.push(
        write(1, PIPELINE_EVENTS + index).catch((error: unknown) => void (writeFailure ??= error)),
      );
    }
    await Promise.all(pacedWrites);
    if (writeFailure !== undefined) throw writeFailure;
    await appliedReach(PIPELINE_EVENTS + PACED_EVENTS);
    results.push(
      {
        name: `outbox → Kafka → inbox effect p50 at ${PACED_PER_SECOND}/s`,
        value: percentile(latencies, 50),
        unit: 'ms',
        detail: `${PACED_EVENTS} single-event transactions`,
      },
      {
        name: `outbox → Kafka → inbox effect p99 at ${PACED_PER_SECOND}/s`,
        value: percentile(latencies, 99),
        unit: 'ms',
      },
    );
  } finally {
    await relay.stop();
    await subscription.stop();
    await bus.close();
  }
  return results;
}

if (require.main === module) {
  runOutboxBenchmarks(readInfraEnv()).then(
    (results) => console.log(formatResults(results)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
