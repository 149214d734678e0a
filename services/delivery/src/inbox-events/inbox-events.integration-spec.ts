// GET /v1/inbox/events on the real PostgreSQL, two delivery replicas on one database (as a cluster runs them).
// On the in-process bus only replica A's consumers file the envelopes published on its bus, so agents connected
// to replica B get the arrivals through NOTIFY/LISTEN alone; on Kafka both replicas share the consumer groups
// (test topics under a unique prefix) and either may file them. Tokens are verified over HTTP from a JWKS the
// test serves.
import {
  freshDatabase,
  httpKeySetEnv,
  kafkaEnv,
  startTestApp,
  TestTokens,
  type FreshDatabase,
  type ServedJwks,
  type TestApp,
} from '@renkei/harness';
import { EventBus, MetricsRegistry, type EnvSource } from '@renkei/platform';
import { createTestTopics, deleteTestTopics } from '@renkei/platform/testing';
import { decodeEvent, Topics } from '@renkei/contracts';
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { deliveryApp } from '../delivery.app';
import { deliveryDefinition } from '../delivery.definition';
import { recordOfAvailable } from '../envelopes/envelope-event.mapper';
import type { EnvelopeItem, EnvelopePage } from '../envelopes/envelope-item.mapper';
import { EnvelopesService } from '../envelopes/envelopes.service';
import {
  acceptedEvent,
  availableEvent,
  licenceEvent,
  type EncodedEvent,
} from '../envelopes/fixtures/envelope-events.fixture';
import { SseConnection, type ReceivedEvent } from './fixtures/sse-connection.fixture';

const tokens = new TestTokens('delivery-sse-test-key');
const HEARTBEAT_MS = 300;
const MAX_PER_OFFICE = 2;

let officeCounter = 0;
/** a fresh 事業所番号 per test, so each test reads its own inbox */
const newOfficeNumber = (): string => `27${String((officeCounter += 1)).padStart(8, '0')}`;

const tokenFor = (officeNumber: string, expiresInSeconds = 900): string => {
  const now = Math.floor(Date.now() / 1000);
  return tokens.token({ officeNumber, serviceTypes: ['43', '46'] }, { exp: now + expiresInSeconds });
};

const infra = readInfraEnv();

