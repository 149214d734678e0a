// Creates every topic of the registry (libs/contracts/src/topics.ts) on the local broker; idempotent.
// Run by deploy/local/infra after Kafka is up:  KAFKA_BROKERS=127.0.0.1:59092 node tools/run-ts.mjs deploy/local/create-topics.ts
import { Kafka, logLevel } from 'kafkajs';
import { allTopicSpecs, type TopicSpec } from '@renkei/contracts';
import { createTopicsReady } from '@renkei/platform';

function topicConfig(spec: TopicSpec): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [{ name: 'cleanup.policy', value: spec.cleanupPolicy }];
  if (spec.retentionMs !== undefined) entries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  return entries;
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
  const kafka = new Kafka({
    clientId: 'renkei-deploy-local',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const specs = allTopicSpecs();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      await createTopicsReady(
        admin,
        missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: 1,
          configEntries: topicConfig(spec),
        })),
      );
    }
    const metadata = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.name) });
    for (const spec of specs) {
      const found = metadata.topics.find((topic) => topic.name === spec.name);
      if (found?.partitions.length !== spec.partitions) {
        throw new Error(
          `${spec.name} has ${found?.partitions.length ?? 0} partitions, the registry says ${spec.partitions}`,
        );
      }
    }
    console.log(
      `topics: ${specs.length} in the registry, ${missing.length} created (${missing.map((s) => s.name).join(', ') || 'none'})`,
    );
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error('create-topics failed:', error);
  process.exit(1);
});
