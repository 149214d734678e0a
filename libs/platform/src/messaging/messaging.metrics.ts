// The bus metrics. Both adapters record the same series; `topic` is always the un-prefixed topic name.
import type { Counter, Gauge, Registry } from 'prom-client';
import { counterOn, gaugeOn } from './metric.util';

export type ConsumeOutcome = 'ok' | 'retried' | 'dlq';

export class MessagingMetrics {
  readonly published: Counter<'topic'>;
  readonly consumed: Counter<'group' | 'topic' | 'outcome'>;
  /** labelled with the source topic whose dead letters these are */
  readonly dlqMessages: Counter<'topic'>;
  readonly consumerLag: Gauge<'group' | 'topic'>;
  /** messages held in `<topic>.dlq`, labelled with the source topic */
  readonly dlqDepth: Gauge<'topic'>;

  constructor(registry: Registry) {
    this.published = counterOn(
      registry,
      'renkei_messaging_published_total',
      'Messages accepted by the bus.',
      ['topic'],
    );
    this.consumed = counterOn(
      registry,
      'renkei_messaging_consumed_total',
      'Deliveries to handlers by outcome: ok, retried (a transient failure that will be retried), dlq.',
      ['group', 'topic', 'outcome'],
    );
    this.dlqMessages = counterOn(
      registry,
      'renkei_messaging_dlq_messages_total',
      'Messages sent to <topic>.dlq.',
      ['topic'],
    );
    this.consumerLag = gaugeOn(
      registry,
      'renkei_messaging_consumer_lag',
      'Messages not yet committed by a consumer group, summed over partitions.',
      ['group', 'topic'],
    );
    this.dlqDepth = gaugeOn(
      registry,
      'renkei_messaging_dlq_depth',
      'Messages held in the dead-letter topic of a topic.',
      ['topic'],
    );
  }

  consumedOne(group: string, topic: string, outcome: ConsumeOutcome): void {
    this.consumed.inc({ group, topic, outcome });
  }
}
