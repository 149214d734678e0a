// The standalone path on real PostgreSQL: outbox → relay → InProcessEventBus → Inbox.
import { Registry } from 'prom-client';
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import type { DataSource } from 'typeorm';
import { runMigrations } from '../database/service-data-source';
import type { IncomingMessage } from '../messaging/event-bus';
import { InProcessEventBus } from '../messaging/in-process-event-bus';
import { silentLogger } from '../messaging/platform-logger';
import { EventHeaders, eventIdOf } from './event-headers';
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

describe(OutboxRelay.name, () => {
  const { databaseUrl } = readInfraEnv();
  const schema = uniqueName('outbox_relay');
  let dataSource: DataSource;
  let outbox: Outbox;
  let bus: InProcessEventBus;
  let relays: OutboxRelay[];
  let registry: Registry;

  const relay = (options: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay => {
    const created = new OutboxRelay({ dataSource, schema, bus, registry, logger: silentLogger, ...options });
    relays.push(created);
    return created;
  };
  const addProbes = (probeId: string, seqs: number[]): Promise<void> =>
    dataSource.transaction((manager) =>
      outbox.add(
        manager,
        seqs.map((seq) => probeEvent({ probeId, seq })),
      ),
    );

  beforeAll(async () => {
    dataSource = probeDataSource(databaseUrl, schema);
    await runMigrations(dataSource);
    outbox = new Outbox(schema);
  });

  beforeEach(async () => {
    registry = new Registry();
    bus = new InProcessEventBus({ logger: silentLogger, registry });
    relays = [];
    await dataSource.query(
      `TRUNCATE "${schema}".outbox_event, "${schema}".inbox_event, "${schema}".probe_effect`,
    );
  });

  afterEach(async () => {
    await Promise.all(relays.map((created) => created.stop()));
    await bus.close();
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('delivers committed events once through the inbox, never a rolled-back one, and absorbs a redelivery', async () => {
    const inbox = new Inbox(dataSource, schema);
    const results: string[] = [];
    await bus.subscribe({
      groupId: 'probe.effect',
      topics: [PROBE_TOPIC],
      handler: async (message) => {
        const eventId = eventIdOf(message);
        const probe = decodeProbe(message);
        results.push(
          await inbox.process('probe.effect', eventId, (manager) =>
            applyProbe(manager, schema, eventId, probe),
          ),
        );
      },
    });
    // only a notification can wake the relay in time: the poll fallback is a minute away
    await relay({ pollIntervalMs: 60_000 }).start();

    await addProbes('committed', [1, 2, 3, 4, 5]);
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.add(manager, [probeEvent({ probeId: 'rolled-back', seq: 1 })]);
        throw new Error('business rule rejected the change');
      }),
    ).rejects.toThrow('business rule');

    await expectEventually(async () => expect(await effectsOf(dataSource, schema)).toHaveLength(5));
    await dataSource.query(`UPDATE "${schema}".outbox_event SET published_at = NULL`);
    await dataSource.query(`SELECT pg_notify('renkei_outbox_${schema}', '')`);
    await expectEventually(() => expect(results.filter((result) => result === 'duplicate')).toHaveLength(5));

    const effects = await effectsOf(dataSource, schema);
    expect(effects.map((row) => [row.probe_id, row.seq, row.applied_count])).toEqual(
      [1, 2, 3, 4, 5].map((seq) => ['committed', seq, 1]),
    );
    expect(
      await dataSource.query(`SELECT count(*)::int AS n FROM "${schema}".outbox_event WHERE topic = $1`, [
        PROBE_TOPIC,
      ]),
    ).toEqual([{ n: 5 }]);
  });

  it('keeps a row unpublished when its consumer stops before handling it, and applies it once after a restart', async () => {
    let attempts = 0;
    const failing = await bus.subscribe({
      groupId: 'probe.restart',
      topics: [PROBE_TOPIC],
      retry: { maxAttempts: 5, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
      handler: async () => {
        attempts += 1;
        throw new Error('database unavailable');
      },
    });
    const firstRelay = relay({ pollIntervalMs: 60_000 });
    await firstRelay.start();
    await addProbes('restart', [1]);
    await expectEventually(() => expect(attempts).toBe(1));

    // the process shuts down while the handler is still failing: the publish is refused, the row stays
    await failing.stop();
    await firstRelay.stop();
    const [{ unpublished }] = await dataSource.query(
      `SELECT count(*)::int AS "unpublished" FROM "${schema}".outbox_event WHERE published_at IS NULL`,
    );
    expect(unpublished).toBe(1);
    expect(await effectsOf(dataSource, schema)).toHaveLength(0);

    // the next process: a fresh bus and relay deliver it, and the effect is applied once
    const restarted = new InProcessEventBus({ logger: silentLogger });
    try {
      const inbox = new Inbox(dataSource, schema);
      await restarted.subscribe({
        groupId: 'probe.restart',
        topics: [PROBE_TOPIC],
        handler: async (message) => {
          const eventId = eventIdOf(message);
          await inbox.process('probe.restart', eventId, (manager) =>
            applyProbe(manager, schema, eventId, decodeProbe(message)),
          );
        },
      });
      await relay({ bus: restarted, pollIntervalMs: 60_000 }).start();

      await expectEventually(async () => expect(await effectsOf(dataSource, schema)).toHaveLength(1));
      expect((await effectsOf(dataSource, schema))[0]).toMatchObject({
        probe_id: 'restart',
        applied_count: 1,
      });
    } finally {
      await Promise.all(relays.splice(0).map((created) => created.stop()));
      await restarted.close();
    }
  });

  it('publishes the envelope headers and payload written by the outbox', async () => {
    const seen: IncomingMessage[] = [];
    await bus.subscribe({
      groupId: 'probe.headers',
      topics: [PROBE_TOPIC],
      handler: async (message) => void seen.push(message),
    });
    const event = probeEvent({ probeId: 'p', seq: 7 });
    await dataSource.transaction((manager) => outbox.add(manager, [event]));

    expect(await relay().drainOnce()).toBe(1);

    await expectEventually(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toMatchObject({ topic: PROBE_TOPIC, key: 'p' });
    expect(decodeProbe(seen[0])).toEqual({ probeId: 'p', seq: 7 });
    expect(seen[0].headers).toMatchObject({
      [EventHeaders.eventId]: event.eventId,
      [EventHeaders.eventType]: event.type,
      [EventHeaders.producer]: 'probe',
      [EventHeaders.correlationId]: event.correlationId,
    });
    expect(new Date(seen[0].headers[EventHeaders.occurredAt]).getTime()).not.toBeNaN();
  });

  it('publishes each row exactly once and in order when two relays drain at the same time', async () => {
    const seqs = Array.from({ length: 400 }, (_, index) => index);
    for (let start = 0; start < seqs.length; start += 40)
      await addProbes('shared-key', seqs.slice(start, start + 40));
    const seen: number[] = [];
    await bus.subscribe({
      groupId: 'probe.order',
      topics: [PROBE_TOPIC],
      handler: async (message) => void seen.push(decodeProbe(message).seq),
    });

    const counts = await Promise.all([
      relay({ batchSize: 25 }).drainOnce(),
      relay({ batchSize: 25 }).drainOnce(),
    ]);
    const rest = await relay({ batchSize: 25 }).drainOnce();

    expect(counts[0] + counts[1] + rest).toBe(400);
    await expectEventually(() => expect(seen).toEqual(seqs));
  });

  it('reports backlog, published count and relay lag', async () => {
    await addProbes('metrics', [1, 2, 3]);
    const sut = relay();

    await sut.drainOnce();

    const text = await registry.metrics();
    expect(text).toContain(`renkei_outbox_backlog{schema="${schema}"} 0`);
    expect(text).toContain(`renkei_outbox_published_total{schema="${schema}"} 3`);
    expect(text).toContain(`renkei_outbox_relay_lag_seconds_count{schema="${schema}"} 3`);
  });

  it('reports the backlog it cannot publish while another relay holds the publishing lock', async () => {
    await addProbes('standby', [1, 2, 3]);
    const leader = dataSource.createQueryRunner();
    await leader.connect();
    await leader.startTransaction();
    try {
      await leader.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`renkei.outbox.${schema}`]);

      expect(await relay().drainOnce()).toBe(0);

      expect(await registry.metrics()).toContain(`renkei_outbox_backlog{schema="${schema}"} 3`);
    } finally {
      await leader.rollbackTransaction();
      await leader.release();
    }
  });

  it('deletes published rows older than the retention and keeps unpublished ones', async () => {
    await addProbes('old', [1, 2]);
    const sut = relay({ retentionMs: 0 });
    await sut.drainOnce();
    await addProbes('pending', [1]);

    expect(await sut.cleanup()).toBe(2);

    expect(await dataSource.query(`SELECT message_key FROM "${schema}".outbox_event`)).toEqual([
      { message_key: 'pending' },
    ]);
  });

  it('refuses to write outside a transaction', async () => {
    await expect(outbox.add(dataSource.manager, [probeEvent({ probeId: 'p', seq: 1 })])).rejects.toThrow(
      'caller transaction',
    );
  });
});
