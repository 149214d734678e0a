// Storage on the cluster path: the service booted with startApp against a fresh, migrated database, real Kafka
// (a unique topic prefix) and MinIO. The test plays intake (it PUTs the object and publishes the acceptance)
// and the certificate service (it serves a JWKS and signs ES256 tokens: a service cannot boot another one).
import { fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  decodeEvent,
  DownloaderRole,
  encodeEvent,
  EnvelopeAvailableSchema,
  EnvelopeDownloadedSchema,
  type EnvelopeSummary,
  Topics,
} from '@renkei/contracts';
import {
  kafkaEnv,
  minioEnv,
  startServiceUnderTest,
  TestTokens,
  type ServiceUnderTest,
} from '@renkei/harness';
import {
  DlqHeaders,
  dlqTopicOf,
  EventHeaders,
  type IncomingMessage,
  KafkaEventBus,
  ObjectStore,
  silentLogger,
  type Subscription,
} from '@renkei/platform';
import { createTestTopics, deleteTestTopics } from '@renkei/platform/testing';
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { storageApp } from '../storage.app';
import { storageDefinition } from '../storage.definition';

const SOON = { timeoutMs: 60_000 };
const infra = readInfraEnv();
const topicPrefix = `${uniqueName('storage')}.`;
const keyPrefix = `envelopes/it/${uniqueName('storage')}`;
const tokens = new TestTokens('storage-it');

const SENDER = { officeNumber: '1310000201', serviceType: '43' };
const RECIPIENT = { officeNumber: '1310000202', serviceType: '46' };
const STRANGER = { officeNumber: '1310000203', serviceType: '43' };