describe.each(['inprocess', 'kafka'] as const)(
  'delivery inbox events (SSE) across two replicas on the %s bus',
  (driver) => {
    const topicPrefix = `${uniqueName('delivery-sse')}.`;
    let database: FreshDatabase;
    let jwks: ServedJwks;
    let replicaA: TestApp;
    let replicaB: TestApp;
    const open: SseConnection[] = [];

    const env = (): EnvSource => ({
      DATABASE_URL: database.url,
      ...httpKeySetEnv(jwks),
      ...(driver === 'kafka' ? kafkaEnv(topicPrefix) : { EVENT_BUS_DRIVER: 'inprocess' }),
      INBOX_EVENTS_HEARTBEAT_MS: String(HEARTBEAT_MS),
      INBOX_EVENTS_MAX_STREAMS_PER_OFFICE: String(MAX_PER_OFFICE),
    });

    /** publishes on replica A's bus: its consumers (in-process) or either replica's (Kafka) file the envelopes */
    async function publish(...events: EncodedEvent[]): Promise<void> {
      await replicaA.running.app.get(EventBus).publish(
        events.map((event) => ({
          topic: event.topic,
          key: event.key,
          value: event.value,
          headers: { 'event-id': event.eventId, producer: 'test' },
        })),
      );
    }

    async function consumed(...events: EncodedEvent[]): Promise<void> {
      const ids = events.map((event) => event.eventId);
      await expectEventually(
        async () => {
          const rows = await database.rows<{ n: number }>(
            `select count(distinct event_id)::int as n from delivery.inbox_event where event_id = any($1::uuid[])`,
            [ids],
          );
          expect(rows[0].n).toBe(ids.length);
        },
        { timeoutMs: 30_000 },
      );
    }

    async function newOffice(): Promise<string> {
      const office = newOfficeNumber();
      const licensed = licenceEvent({ officeNumber: office });
      await publish(licensed);
      await consumed(licensed);
      return office;
    }

    /** files one available envelope for `recipient` through replica A; resolves once consumed */
    async function deliver(sender: string, recipient: string, count = 1): Promise<string[]> {
      const ids = Array.from({ length: count }, () => randomUUID());
      const events = ids.map((envelopeId, index) =>
        availableEvent({
          envelopeId,
          sender,
          recipient,
          availableAt: new Date(Date.UTC(2026, 10, 24, 6, 0, index)),
        }),
      );
      await publish(...events);
      await consumed(...events);
      return ids;
    }

    async function connect(
      replica: TestApp,
      office: string,
      options: { query?: string; lastEventId?: string; token?: string } = {},
    ): Promise<SseConnection> {
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.token ?? tokenFor(office)}`,
        accept: 'text/event-stream',
      };
      if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
      const connection = await SseConnection.open(
        `${replica.running.url}/v1/inbox/events${options.query ?? ''}`,
        headers,
      );
      open.push(connection);
      return connection;
    }

    const isReady = (event: ReceivedEvent): boolean => event.event === 'ready';
    const arrivalIds = (connection: SseConnection): string[] =>
      connection.arrivals().map((event) => event.id ?? '');
    const envelopeIdsOf = (connection: SseConnection): string[] =>
      connection.arrivals().map((event) => (JSON.parse(event.data) as EnvelopeItem).envelopeId);

    beforeAll(async () => {
      if (driver === 'kafka') {
        await createTestTopics(infra.kafkaBrokers, topicPrefix, [
          Topics.intakeEnvelopeAccepted.name,
          Topics.storageEnvelopeAvailable.name,
          Topics.storageEnvelopeDownloaded.name,
          Topics.registryLicenceChanged.name,
          Topics.certificateTrustChanged.name,
          Topics.certificateRevocationRecorded.name,
        ]);
      }
      database = await freshDatabase('delivery_sse', [deliveryDefinition]);
      jwks = await tokens.serveJwks();
      replicaA = await startTestApp(deliveryApp, env());
      replicaB = await startTestApp(deliveryApp, env());
    });

    afterEach(() => {
      for (const connection of open.splice(0)) connection.close();
    });

    afterAll(async () => {
      await replicaA?.close();
      await replicaB?.close();
      await jwks?.close();
      await database?.drop();
      if (driver === 'kafka') await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
    });

    it('pushes to an agent on replica B what was filed, as GET /v1/inbox lists it', async () => {
      const sender = await newOffice();
      const recipient = await newOffice();
      const stream = await connect(replicaB, recipient);
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      // a new office: nothing to replay, the stream stands before the first number
      expect(await stream.waitFor(isReady)).toMatchObject({ id: '0' });

      const started = Date.now();
      const [envelopeId] = await deliver(sender, recipient);
      const arrival = await stream.waitFor((event) => event.event === 'arrival', 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(arrival.id).toBe('1');

      const listed = await fetch(`${replicaA.running.url}/v1/inbox`, {
        headers: { authorization: `Bearer ${tokenFor(recipient)}` },
      });
      const page = (await listed.json()) as EnvelopePage;
      expect(JSON.parse(arrival.data)).toEqual(page.items[0]);
      expect(page.items[0]).toMatchObject({ envelopeId, sender: { officeNumber: sender } });
      expect(stream.retries).toEqual([5000]);
    });

    it('pushes an envelope once it is available, not at its acceptance, and once only', async () => {
      const sender = await newOffice();
      const recipient = await newOffice();
      const toRecipient = await connect(replicaB, recipient);
      const toSender = await connect(replicaB, sender);
      await Promise.all([toRecipient.waitFor(isReady), toSender.waitFor(isReady)]);
      const envelopeId = randomUUID();
      const accepted = acceptedEvent({ envelopeId, sender, recipient });
      await publish(accepted);
      await consumed(accepted);
      // another envelope filed after the acceptance takes number 1: the acceptance numbered and pushed nothing
      const [before] = await deliver(await newOffice(), recipient);
      await toRecipient.waitFor((event) => event.id === '1');

      const available = availableEvent({ envelopeId, sender, recipient });
      await publish(available);
      await consumed(available);
      await toRecipient.waitFor((event) => event.id === '2');
      // the same event again (a redelivery) files nothing new
      await publish(availableEvent({ envelopeId, sender, recipient }));
      const [after] = await deliver(sender, recipient);
      await toRecipient.waitFor((event) => event.id === '3');
      expect(arrivalIds(toRecipient)).toEqual(['1', '2', '3']);
      expect(envelopeIdsOf(toRecipient)).toEqual([before, envelopeId, after]);
      expect(toSender.arrivals()).toEqual([]);
    });

    it("never shows an office another office's arrivals, on either replica", async () => {
      const sender = await newOffice();
      const recipient = await newOffice();
      const other = await newOffice();
      const otherOnA = await connect(replicaA, other);
      const otherOnB = await connect(replicaB, other);
      const mine = await connect(replicaB, recipient);
      await Promise.all([otherOnA, otherOnB, mine].map((stream) => stream.waitFor(isReady)));

      await deliver(sender, recipient, 2);
      await mine.waitFor((event) => event.id === '2');
      // an arrival for the other office, notified after the recipient's: once it is through, so are those
      const [own] = await deliver(sender, other);
      await otherOnA.waitFor((event) => event.id === '1');
      await otherOnB.waitFor((event) => event.id === '1');
      expect(envelopeIdsOf(otherOnA)).toEqual([own]);
      expect(envelopeIdsOf(otherOnB)).toEqual([own]);
      expect(arrivalIds(mine)).toEqual(['1', '2']);
    });

    it('resumes after Last-Event-ID or ?after with exactly the missed arrivals, then goes on live', async () => {
      const sender = await newOffice();
      const recipient = await newOffice();
      const first = await connect(replicaB, recipient);
      await first.waitFor(isReady);
      const early = await deliver(sender, recipient, 2);
      await first.waitFor((event) => event.id === '2');
      first.close();

      const missed = await deliver(sender, recipient, 3);
      const resumed = await connect(replicaB, recipient, { lastEventId: '2' });
      const ready = await resumed.waitFor(isReady);
      expect(ready.id).toBe('5');
      expect(arrivalIds(resumed)).toEqual(['3', '4', '5']);
      expect(envelopeIdsOf(resumed)).toEqual(missed);

      const everything = await connect(replicaA, recipient, { query: '?after=0' });
      await everything.waitFor(isReady);
      expect(envelopeIdsOf(everything)).toEqual([...early, ...missed]);

      const [live] = await deliver(sender, recipient);
      await resumed.waitFor((event) => event.id === '6');
      await everything.waitFor((event) => event.id === '6');
      expect(arrivalIds(resumed)).toEqual(['3', '4', '5', '6']);
      expect(envelopeIdsOf(resumed).at(-1)).toBe(live);
    });

    it('leaves no gap and no duplicate when arrivals are filed during the replay', async () => {
      const sender = await newOffice();
      const recipient = await newOffice();
      await deliver(sender, recipient, 5);
      // the replay of 1–5 and the filing of 6–30 race
      const filing = deliver(sender, recipient, 25);
      const stream = await connect(replicaB, recipient, { query: '?after=0' });
      await filing;
      await stream.waitFor((event) => event.id === '30');
      expect(arrivalIds(stream)).toEqual(Array.from({ length: 30 }, (_, index) => String(index + 1)));
    });

    it('numbers concurrent filings for one office in commit order', async () => {
      const sender = await newOffice();
      const recipient = await newOffice();
      const stream = await connect(replicaB, recipient);
      await stream.waitFor(isReady);
      const service = replicaA.running.app.get(EnvelopesService);
      const dataSource = replicaA.running.app.get(DataSource);
      const recordFor = (envelopeId: string) =>
        recordOfAvailable(
          decodeEvent('storageEnvelopeAvailable', availableEvent({ envelopeId, sender, recipient }).value),
        );
      const [first, second] = [randomUUID(), randomUUID()];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let filed!: () => void;
      const firstFiled = new Promise<void>((resolve) => (filed = resolve));

      // the first filing holds its transaction open; the second, for the same office, must wait for its commit
      const firstTransaction = dataSource.transaction(async (manager) => {
        await service.recordEnvelope(manager, recordFor(first));
        filed();
        await held;
      });
      await firstFiled;
      const secondTransaction = dataSource.transaction((manager) =>
        service.recordEnvelope(manager, recordFor(second)),
      );
      // release the first only once the second is blocked behind it
      await expectEventually(async () => {
        const waiting = await database.rows<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`,
          [database.name],
        );
        expect(waiting[0].n).toBe(1);
      });
      release();
      await Promise.all([firstTransaction, secondTransaction]);

      await stream.waitFor((event) => event.id === '2');
      expect(arrivalIds(stream)).toEqual(['1', '2']);
      expect(envelopeIdsOf(stream)).toEqual([first, second]);
    });

    it('closes a stream when its token expires', async () => {
      const recipient = await newOffice();
      const stream = await connect(replicaB, recipient, { token: tokenFor(recipient, 2) });
      await stream.waitFor(isReady);
      const closing = await stream.waitFor((event) => event.event === 'close', 5000);
      expect(JSON.parse(closing.data)).toEqual({ reason: 'token-expired' });
      await stream.ended;
      expect(stream.isEnded).toBe(true);
    });

    it('refuses a stream beyond the per-office limit with 429, and counts open streams', async () => {
      const recipient = await newOffice();
      const streams = [await connect(replicaB, recipient), await connect(replicaB, recipient)];
      await Promise.all(streams.map((stream) => stream.waitFor(isReady)));
      const metrics = replicaB.running.app.get(MetricsRegistry);
      const openOnB = async (): Promise<number> => {
        const line = (await metrics.render()).body
          .split('\n')
          .find((text) => text.startsWith('renkei_delivery_inbox_streams{'));
        return Number(line?.split(' ').at(-1));
      };
      const before = await openOnB();

      const refused = await connect(replicaB, recipient);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ code: 'INBOX_STREAMS_EXCEEDED' });
      // another replica counts its own streams
      const elsewhere = await connect(replicaA, recipient);
      expect(elsewhere.status).toBe(200);
      expect(await openOnB()).toBe(before);

      streams[0].close();
      await expectEventually(async () => expect(await openOnB()).toBe(before - 1));
      const again = await connect(replicaB, recipient);
      expect(again.status).toBe(200);
      await again.waitFor(isReady);
      expect(await openOnB()).toBe(before);
    });

    it('sends heartbeat comments at the configured interval', async () => {
      const recipient = await newOffice();
      const stream = await connect(replicaB, recipient);
      await stream.waitFor(isReady);
      // at the default 15 s none would come within the wait
      await expectEventually(
        async () =>
          expect(stream.comments.filter((comment) => comment === 'heartbeat').length).toBeGreaterThanOrEqual(
            3,
          ),
        { timeoutMs: HEARTBEAT_MS * 10 },
      );
    });

    it('refuses an office without a live licence, and a bad resumption point', async () => {
      const unlicensed = await connect(replicaB, newOfficeNumber());
      expect(unlicensed.status).toBe(403);
      expect(await unlicensed.json()).toMatchObject({ code: 'LICENCE_NOT_LIVE' });

      const recipient = await newOffice();
      const bad = await connect(replicaB, recipient, { lastEventId: 'abc' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        code: 'REQUEST_INVALID',
        details: [{ field: 'Last-Event-ID' }],
      });

      const anonymous = await fetch(`${replicaB.running.url}/v1/inbox/events`);
      expect(anonymous.status).toBe(401);
    });

    it('refuses streams beyond the per-process limit with 503, and closes its streams when it shuts down', async () => {
      const recipient = await newOffice();
      const other = await newOffice();
      // on its own in-process bus: a third Kafka group member would only add rebalances
      const replicaC = await startTestApp(deliveryApp, {
        ...env(),
        EVENT_BUS_DRIVER: 'inprocess',
        INBOX_EVENTS_MAX_STREAMS: '1',
      });
      try {
        const stream = await connect(replicaC, recipient);
        await stream.waitFor(isReady);
        const refused = await connect(replicaC, other);
        expect(refused.status).toBe(503);
        expect(await refused.json()).toMatchObject({ code: 'INBOX_STREAMS_UNAVAILABLE' });

        await replicaC.close();
        const closing = await stream.waitFor((event) => event.event === 'close', 5000);
        expect(JSON.parse(closing.data)).toEqual({ reason: 'shutdown' });
        await stream.ended;
      } finally {
        await replicaC.close().catch(() => undefined);
      }
    });
  },
);
