// The inbox, sent list and status timeline on the real PostgreSQL, on Kafka and on the in-process bus: delivery
// booted with startApp against a fresh, migrated database (one per bus), on Kafka its consumers on test topics
// under a unique prefix; tokens verified over HTTP from a JWKS the test serves (as certificate would); every
// office licensed through registry.licence.changed.v1 unless the test is about the licence gate.
import { kafkaEnv, startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import { EventBus } from '@renkei/platform';
import { createTestTopics, deleteTestTopics } from '@renkei/platform/testing';
import { LicenceState, Topics } from '@renkei/contracts';
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import { randomUUID } from 'node:crypto';
import { deliveryApp } from '../delivery.app';
import { deliveryDefinition } from '../delivery.definition';
import type { EnvelopeItem, EnvelopePage, InboxSincePage } from './envelope-item.mapper';
import {
  acceptedEvent,
  availableEvent,
  downloadedEvent,
  licenceEvent,
  type EncodedEvent,
} from './fixtures/envelope-events.fixture';

const infra = readInfraEnv();
const tokens = new TestTokens('delivery-test-key');

const tokenFor = (officeNumber: string): string => tokens.token({ officeNumber, serviceTypes: ['43', '46'] });

let officeCounter = 0;
/** a fresh 事業所番号 per test, so each test reads its own inbox */
const newOfficeNumber = (): string => `13${String((officeCounter += 1)).padStart(8, '0')}`;

/** the proofs of the fixture's digests (envelope-events.fixture.ts) */
const acceptedProof = (envelopeId: string) => ({
  manifestSha256: 'cd'.repeat(32),
  acceptanceReceipt: `/v1/envelopes/${envelopeId}/acceptance-receipt`,
});
const AVAILABLE_PROOF = { objectSha256: 'ef'.repeat(32) };

interface Answer<T> {
  status: number;
  body: T;
}

describe.each(['kafka', 'inprocess'] as const)('delivery inbox and status on the %s bus', (driver) => {
  const topicPrefix = `${uniqueName('delivery')}.`;
  let service: ServiceUnderTest;

  async function get<T = Record<string, unknown>>(route: string, office?: string): Promise<Answer<T>> {
    const response = await fetch(`${service.running.url}${route}`, {
      headers: office ? { authorization: `Bearer ${tokenFor(office)}` } : {},
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function publish(...events: EncodedEvent[]): Promise<void> {
    await service.running.app.get(EventBus).publish(
      events.map((event) => ({
        topic: event.topic,
        key: event.key,
        value: event.value,
        headers: { 'event-id': event.eventId, producer: 'test' },
      })),
    );
  }

  /** resolves once delivery's inbox table holds every event id (its effect committed with it) */
  async function consumed(...events: EncodedEvent[]): Promise<void> {
    const ids = events.map((event) => event.eventId);
    await expectEventually(
      async () => {
        const rows = await service.database.rows<{ n: number }>(
          `select count(distinct event_id)::int as n from delivery.inbox_event where event_id = any($1::uuid[])`,
          [ids],
        );
        expect(rows[0].n).toBe(ids.length);
      },
      { timeoutMs: 30_000 },
    );
  }

  /** a fresh office with a live licence in delivery's read model */
  async function newOffice(): Promise<string> {
    const office = newOfficeNumber();
    const licensed = licenceEvent({ officeNumber: office });
    await publish(licensed);
    await consumed(licensed);
    return office;
  }

  async function inbox(office: string, query = ''): Promise<EnvelopePage> {
    const answer = await get<EnvelopePage>(`/v1/inbox${query}`, office);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  beforeAll(async () => {
    if (driver === 'kafka') {
      await createTestTopics(infra.kafkaBrokers, topicPrefix, [
        Topics.intakeEnvelopeAccepted.name,
        Topics.storageEnvelopeAvailable.name,
        Topics.storageEnvelopeDownloaded.name,
        Topics.registryLicenceChanged.name,
        // delivery's trust read model consumes these
        Topics.certificateTrustChanged.name,
        Topics.certificateRevocationRecorded.name,
      ]);
    }
    service = await startServiceUnderTest(deliveryApp, {
      databasePrefix: `delivery_${driver}`,
      definitions: [deliveryDefinition],
      tokens,
      env: { ...kafkaEnv(topicPrefix), EVENT_BUS_DRIVER: driver },
    });
  });

  afterAll(async () => {
    await service?.close();
    if (driver === 'kafka') await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
  });

  it('files an accepted then available envelope in the recipient inbox', async () => {
    const sender = await newOffice();
    const recipient = await newOffice();
    const envelopeId = randomUUID();
    const accepted = acceptedEvent({ envelopeId, sender, recipient });
    await publish(accepted);
    await consumed(accepted);
    expect((await inbox(recipient)).items).toEqual([]);

    const available = availableEvent({
      envelopeId,
      sender,
      recipient,
      availableAt: new Date('2026-11-24T06:00:02.000Z'),
    });
    await publish(available);
    await consumed(available);

    const page = await inbox(recipient);
    expect(page.next).toBeNull();
    expect(page.items).toEqual([
      {
        envelopeId,
        sender: { officeNumber: sender, serviceType: '43' },
        recipient: { officeNumber: recipient, serviceType: '46' },
        kind: 'plan',
        targetMonth: '202612',
        fileSequence: '20261124060000',
        files: [
          {
            name: 'UPPLAN_202612_1310000001_1310000002_20261124060000.CSV',
            mediaType: 'text/csv',
            size: 1234,
            sha256: 'ab'.repeat(32),
          },
        ],
        objectSize: 4096,
        status: 'available',
        acceptedAt: '2026-11-24T06:00:00.000Z',
        availableAt: '2026-11-24T06:00:02.000Z',
        downloadedAt: null,
        receiptedAt: null,
        inboxSeq: 1,
        timeline: [
          { step: 'accepted', at: '2026-11-24T06:00:00.000Z', proof: acceptedProof(envelopeId) },
          { step: 'available', at: '2026-11-24T06:00:02.000Z', proof: AVAILABLE_PROOF },
        ],
      },
    ]);
    // the recipient's inbox number is the recipient's business only
    const sent = await get<EnvelopePage>('/v1/sent', sender);
    expect(sent.body.items.map((item) => [item.envelopeId, item.status, item.inboxSeq])).toEqual([
      [envelopeId, 'available', null],
    ]);
    expect((await get<EnvelopeItem>(`/v1/envelopes/${envelopeId}`, recipient)).body.inboxSeq).toBe(1);
    expect((await get<EnvelopeItem>(`/v1/envelopes/${envelopeId}`, sender)).body.inboxSeq).toBeNull();
  });

  it('shows an acceptance to its sender at once, and to the recipient only once available', async () => {
    const sender = await newOffice();
    const recipient = await newOffice();
    const envelopeId = randomUUID();
    const accepted = acceptedEvent({ envelopeId, sender, recipient });
    await publish(accepted);
    await consumed(accepted);

    const forSender = await get<EnvelopeItem>(`/v1/envelopes/${envelopeId}`, sender);
    const forRecipient = await get(`/v1/envelopes/${envelopeId}`, recipient);

    expect(forSender).toMatchObject({
      status: 200,
      body: { status: 'accepted', availableAt: null, inboxSeq: null },
    });
    expect(forSender.body.timeline).toEqual([
      { step: 'accepted', at: '2026-11-24T06:00:00.000Z', proof: acceptedProof(envelopeId) },
    ]);
    expect(forRecipient).toMatchObject({ status: 404, body: { code: 'ENVELOPE_NOT_FOUND' } });
  });

  it('files one item when available arrives before accepted', async () => {
    const sender = await newOffice();
    const recipient = await newOffice();
    const envelopeId = randomUUID();
    const available = availableEvent({ envelopeId, sender, recipient });
    await publish(available);
    await consumed(available);
    expect((await inbox(recipient)).items.map((item) => item.envelopeId)).toEqual([envelopeId]);

    const accepted = acceptedEvent({ envelopeId, sender, recipient });
    await publish(accepted);
    await consumed(accepted);

    const page = await inbox(recipient);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      envelopeId,
      status: 'available',
      availableAt: '2026-11-24T06:00:01.000Z',
    });
    expect(page.items[0].timeline.map((entry) => entry.step)).toEqual(['accepted', 'available']);
  });

  it('treats a redelivered event, and a repeated announcement, as no change', async () => {
    const recipient = await newOffice();
    const envelopeId = randomUUID();
    const download = downloadedEvent({ envelopeId, by: 'recipient', recipient });
    const available = availableEvent({ envelopeId, recipient });
    await publish(available, download);
    await consumed(available, download);

    const again = availableEvent({
      envelopeId,
      recipient,
      availableAt: new Date('2026-11-24T09:00:00.000Z'),
    });
    // same event ids again, then a marker behind them on the same partitions (same key)
    await publish(available, download, again);
    const marker = downloadedEvent({ envelopeId: randomUUID(), by: 'recipient', recipient });
    await publish(marker);
    await consumed(again, marker);

    const page = await inbox(recipient);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ availableAt: '2026-11-24T06:00:01.000Z', status: 'downloaded' });
    expect(page.items[0].timeline.filter((entry) => entry.step === 'downloaded')).toHaveLength(1);
  });

  it('moves the status to downloaded on the recipient download, and hides it from status=available', async () => {
    const sender = await newOffice();
    const recipient = await newOffice();
    const envelopeId = randomUUID();
    const waiting = randomUUID();
    const events = [
      acceptedEvent({ envelopeId, sender, recipient }),
      availableEvent({ envelopeId, sender, recipient }),
      availableEvent({
        envelopeId: waiting,
        sender,
        recipient,
        availableAt: new Date('2026-11-24T06:00:03.000Z'),
      }),
    ];
    await publish(...events);
    await consumed(...events);
    const download = downloadedEvent({
      envelopeId,
      by: 'recipient',
      recipient,
      at: new Date('2026-11-24T06:10:00.000Z'),
    });
    await publish(download);
    await consumed(download);

    const status = await get<EnvelopeItem>(`/v1/envelopes/${envelopeId}`, sender);
    expect(status.body).toMatchObject({ status: 'downloaded', downloadedAt: '2026-11-24T06:10:00.000Z' });
    expect(status.body.timeline.at(-1)).toEqual({
      step: 'downloaded',
      at: '2026-11-24T06:10:00.000Z',
      by: 'recipient',
      proof: { bytes: 4096 },
    });
    expect((await inbox(recipient, '?status=available')).items.map((item) => item.envelopeId)).toEqual([
      waiting,
    ]);
    expect((await inbox(recipient, '?status=downloaded')).items.map((item) => item.envelopeId)).toEqual([
      envelopeId,
    ]);
    expect((await inbox(recipient, '?status=all')).items.map((item) => item.envelopeId)).toEqual([
      envelopeId,
      waiting,
    ]);
  });

  it('keeps a download that arrives before the envelope, and joins it once the envelope arrives', async () => {
    const recipient = await newOffice();
    const envelopeId = randomUUID();
    const download = downloadedEvent({ envelopeId, by: 'recipient', recipient });
    await publish(download);
    await consumed(download);

    const available = availableEvent({ envelopeId, recipient });
    await publish(available);
    await consumed(available);

    const item = (await inbox(recipient)).items[0];
    expect(item).toMatchObject({
      envelopeId,
      status: 'downloaded',
      downloadedAt: '2026-11-24T06:05:00.000Z',
    });
    expect((await inbox(recipient, '?status=available')).items).toEqual([]);
  });

  it('adds a sender re-download to the timeline without changing the status', async () => {
    const sender = await newOffice();
    const recipient = await newOffice();
    const envelopeId = randomUUID();
    const available = availableEvent({ envelopeId, sender, recipient });
    await publish(available);
    await consumed(available);
    const download = downloadedEvent({ envelopeId, by: 'sender', office: sender, recipient });
    await publish(download);
    await consumed(download);

    const status = await get<EnvelopeItem>(`/v1/envelopes/${envelopeId}`, sender);

    expect(status.body).toMatchObject({ status: 'available', downloadedAt: null });
    expect(status.body.timeline).toEqual([
      { step: 'accepted', at: '2026-11-24T06:00:00.000Z', proof: acceptedProof(envelopeId) },
      { step: 'available', at: '2026-11-24T06:00:01.000Z', proof: AVAILABLE_PROOF },
      { step: 'downloaded', at: '2026-11-24T06:05:00.000Z', by: 'sender', proof: { bytes: 4096 } },
    ]);
    expect((await inbox(recipient, '?status=available')).items.map((item) => item.envelopeId)).toEqual([
      envelopeId,
    ]);
  });

  it('pages 250 envelopes by 100 without duplicate or gap, oldest first', async () => {
    const sender = await newOffice();
    const recipient = await newOffice();
    const base = Date.parse('2026-11-24T07:00:00.000Z');
    // three envelopes share each second, so the envelope id breaks ties
    const events = Array.from({ length: 250 }, (_, i) =>
      availableEvent({
        sender,
        recipient,
        acceptedAt: new Date(base + i * 1000),
        availableAt: new Date(base + Math.floor(i / 3) * 1000),
      }),
    );
    await publish(...[...events].reverse());
    await consumed(...events);

    const pages: EnvelopePage[] = [await inbox(recipient, '?limit=100')];
    while (pages.at(-1)?.next) pages.push(await inbox(recipient, `?limit=100&after=${pages.at(-1)?.next}`));

    expect(pages.map((page) => page.items.length)).toEqual([100, 100, 50]);
    expect(pages[2].next).toBeNull();
    const seen = pages.flatMap((page) => page.items);
    const expected = [...seen].sort(
      (a, b) =>
        (a.availableAt ?? '').localeCompare(b.availableAt ?? '') || a.envelopeId.localeCompare(b.envelopeId),
    );
    expect(new Set(seen.map((item) => item.envelopeId)).size).toBe(250);
    expect(seen.map((item) => item.envelopeId)).toEqual(expected.map((item) => item.envelopeId));

    const sent = [await get<EnvelopePage>('/v1/sent?limit=100', sender)];
    while (sent.at(-1)?.body.next)
      sent.push(await get<EnvelopePage>(`/v1/sent?limit=100&after=${sent.at(-1)?.body.next}`, sender));
    const sentItems = sent.flatMap((answer) => answer.body.items);
    expect(sentItems).toHaveLength(250);
    expect(sentItems.map((item) => item.acceptedAt)).toEqual(
      [...sentItems.map((item) => item.acceptedAt)].sort(),
    );
  });

  describe('GET /v1/inbox?since=', () => {
    async function since(office: string, query: string): Promise<InboxSincePage> {
      const answer = await get<InboxSincePage>(`/v1/inbox?${query}`, office);
      expect(answer.status).toBe(200);
      return answer.body;
    }

    it('lists the arrivals numbered above since, in number order, by pages whose next is the last number', async () => {
      const sender = await newOffice();
      const recipient = await newOffice();
      const stranger = await newOffice();
      // one partition per recipient: the arrivals are numbered in this order
      const ids = Array.from({ length: 7 }, () => randomUUID());
      const events = ids.map((envelopeId, i) =>
        availableEvent({
          envelopeId,
          sender,
          recipient,
          availableAt: new Date(Date.UTC(2026, 10, 24, 8, 0, 7 - i)),
        }),
      );
      const foreignId = randomUUID();
      const foreign = availableEvent({ envelopeId: foreignId, sender, recipient: stranger });
      await publish(...events, foreign);
      await consumed(...events, foreign);

      const pages = [await since(recipient, 'since=0&limit=3')];
      while (pages.at(-1)?.next !== null) {
        pages.push(await since(recipient, `since=${pages.at(-1)?.next}&limit=3`));
      }

      expect(pages.map((page) => [page.items.length, page.next])).toEqual([
        [3, 3],
        [3, 6],
        [1, null],
      ]);
      const listed = pages.flatMap((page) => page.items);
      expect(listed.map((item) => item.inboxSeq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      // number order, not availableAt order (the later numbers carry the earlier times here)
      expect(listed.map((item) => item.envelopeId)).toEqual(ids);
      expect((await since(recipient, 'since=5')).items.map((item) => item.inboxSeq)).toEqual([6, 7]);
      expect(await since(recipient, 'since=7')).toEqual({ items: [], next: null });
      expect(await since(recipient, `since=${Number.MAX_SAFE_INTEGER}`)).toEqual({ items: [], next: null });
      // the same numbers on the other lists and on the status
      const keyset = await inbox(recipient);
      expect(new Map(keyset.items.map((item) => [item.envelopeId, item.inboxSeq]))).toEqual(
        new Map(listed.map((item) => [item.envelopeId, item.inboxSeq])),
      );
      const status = await get<EnvelopeItem>(`/v1/envelopes/${listed[3].envelopeId}`, recipient);
      expect(status.body.inboxSeq).toBe(4);
      // another office's arrivals are never listed, and it numbers its own from 1
      expect(
        (await since(stranger, 'since=0')).items.map((item) => [item.envelopeId, item.inboxSeq]),
      ).toEqual([[foreignId, 1]]);
      expect(listed.map((item) => item.envelopeId)).not.toContain(foreignId);
      expect(await since(sender, 'since=0')).toEqual({ items: [], next: null });
    });

    it('accepts status=all with since and the default limit', async () => {
      const recipient = await newOffice();
      const events = Array.from({ length: 3 }, () => availableEvent({ recipient }));
      await publish(...events);
      await consumed(...events);

      const page = await since(recipient, 'since=1&status=all');

      expect(page.items.map((item) => item.inboxSeq)).toEqual([2, 3]);
      expect(page.next).toBeNull();
    });

    it('refuses a since that is not an inbox number, or combined with a status filter, with 400 REQUEST_INVALID', async () => {
      const office = await newOffice();
      const refusals = [
        ['since=-1', 'since'],
        ['since=1.5', 'since'],
        ['since=x', 'since'],
        ['since=', 'since'],
        ['since=01', 'since'],
        [`since=${2 ** 53}`, 'since'],
        ['since=1&since=2', 'since'],
        ['since=0&status=available', 'since'],
        ['since=0&status=downloaded', 'since'],
        ['since=0&limit=501', 'limit'],
      ];

      for (const [query, field] of refusals) {
        const answer = await get<{ code: string; details: { field: string }[] }>(
          `/v1/inbox?${query}`,
          office,
        );
        expect({ query, status: answer.status, code: answer.body.code }).toEqual({
          query,
          status: 400,
          code: 'REQUEST_INVALID',
        });
        expect({ query, fields: answer.body.details.map((problem) => problem.field) }).toEqual({
          query,
          fields: [field],
        });
      }
    });

    it('refuses since with an after cursor', async () => {
      const recipient = await newOffice();
      const events = Array.from({ length: 2 }, () => availableEvent({ recipient }));
      await publish(...events);
      await consumed(...events);
      const cursor = (await inbox(recipient, '?limit=1')).next;

      expect(await get(`/v1/inbox?since=0&after=${cursor}`, recipient)).toMatchObject({
        status: 400,
        body: {
          code: 'REQUEST_INVALID',
          details: [{ field: 'since', problem: 'cannot be combined with after' }],
        },
      });
    });
  });

  it('answers another office 404 on the status and an empty inbox', async () => {
    const sender = await newOffice();
    const recipient = await newOffice();
    const stranger = await newOffice();
    const envelopeId = randomUUID();
    const available = availableEvent({ envelopeId, sender, recipient });
    await publish(available);
    await consumed(available);

    const status = await get(`/v1/envelopes/${envelopeId}`, stranger);
    const unknown = await get(`/v1/envelopes/${randomUUID()}`, stranger);

    expect(status).toMatchObject({ status: 404, body: { code: 'ENVELOPE_NOT_FOUND' } });
    expect(unknown.body).toMatchObject({
      code: 'ENVELOPE_NOT_FOUND',
      message: (status.body as { message: string }).message,
    });
    expect(await inbox(stranger)).toEqual({ items: [], next: null });
    expect((await get<EnvelopePage>('/v1/sent', stranger)).body).toEqual({ items: [], next: null });
  });

  it('refuses an office without a live licence with 403 LICENCE_NOT_LIVE on the inbox, sent and status', async () => {
    const sender = await newOffice();
    const unlicensed = newOfficeNumber();
    const suspended = newOfficeNumber();
    const ended = newOfficeNumber();
    const envelopeId = randomUUID();
    const events = [
      availableEvent({ envelopeId, sender, recipient: suspended }),
      licenceEvent({ officeNumber: suspended, state: LicenceState.SUSPENDED, version: 2 }),
      // older than the stored version: ignored
      licenceEvent({ officeNumber: suspended, version: 1 }),
      licenceEvent({ officeNumber: ended, termEnd: new Date(Date.now() - 60_000), autoRenew: false }),
    ];
    await publish(...events);
    await consumed(...events);

    for (const office of [unlicensed, suspended, ended]) {
      for (const route of ['/v1/inbox', '/v1/inbox?since=0', '/v1/sent', `/v1/envelopes/${envelopeId}`]) {
        expect({ office, route, ...(await get(route, office)) }).toMatchObject({
          status: 403,
          body: { code: 'LICENCE_NOT_LIVE' },
        });
      }
    }
    expect((await get(`/v1/envelopes/${envelopeId}`, sender)).status).toBe(200);
  });

  it('lets an office in once its licence is live, and refuses it again once suspended', async () => {
    const office = newOfficeNumber();
    expect((await get('/v1/inbox', office)).status).toBe(403);

    const approved = licenceEvent({ officeNumber: office, version: 1 });
    await publish(approved);
    await consumed(approved);
    expect(await get('/v1/inbox', office)).toMatchObject({ status: 200, body: { items: [] } });

    const suspended = licenceEvent({ officeNumber: office, state: LicenceState.SUSPENDED, version: 2 });
    await publish(suspended);
    await consumed(suspended);
    expect(await get('/v1/inbox', office)).toMatchObject({ status: 403, body: { code: 'LICENCE_NOT_LIVE' } });
  });

  it('refuses bad parameters with stable codes, and a request without a token', async () => {
    const office = await newOffice();

    expect(await get('/v1/inbox?status=read', office)).toMatchObject({
      status: 400,
      body: { code: 'REQUEST_INVALID' },
    });
    expect(await get('/v1/inbox?limit=0', office)).toMatchObject({
      status: 400,
      body: { code: 'REQUEST_INVALID' },
    });
    expect(await get('/v1/inbox?limit=501', office)).toMatchObject({
      status: 400,
      body: { code: 'REQUEST_INVALID' },
    });
    expect(await get('/v1/sent?after=not-a-cursor', office)).toMatchObject({
      status: 400,
      body: { code: 'REQUEST_INVALID' },
    });
    expect(await get('/v1/envelopes/not-a-uuid', office)).toMatchObject({
      status: 400,
      body: { code: 'ENVELOPE_ID_INVALID' },
    });
    expect(await get('/v1/inbox')).toMatchObject({ status: 401, body: { code: 'AUTH_TOKEN_MISSING' } });
  });
});
