// Topic creation that waits for the partitions' leaders, for the local deploy script, the test harness and tests.
import { Admin, ITopicConfig, KafkaJSProtocolError } from 'kafkajs';

/** a KRaft broker answers these for a moment after creating a topic, until its partitions have leaders */
const NOT_READY_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates the topics (those that exist already are left as they are) and waits until every partition has a
 * leader. kafkajs's own `waitForLeaders` retries LEADER_NOT_AVAILABLE only, and gives up on the
 * UNKNOWN_TOPIC_OR_PARTITION a KRaft broker may answer right after the creation.
 */
export async function createTopicsReady(
  admin: Admin,
  topics: ITopicConfig[],
  timeoutMs = 30_000,
): Promise<void> {
  await admin.createTopics({ waitForLeaders: false, topics });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      const led = metadata.topics.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
      );
      if (led) return;
    } catch (error) {
      if (!(error instanceof KafkaJSProtocolError) || !NOT_READY_YET.has(error.type)) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `topics without leaders after ${timeoutMs} ms: ${topics.map((t) => t.topic).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
