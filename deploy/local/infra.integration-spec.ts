// Proves that deploy/local/infra runs the real thing: PostgreSQL 17, a Kafka broker with the registry topics
// and no auto-creation, and MinIO with the application bucket.
import { Kafka, logLevel } from 'kafkajs';
import { Client as MinioClient } from 'minio';
import { Client as PgClient } from 'pg';
import { allTopicSpecs } from '@renkei/contracts';
import { readInfraEnv, uniqueName } from '@renkei/testing';

const env = readInfraEnv();

describe('deploy/local/infra', () => {
  it('runs PostgreSQL 17 reachable with the generated password', async () => {
    const client = new PgClient({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; db: string }>(
        'select version(), current_database() as db',
      );
      expect(rows[0].version).toMatch(/^PostgreSQL 17\./);
      expect(rows[0].db).toBe('renkei');
    } finally {
      await client.end();
    }
  });

  describe('Kafka', () => {
    const kafka = new Kafka({
      clientId: 'infra-spec',
      brokers: env.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();

    beforeAll(() => admin.connect());
    afterAll(() => admin.disconnect());

    it('has every registry topic with the registry partition count', async () => {
      const specs = allTopicSpecs();
      const metadata = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.name) });
      const partitions = Object.fromEntries(
        metadata.topics.map((topic) => [topic.name, topic.partitions.length]),
      );
      expect(partitions).toEqual(Object.fromEntries(specs.map((spec) => [spec.name, spec.partitions])));
    });

    it('refuses to produce to a topic that was never created', async () => {
      const topic = uniqueName('infra_spec_unknown');
      const producer = kafka.producer({
        allowAutoTopicCreation: true,
        retry: { retries: 1, initialRetryTime: 100 },
      });
      await producer.connect();
      try {
        await expect(producer.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow();
      } finally {
        await producer.disconnect();
      }
      expect(await admin.listTopics()).not.toContain(topic);
    });
  });

  it('serves the application bucket on MinIO with a put/get round trip', async () => {
    const { bucket, ...connection } = env.minio;
    const client = new MinioClient(connection);
    expect(await client.bucketExists(bucket)).toBe(true);
    const key = `${uniqueName('infra_spec')}/hello.txt`;
    const body = Buffer.from(`hello ${key}`);
    await client.putObject(bucket, key, body, body.length);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await client.getObject(bucket, key)) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe(body.toString());
    } finally {
      await client.removeObject(bucket, key);
    }
  });
});
