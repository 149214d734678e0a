// POST /v1/envelopes/{id}/receipt and the receipted/rejected step on the real PostgreSQL (in-process bus): delivery
// booted with startApp on a fresh, migrated database, the envelope filed through its events, the offices licensed
// through registry.licence.changed.v1, receipts signed with run-time office certificates, the outbox event
// consumed back off the bus and decoded.
import { decodeEvent, LicenceState, ReceiptVerdict, Topics } from '@renkei/contracts';
import { signReceipt, type RecipientReceiptBody } from '@renkei/envelope';
import { startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import { EventBus, type IncomingMessage } from '@renkei/platform';
import { certificateRevokedMessage } from '@renkei/platform/testing';
import { createDevCa, expectEventually, issueOfficeCertificate, type DevCredential } from '@renkei/testing';
import { createHash, randomUUID } from 'node:crypto';
import { deliveryApp } from '../delivery.app';
import { deliveryDefinition } from '../delivery.definition';
import type { EnvelopeItem } from '../envelopes/envelope-item.mapper';
import {
  acceptedEvent,
  availableEvent,
  downloadedEvent,
  licenceEvent,
  type EncodedEvent,
} from '../envelopes/fixtures/envelope-events.fixture';

const tokens = new TestTokens('delivery-receipts-test-key');
const ca = createDevCa();
const SENDER = '1310000001';
const MANIFEST_SHA256 = 'cd'.repeat(32);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

let officeCounter = 0;
/** a fresh recipient 事業所番号 (and its certificate) per test */
function newRecipientIdentity(): { officeNumber: string; credential: DevCredential } {
  const officeNumber = `14${String((officeCounter += 1)).padStart(8, '0')}`;
  const credential = issueOfficeCertificate(ca, { officeNumber, serviceTypes: ['46'], keyType: 'ec' });
  return { officeNumber, credential };
}

const tokenOf = (officeNumber: string, credential?: DevCredential): string =>
  tokens.token({ officeNumber, serviceTypes: ['43', '46'], certificateSha256: credential?.fingerprint });

function receiptBody(
  envelopeId: string,
  recipient: string,
  overrides: Partial<RecipientReceiptBody> = {},
): RecipientReceiptBody {
  return {
    type: 'recipient',
    version: 1,
    envelopeId,
    manifestSha256: MANIFEST_SHA256,
    verdict: 'accepted',
    reasons: [],
    recipient: { officeNumber: recipient, serviceType: '46' },
    sender: { officeNumber: SENDER, serviceType: '43' },
    receivedAt: RECEIVED_AT,
    ...overrides,
  };
}

// a receipt time inside the test certificates' validity (they start yesterday), whole seconds
const RECEIVED_AT = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

const signed = (body: RecipientReceiptBody, credential: DevCredential): Buffer =>
  Buffer.from(signReceipt(body, { certificate: credential.certificate, privateKey: credential.privateKey }));

describe('POST /v1/envelopes/{id}/receipt', () => {
  let service: ServiceUnderTest;
  const recorded: IncomingMessage[] = [];

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

  async function consumed(...events: EncodedEvent[]): Promise<void> {
    const ids = events.map((event) => event.eventId);
    await expectEventually(async () => {
      const rows = await service.database.rows<{ n: number }>(
        `select count(distinct event_id)::int as n from delivery.inbox_event where event_id = any($1::uuid[])`,
        [ids],
      );
      expect(rows[0].n).toBe(ids.length);
    });
  }

  /** a fresh recipient with a live licence in delivery's read model */
  async function newRecipient(): Promise<{ officeNumber: string; credential: DevCredential }> {
    const recipient = newRecipientIdentity();
    const licensed = licenceEvent({ officeNumber: recipient.officeNumber });
    await publish(licensed);
    await consumed(licensed);
    return recipient;
  }

  /** an envelope from SENDER to `recipient`, accepted and available, and downloaded by the recipient if asked */
  async function fileEnvelope(recipient: string, downloaded = true): Promise<string> {
    const envelopeId = randomUUID();
    const events = [
      acceptedEvent({ envelopeId, sender: SENDER, recipient }),
      availableEvent({ envelopeId, sender: SENDER, recipient }),
      ...(downloaded ? [downloadedEvent({ envelopeId, by: 'recipient', recipient })] : []),
    ];
    await publish(...events);
    await consumed(...events);
    return envelopeId;
  }

  async function post(
    envelopeId: string,
    body: Uint8Array | string,
    token: string,
    contentType = 'application/cms',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${service.running.url}/v1/envelopes/${envelopeId}/receipt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function get(route: string, token: string): Promise<Response> {
    return fetch(`${service.running.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  }

  async function counts(): Promise<{ receipts: number; outbox: number }> {
    const [row] = await service.database.rows<{ receipts: number; outbox: number }>(
      `select (select count(*)::int from delivery.recipient_receipt) as receipts,
              (select count(*)::int from delivery.outbox_event) as outbox`,
    );
    return row;
  }

  async function expectRefused(
    envelopeId: string,
    der: Uint8Array | string,
    token: string,
    expected: { status: number; code: string },
    contentType?: string,
  ): Promise<void> {
    const before = await counts();
    const answer = await post(envelopeId, der, token, contentType);
    expect(answer).toMatchObject({ status: expected.status, body: { code: expected.code } });
    expect(await counts()).toEqual(before);
  }

  beforeAll(async () => {
    service = await startServiceUnderTest(deliveryApp, {
      databasePrefix: 'delivery_receipts',
      definitions: [deliveryDefinition],
      tokens,
      env: { EVENT_BUS_DRIVER: 'inprocess', TRUST_ANCHORS_PEM: ca.certificatePem },
    });
    await service.running.app.get(EventBus).subscribe({
      groupId: 'delivery-it.receipts',
      topics: [Topics.deliveryReceiptRecorded.name],
      handler: async (message) => {
        recorded.push(message);
      },
    });
    const senderLicence = licenceEvent({ officeNumber: SENDER });
    await publish(senderLicence);
    await consumed(senderLicence);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('records an accepted receipt: 201, the DER, the receipted step with its proof, and one event', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const der = signed(receiptBody(envelopeId, officeNumber), credential);
    const token = tokenOf(officeNumber, credential);

    const answer = await post(envelopeId, der, token);

    expect(answer).toEqual({
      status: 201,
      body: {
        envelopeId,
        verdict: 'accepted',
        reasonCodes: [],
        receiptSha256: sha256(der),
        receivedAt: RECEIVED_AT,
        recordedAt: expect.any(String),
      },
    });
    const status = await get(`/v1/envelopes/${envelopeId}`, tokenOf(SENDER));
    const item = (await status.json()) as EnvelopeItem;
    expect(item.status).toBe('receipted');
    expect(item.receiptedAt).toBe(answer.body['recordedAt']);
    expect(item.timeline.map((entry) => entry.step)).toEqual([
      'accepted',
      'available',
      'downloaded',
      'receipted',
    ]);
    expect(item.timeline[0].proof).toEqual({
      manifestSha256: MANIFEST_SHA256,
      acceptanceReceipt: `/v1/envelopes/${envelopeId}/acceptance-receipt`,
    });
    expect(item.timeline.at(-1)).toEqual({
      step: 'receipted',
      at: answer.body['recordedAt'],
      by: 'recipient',
      proof: {
        receiptSha256: sha256(der),
        verdict: 'accepted',
        reasonCodes: [],
        receivedAt: RECEIVED_AT,
        receipt: `/v1/envelopes/${envelopeId}/receipts/recipient`,
      },
    });

    for (const office of [SENDER, officeNumber]) {
      const served = await get(`/v1/envelopes/${envelopeId}/receipts/recipient`, tokenOf(office));
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('application/cms');
      expect(Buffer.from(await served.arrayBuffer()).equals(der)).toBe(true);
    }
    const stranger = await get(`/v1/envelopes/${envelopeId}/receipts/recipient`, tokenOf('1399999999'));
    expect(stranger.status).toBe(404);

    const message = await expectEventually(() => {
      const found = recorded.find(
        (m) => decodeEvent('deliveryReceiptRecorded', m.value).envelopeId === envelopeId,
      );
      if (!found) throw new Error('no receipt event yet');
      return found;
    });
    expect(message.key).toBe(officeNumber);
    const event = decodeEvent('deliveryReceiptRecorded', message.value);
    expect(event).toMatchObject({
      envelopeId,
      verdict: ReceiptVerdict.ACCEPTED,
      reasonCodes: [],
      recipient: { officeNumber, serviceType: '46' },
      sender: { officeNumber: SENDER, serviceType: '43' },
      manifestSha256: MANIFEST_SHA256,
      receiptSha256: sha256(der),
    });
    expect(event.meta).toMatchObject({ producer: 'delivery', type: 'renkei.delivery.v1.ReceiptRecorded' });
    expect(Number(event.receiptedAt?.seconds)).toBe(Date.parse(RECEIVED_AT) / 1000);
  });

  it('records a rejection with its reason codes as the rejected step', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const reasons = [
      { code: 'FILE_DIGEST_MISMATCH', message: 'ファイルのハッシュが一致しません' },
      { code: 'VALIDATION_FAILED' },
    ];
    const der = signed(receiptBody(envelopeId, officeNumber, { verdict: 'rejected', reasons }), credential);

    const answer = await post(envelopeId, der, tokenOf(officeNumber, credential));

    expect(answer).toMatchObject({
      status: 201,
      body: { verdict: 'rejected', reasonCodes: ['FILE_DIGEST_MISMATCH', 'VALIDATION_FAILED'] },
    });
    const item = (await (await get(`/v1/envelopes/${envelopeId}`, tokenOf(SENDER))).json()) as EnvelopeItem;
    expect(item.status).toBe('rejected');
    expect(item.timeline.at(-1)).toMatchObject({
      step: 'rejected',
      proof: { verdict: 'rejected', reasonCodes: ['FILE_DIGEST_MISMATCH', 'VALIDATION_FAILED'] },
    });
    const event = await expectEventually(() => {
      const found = recorded
        .map((m) => decodeEvent('deliveryReceiptRecorded', m.value))
        .find((e) => e.envelopeId === envelopeId);
      if (!found) throw new Error('no receipt event yet');
      return found;
    });
    expect(event.verdict).toBe(ReceiptVerdict.REJECTED);
    expect(event.reasonCodes).toEqual(['FILE_DIGEST_MISMATCH', 'VALIDATION_FAILED']);
  });

  it('answers the same receipt again with 200 and refuses a different one with RECEIPT_ALREADY_RECORDED', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const token = tokenOf(officeNumber, credential);
    const der = signed(receiptBody(envelopeId, officeNumber), credential);
    const first = await post(envelopeId, der, token);
    expect(first.status).toBe(201);
    const before = await counts();

    const again = await post(envelopeId, der, token);
    const other = await post(
      envelopeId,
      signed(
        receiptBody(envelopeId, officeNumber, { verdict: 'rejected', reasons: [{ code: 'X' }] }),
        credential,
      ),
      token,
    );

    expect(again).toEqual({ status: 200, body: first.body });
    expect(other).toMatchObject({
      status: 409,
      body: { code: 'RECEIPT_ALREADY_RECORDED', details: { receiptSha256: sha256(der) } },
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses a receipt before the recipient downloaded the envelope with RECEIPT_BEFORE_DOWNLOAD', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber, false);

    await expectRefused(
      envelopeId,
      signed(receiptBody(envelopeId, officeNumber), credential),
      tokenOf(officeNumber, credential),
      { status: 409, code: 'RECEIPT_BEFORE_DOWNLOAD' },
    );
  });

  it('answers anyone but the recipient as for an unknown envelope', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const der = signed(receiptBody(envelopeId, officeNumber), credential);

    await expectRefused(envelopeId, der, tokenOf(SENDER), { status: 404, code: 'ENVELOPE_NOT_FOUND' });
    await expectRefused(randomUUID(), der, tokenOf(officeNumber, credential), {
      status: 404,
      code: 'ENVELOPE_NOT_FOUND',
    });
    await expectRefused('not-a-uuid', der, tokenOf(officeNumber, credential), {
      status: 400,
      code: 'ENVELOPE_ID_INVALID',
    });
  });

  it.each([
    ['garbage', () => 'not a receipt', 400, 'RECEIPT_MALFORMED'],
    ['an acceptance receipt', 'acceptance', 400, 'RECEIPT_INVALID'],
  ] as const)('refuses %s', async (_what, kind, status, code) => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const der =
      kind === 'acceptance'
        ? Buffer.from(
            signReceipt(
              {
                type: 'acceptance',
                version: 1,
                envelopeId,
                manifestSha256: MANIFEST_SHA256,
                contentSha256: 'aa'.repeat(32),
                objectSha256: 'ef'.repeat(32),
                sender: { officeNumber: SENDER, serviceType: '43' },
                recipient: { officeNumber, serviceType: '46' },
                acceptedAt: '2026-11-24T06:00:00.000Z',
                platform: 'renkei',
              },
              { certificate: credential.certificate, privateKey: credential.privateKey },
            ),
          )
        : kind();

    await expectRefused(envelopeId, der, tokenOf(officeNumber, credential), { status, code });
  });

  it('refuses a receipt from a recipient whose licence is no longer live with 403 LICENCE_NOT_LIVE', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const cancelled = licenceEvent({
      officeNumber,
      state: LicenceState.CANCELLED,
      autoRenew: false,
      version: 2,
    });
    await publish(cancelled);
    await consumed(cancelled);
    const der = signed(receiptBody(envelopeId, officeNumber), credential);

    await expectRefused(envelopeId, der, tokenOf(officeNumber, credential), {
      status: 403,
      code: 'LICENCE_NOT_LIVE',
    });
  });

  it('refuses a tampered receipt with RECEIPT_SIGNATURE_INVALID', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const der = signed(receiptBody(envelopeId, officeNumber), credential);
    const at = der.indexOf('"verdict":"accepted"') + '"verdict":"a'.length;
    der[at] ^= 0x01;

    await expectRefused(envelopeId, der, tokenOf(officeNumber, credential), {
      status: 422,
      code: 'RECEIPT_SIGNATURE_INVALID',
    });
  });

  it('refuses a receipt signed under an unknown CA with RECEIPT_SIGNER_UNTRUSTED', async () => {
    const { officeNumber } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const stranger = issueOfficeCertificate(createDevCa(), {
      officeNumber,
      serviceTypes: ['46'],
      keyType: 'ec',
    });

    await expectRefused(
      envelopeId,
      signed(receiptBody(envelopeId, officeNumber), stranger),
      tokenOf(officeNumber, stranger),
      {
        status: 422,
        code: 'RECEIPT_SIGNER_UNTRUSTED',
      },
    );
  });

  it('refuses a receipt whose signer the certificate service revoked with RECEIPT_SIGNER_UNTRUSTED (CERTIFICATE_REVOKED), once the revocation event arrived', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const revocation = certificateRevokedMessage(credential.certificate, { anchorId: randomUUID() });
    await service.running.app.get(EventBus).publish([revocation]);
    await expectEventually(async () => {
      const rows = await service.database.rows<{ n: number }>(
        'select count(*)::int as n from delivery.revoked_certificate_view',
      );
      expect(rows[0].n).toBeGreaterThan(0);
    });

    await expectEventually(async () => {
      const answer = await post(
        envelopeId,
        signed(receiptBody(envelopeId, officeNumber), credential),
        tokenOf(officeNumber, credential),
      );
      expect(answer).toMatchObject({
        status: 422,
        body: { code: 'RECEIPT_SIGNER_UNTRUSTED', details: { reason: 'CERTIFICATE_REVOKED' } },
      });
    });
    expect(
      await get(`/v1/envelopes/${envelopeId}/receipts/recipient`, tokenOf(officeNumber, credential)),
    ).toMatchObject({
      status: 404,
    });
  });

  it('refuses a receipt signed by another office, or with another certificate than the token, with RECEIPT_SIGNER_MISMATCH', async () => {
    const { officeNumber, credential } = await newRecipient();
    const other = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const second = issueOfficeCertificate(ca, { officeNumber, serviceTypes: ['46'], keyType: 'rsa' });

    await expectRefused(
      envelopeId,
      signed(receiptBody(envelopeId, officeNumber), other.credential),
      tokenOf(officeNumber, credential),
      { status: 403, code: 'RECEIPT_SIGNER_MISMATCH' },
    );
    await expectRefused(
      envelopeId,
      signed(receiptBody(envelopeId, officeNumber), second),
      tokenOf(officeNumber, credential),
      { status: 403, code: 'RECEIPT_SIGNER_MISMATCH' },
    );
  });

  it('refuses a receipt for another manifest with RECEIPT_ENVELOPE_MISMATCH', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);

    await expectRefused(
      envelopeId,
      signed(receiptBody(envelopeId, officeNumber, { manifestSha256: '00'.repeat(32) }), credential),
      tokenOf(officeNumber, credential),
      { status: 422, code: 'RECEIPT_ENVELOPE_MISMATCH' },
    );
    await expectRefused(
      envelopeId,
      signed(receiptBody(randomUUID(), officeNumber), credential),
      tokenOf(officeNumber, credential),
      { status: 422, code: 'RECEIPT_ENVELOPE_MISMATCH' },
    );
  });

  it('refuses another media type with 415 and a body over 64 KiB with 413', async () => {
    const { officeNumber, credential } = await newRecipient();
    const envelopeId = await fileEnvelope(officeNumber);
    const token = tokenOf(officeNumber, credential);

    await expectRefused(
      envelopeId,
      '{}',
      token,
      { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      'application/json',
    );
    await expectRefused(envelopeId, Buffer.alloc(64 * 1024 + 1), token, {
      status: 413,
      code: 'RECEIPT_TOO_LARGE',
    });
  });
});
