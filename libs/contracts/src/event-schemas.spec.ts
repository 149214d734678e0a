import { decodeEvent, encodeEvent, TopicSchemas } from './event-schemas';
import { allTopicSpecs, Topics } from './topics';

describe('topic registry', () => {
  it('names each topic <domain>.<entity>.<event>.v<major> and maps it to its declared message', () => {
    for (const [key, spec] of Object.entries(Topics)) {
      expect(spec.name).toMatch(/^[a-z]+\.[a-z-]+\.[a-z-]+\.v\d+$/);
      expect(TopicSchemas[key as keyof typeof Topics].typeName).toBe(spec.message);
    }
  });

  it('gives every topic a dead-letter topic and no name twice', () => {
    const names = allTopicSpecs().map((spec) => spec.name);

    expect(new Set(names).size).toBe(names.length);
    for (const spec of Object.values(Topics)) expect(names).toContain(`${spec.name}.dlq`);
  });

  it('gives delete topics a retention and compacted topics none', () => {
    const specs = allTopicSpecs();

    expect(specs.filter((spec) => spec.cleanupPolicy === 'delete' && spec.retentionMs === undefined)).toEqual(
      [],
    );
    expect(
      specs.filter((spec) => spec.cleanupPolicy === 'compact' && spec.retentionMs !== undefined),
    ).toEqual([]);
  });
});

describe('encodeEvent', () => {
  it('round-trips an event with its meta', () => {
    const occurredAt = new Date('2026-11-24T01:02:03.004Z');

    const encoded = encodeEvent(
      'platformProbeRecorded',
      {
        eventId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
        producer: 'intake',
        correlationId: 'c-1',
        occurredAt,
      },
      { probeId: 'p-1', sequence: 7n },
    );
    const decoded = decodeEvent('platformProbeRecorded', encoded.value);

    expect(encoded).toMatchObject({
      topic: 'platform.probe.recorded.v1',
      type: 'renkei.platform.v1.ProbeRecorded',
    });
    expect(decoded.probeId).toBe('p-1');
    expect(decoded.sequence).toBe(7n);
    expect(decoded.meta).toMatchObject({
      eventId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
      producer: 'intake',
      correlationId: 'c-1',
    });
    expect(Number(decoded.meta?.occurredAt?.seconds)).toBe(Math.floor(occurredAt.getTime() / 1000));
  });

  it('refuses bytes that are not the topic message', () => {
    expect(() => decodeEvent('platformProbeRecorded', Uint8Array.from([0xff, 0xff, 0xff]))).toThrow();
  });
});