const tokenFor = (officeNumber: string): string => tokens.token({ officeNumber, serviceTypes: ['43', '46'] });

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('storage envelopes (Kafka, MinIO)', () => {
  let service: ServiceUnderTest;
  let bus: KafkaEventBus;
  let objects: ObjectStore;
  const subscriptions: Subscription[] = [];
  const received = new Map<string, IncomingMessage[]>();
  const keys: string[] = [];

  const messagesOf = (topic: string): IncomingMessage[] => received.get(topic) ?? [];

  /** PUTs `body` as intake would and publishes its acceptance; the summary as intake accepted it */
  async function accept(
    body: Buffer,
    overrides: { objectKey?: string; objectSize?: bigint } = {},
  ): Promise<EnvelopeSummary> {
    const envelopeId = randomUUID();
    const objectKey = `${keyPrefix}/${envelopeId}`;
    keys.push(objectKey);
    const stored = await objects.put(objectKey, Readable.from([body]));
    const eventId = randomUUID();
    const event = encodeEvent(
      'intakeEnvelopeAccepted',
      { eventId, producer: 'intake', correlationId: `corr-${envelopeId}` },
      {
        envelope: {
          envelopeId,
          sender: SENDER,
          recipient: RECIPIENT,
          kind: 'plan',
          targetMonth: '202612',
          fileSequence: '20261124064900',
          files: [
            { name: 'UPPLAN_202612_TEST.CSV', mediaType: 'text/csv', size: 10n, sha256: 'a'.repeat(64) },
          ],
          manifestSha256: 'b'.repeat(64),
          objectKey,
          objectSize: BigInt(stored.size),
          objectSha256: stored.sha256,
          acceptedAt: timestampFromDate(new Date('2026-11-24T06:49:00.123Z')),
          createdAt: timestampFromDate(new Date('2026-11-24T06:48:00Z')),
          ...overrides,
        },
      },
    );
    await bus.publish([
      {
        topic: event.topic,
        key: RECIPIENT.officeNumber,
        value: event.value,
        headers: {
          [EventHeaders.eventId]: eventId,
          [EventHeaders.eventType]: event.type,
          [EventHeaders.producer]: 'intake',
          [EventHeaders.occurredAt]: new Date().toISOString(),
          [EventHeaders.correlationId]: `corr-${envelopeId}`,
        },
      },
    ]);
    const { envelope } = decodeEvent('intakeEnvelopeAccepted', event.value);
    if (!envelope) throw new Error('fixture has no envelope');
    return envelope;
  }

  const availableFor = (envelopeId: string) =>
    messagesOf(Topics.storageEnvelopeAvailable.name)
      .map((message) => ({ message, event: fromBinary(EnvelopeAvailableSchema, message.value) }))
      .filter(({ event }) => event.envelope?.envelopeId === envelopeId);

  const downloadedFor = (envelopeId: string) =>
    messagesOf(Topics.storageEnvelopeDownloaded.name)
      .map((message) => ({ message, event: fromBinary(EnvelopeDownloadedSchema, message.value) }))
      .filter(({ event }) => event.envelopeId === envelopeId);

  const downloadRows = (envelopeId: string) =>
    service.database.rows<{ office_number: string; role: string; bytes: string }>(
      `select office_number, role, bytes from storage.download where envelope_id = $1 order by downloaded_at`,
      [envelopeId],
    );

  const fetchContent = (envelopeId: string, officeNumber: string, init: RequestInit = {}) =>
    fetch(`${service.running.url}/v1/envelopes/${envelopeId}/content`, {
      ...init,
      headers: { authorization: `Bearer ${tokenFor(officeNumber)}` },
    });

  async function available(body: Buffer): Promise<EnvelopeSummary> {
    const summary = await accept(body);
    await expectEventually(() => expect(availableFor(summary.envelopeId)).toHaveLength(1), SOON);
    return summary;
  }

  beforeAll(async () => {
    await createTestTopics(infra.kafkaBrokers, topicPrefix, [
      Topics.intakeEnvelopeAccepted.name,
      Topics.storageEnvelopeAvailable.name,
      Topics.storageEnvelopeDownloaded.name,
    ]);
    service = await startServiceUnderTest(storageApp, {
      databasePrefix: 'storage_envelopes',
      definitions: [storageDefinition],
      tokens,
      env: { ...kafkaEnv(topicPrefix), ...minioEnv(), OUTBOX_POLL_INTERVAL_MS: '100' },
    });
    objects = service.running.app.get(ObjectStore);
    bus = new KafkaEventBus({
      brokers: infra.kafkaBrokers,
      clientId: 'storage-it',
      topicPrefix,
      logger: silentLogger,
      metricsIntervalMs: 0,
    });
    const watched = [
      Topics.storageEnvelopeAvailable.name,
      Topics.storageEnvelopeDownloaded.name,
      dlqTopicOf(Topics.intakeEnvelopeAccepted.name),
    ];
    subscriptions.push(
      await bus.subscribe({
        groupId: 'storage-it.watch',
        topics: watched,
        handler: async (message) => {
          received.set(message.topic, [...messagesOf(message.topic), message]);
        },
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    await bus?.close();
    await service?.close();
    for (const key of keys) await objects?.delete(key);
    await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
  });

  it('registers an accepted envelope and announces it with the summary unchanged', async () => {
    const body = randomBytes(4096);

    const summary = await accept(body);

    const [{ message, event }] = await expectEventually(() => {
      const found = availableFor(summary.envelopeId);
      expect(found).toHaveLength(1);
      return found;
    }, SOON);
    expect(message.key).toBe(RECIPIENT.officeNumber);
    expect(message.headers[EventHeaders.correlationId]).toBe(`corr-${summary.envelopeId}`);
    expect(event.envelope).toEqual(summary);
    expect(event.meta).toMatchObject({ producer: 'storage', type: Topics.storageEnvelopeAvailable.message });
    const [row] = await service.database.rows(
      `select * from storage.stored_envelope where envelope_id = $1`,
      [summary.envelopeId],
    );
    expect(row).toMatchObject({
      object_key: summary.objectKey,
      object_size: '4096',
      object_sha256: sha256(body),
      sender_office_number: SENDER.officeNumber,
      sender_service_type: SENDER.serviceType,
      recipient_office_number: RECIPIENT.officeNumber,
      recipient_service_type: RECIPIENT.serviceType,
      accepted_at: new Date('2026-11-24T06:49:00.123Z'),
    });
    expect(row['available_at']).toBeInstanceOf(Date);
  });

  it('serves the recipient the identical bytes with their digest and records the download', async () => {
    const body = randomBytes(300 * 1024);
    const summary = await available(body);

    const response = await fetchContent(summary.envelopeId, RECIPIENT.officeNumber);
    const bytes = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/cms');
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('etag')).toBe(`"${sha256(body)}"`);
    expect(response.headers.get('x-content-sha256')).toBe(sha256(body));
    expect(bytes.equals(body)).toBe(true);
    const [{ message, event }] = await expectEventually(() => {
      const found = downloadedFor(summary.envelopeId);
      expect(found).toHaveLength(1);
      return found;
    }, SOON);
    expect(message.key).toBe(RECIPIENT.officeNumber);
    expect(event).toMatchObject({
      envelopeId: summary.envelopeId,
      downloadedBy: { officeNumber: RECIPIENT.officeNumber, serviceType: RECIPIENT.serviceType },
      role: DownloaderRole.RECIPIENT,
      bytes: BigInt(body.length),
      recipientOfficeNumber: RECIPIENT.officeNumber,
    });
    expect(await downloadRows(summary.envelopeId)).toEqual([
      { office_number: RECIPIENT.officeNumber, role: 'recipient', bytes: String(body.length) },
    ]);
  });

  it('serves the sender too, recorded as the sender (a HEAD is not a download)', async () => {
    const body = randomBytes(1024);
    const summary = await available(body);

    const head = await fetchContent(summary.envelopeId, SENDER.officeNumber, { method: 'HEAD' });
    const response = await fetchContent(summary.envelopeId, SENDER.officeNumber);

    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('1024');
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
    await expectEventually(
      () =>
        expect(downloadedFor(summary.envelopeId).map(({ event }) => event.role)).toEqual([
          DownloaderRole.SENDER,
        ]),
      SOON,
    );
    expect(await downloadRows(summary.envelopeId)).toEqual([
      { office_number: SENDER.officeNumber, role: 'sender', bytes: '1024' },
    ]);
  });

  it('answers a third office exactly as an unknown envelope, and 400 for an id that is not a UUID', async () => {
    const summary = await available(randomBytes(512));

    const stranger = await fetchContent(summary.envelopeId, STRANGER.officeNumber);
    const unknown = await fetchContent(randomUUID(), RECIPIENT.officeNumber);
    const invalid = await fetchContent('not-a-uuid', RECIPIENT.officeNumber);

    const strangerBody = (await stranger.json()) as Record<string, unknown>;
    const unknownBody = (await unknown.json()) as Record<string, unknown>;
    expect(stranger.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(strangerBody).toMatchObject({ code: 'ENVELOPE_NOT_FOUND' });
    expect({ ...strangerBody, correlationId: undefined }).toEqual({
      ...unknownBody,
      correlationId: undefined,
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'ENVELOPE_ID_INVALID' });
    expect(await downloadRows(summary.envelopeId)).toEqual([]);
  });

  it('does not record a download the client aborted', async () => {
    const body = randomBytes(16 * 1024 * 1024);
    const summary = await available(body);
    const abort = new AbortController();

    const partial = await fetchContent(summary.envelopeId, RECIPIENT.officeNumber, { signal: abort.signal });
    const reader = partial.body?.getReader();
    await reader?.read();
    abort.abort();
    await reader?.cancel().catch(() => undefined);
    const full = await fetchContent(summary.envelopeId, RECIPIENT.officeNumber);
    expect(Buffer.from(await full.arrayBuffer()).equals(body)).toBe(true);

    await expectEventually(() => expect(downloadedFor(summary.envelopeId)).toHaveLength(1), SOON);
    expect(await downloadRows(summary.envelopeId)).toHaveLength(1);
  });

  it('sends an acceptance whose object is missing or of another size to the DLQ, storing nothing', async () => {
    const missing = await accept(randomBytes(100), { objectKey: `${keyPrefix}/gone-${randomUUID()}` });
    const resized = await accept(randomBytes(100), { objectSize: 99n });

    const dlq = await expectEventually(() => {
      const found = messagesOf(dlqTopicOf(Topics.intakeEnvelopeAccepted.name));
      expect(found).toHaveLength(2);
      return found;
    }, SOON);
    expect(dlq.map((message) => message.headers[DlqHeaders.reason])).toEqual([
      'object-missing',
      'object-missing',
    ]);
    const rows = await service.database.rows(
      `select envelope_id from storage.stored_envelope where envelope_id = any($1)`,
      [[missing.envelopeId, resized.envelopeId]],
    );
    expect(rows).toEqual([]);
    expect(await fetchContent(missing.envelopeId, RECIPIENT.officeNumber).then((r) => r.status)).toBe(404);
  });
});
