// Raw throughput of the local infrastructure itself (no Renkei code): the ceiling the pipeline benchmarks compare to.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { Client as MinioClient } from 'minio';
import { Pool } from 'pg';
import { createTopicsReady } from '@renkei/platform';
import { uniqueName, type InfraEnv } from '@renkei/testing';
import { percentile, round, type BenchResult } from './lib/report';

const MINIO_OBJECT_BYTES = 20 * 1024;
const MINIO_CONCURRENCY = 16;
const MINIO_MAX_OBJECTS = 2000;
const MINIO_MAX_MS = 10_000;

const KAFKA_MESSAGE_BYTES = 1024;
const KAFKA_MESSAGES = 100_000;
const KAFKA_BATCH = 1000;
const KAFKA_PARTITIONS = 3;

const PG_ROW_BYTES = 1024;
const PG_MAX_MS = 5_000;
const PG_MAX_ROWS = 20_000;

const seconds = (ms: number): number => ms / 1000;

/** Runs `worker` on `concurrency` lanes until `shouldStop()`; returns per-operation latencies in ms. */
async function runLanes(
  concurrency: number,
  shouldStop: () => boolean,
  worker: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!shouldStop()) {
      const i = next++;
      const started = performance.now();
      await worker(i);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return latencies;
}

export async function benchMinioPut(env: InfraEnv): Promise<BenchResult[]> {
  const { bucket, ...connection } = env.minio;
  const client = new MinioClient(connection);
  const prefix = `bench/${uniqueName('raw')}`;
  const body = randomBytes(MINIO_OBJECT_BYTES);
  let issued = 0;
  const started = performance.now();
  const latencies = await runLanes(
    MINIO_CONCURRENCY,
    () => issued >= MINIO_MAX_OBJECTS || performance.now() - started > MINIO_MAX_MS,
    async (i) => {
      issued++;
      await client.putObject(bucket, `${prefix}/${i}`, body, body.length);
    },
  );
  const elapsedMs = performance.now() - started;
  const keys = Array.from({ length: latencies.length }, (_, i) => `${prefix}/${i}`);
  for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(bucket, keys.slice(i, i + 1000));
  const perSecond = latencies.length / seconds(elapsedMs);
  return [
    {
      name: 'minio.put.20kb',
      value: perSecond,
      unit: 'PUT/s',
      detail: `${latencies.length} objects, ${MINIO_CONCURRENCY} in flight, ${round((perSecond * MINIO_OBJECT_BYTES) / 1048576)} MiB/s, p50 ${round(percentile(latencies, 50))} ms, p99 ${round(percentile(latencies, 99))} ms`,
    },
  ];
}

export async function benchKafka(env: InfraEnv): Promise<BenchResult[]> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = `bench.${uniqueName('raw')}`;
  await admin.connect();
  await createTopicsReady(admin, [{ topic, numPartitions: KAFKA_PARTITIONS, replicationFactor: 1 }]);
  try {
    const value = randomBytes(KAFKA_MESSAGE_BYTES);
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const batchLatencies: number[] = [];
    const produceStarted = performance.now();
    for (let sent = 0; sent < KAFKA_MESSAGES; sent += KAFKA_BATCH) {
      const messages: Message[] = Array.from({ length: KAFKA_BATCH }, (_, i) => ({
        key: String(sent + i),
        value,
      }));
      const started = performance.now();
      await producer.send({ topic, acks: -1, messages });
      batchLatencies.push(performance.now() - started);
    }
    const produceMs = performance.now() - produceStarted;
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `bench.${uniqueName('raw')}`, maxBytes: 10 * 1048576 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = 0;
    let firstAt = 0;
    const consumeStarted = performance.now();
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          if (firstAt === 0) firstAt = performance.now();
          received += batch.messages.length;
          if (received >= KAFKA_MESSAGES) resolve();
        },
      });
    });
    await done;
    const consumeEnd = performance.now();
    await consumer.disconnect();

    return [
      {
        name: 'kafka.produce.1kb',
        value: KAFKA_MESSAGES / seconds(produceMs),
        unit: 'msg/s',
        detail: `${KAFKA_MESSAGES} msgs, idempotent, acks=all, batches of ${KAFKA_BATCH}, ${KAFKA_PARTITIONS} partitions, batch p50 ${round(percentile(batchLatencies, 50))} ms, p99 ${round(percentile(batchLatencies, 99))} ms`,
      },
      {
        name: 'kafka.consume.1kb',
        value: received / seconds(consumeEnd - firstAt),
        unit: 'msg/s',
        detail: `${received} msgs, fresh group from the beginning; group join + first fetch ${Math.round(firstAt - consumeStarted)} ms not counted`,
      },
    ];
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

export async function benchPostgresInsert(env: InfraEnv): Promise<BenchResult[]> {
  const schema = uniqueName('bench');
  const pool = new Pool({ connectionString: env.databaseUrl, max: 16 });
  const payload = randomBytes(PG_ROW_BYTES / 2).toString('hex');
  const results: BenchResult[] = [];
  await pool.query(`create schema ${schema}`);
  try {
    await pool.query(
      `create table ${schema}.rows (id bigserial primary key, payload text not null, created_at timestamptz not null default now())`,
    );
    for (const concurrency of [1, 16]) {
      let issued = 0;
      const started = performance.now();
      const latencies = await runLanes(
        concurrency,
        () => issued >= PG_MAX_ROWS || performance.now() - started > PG_MAX_MS,
        async () => {
          issued++;
          await pool.query(`insert into ${schema}.rows (payload) values ($1)`, [payload]);
        },
      );
      const elapsedMs = performance.now() - started;
      results.push({
        name: `pg.insert.1kb.c${concurrency}`,
        value: latencies.length / seconds(elapsedMs),
        unit: 'INSERT/s',
        detail: `${latencies.length} autocommit inserts, ${concurrency} connection(s), fsync on, p50 ${round(percentile(latencies, 50), 2)} ms, p99 ${round(percentile(latencies, 99), 2)} ms`,
      });
    }
  } finally {
    await pool.query(`drop schema ${schema} cascade`);
    await pool.end();
  }
  return results;
}

export async function runRawInfraBenchmarks(env: InfraEnv): Promise<BenchResult[]> {
  return [...(await benchMinioPut(env)), ...(await benchKafka(env)), ...(await benchPostgresInsert(env))];
}
