// POST /v1/envelopes end to end on the real PostgreSQL and MinIO (and the local object store): intake booted
// with startApp, the directory and the licences fed through the bus, envelopes sealed with libs/envelope from
// careplan units.
import { CareplanErrorCode } from '@renkei/careplan';
import { decodeEvent, LicenceState, OfficeStatus } from '@renkei/contracts';
import { EnvelopeKind, parseEnvelope, parseReceipt, type Party, type SealedEnvelope } from '@renkei/envelope';
import { createDevCa, expectEventually, issueOfficeCertificate } from '@renkei/testing';
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import http from 'node:http';
import { objectKeyOf } from './envelopes.service';
import { IntakeHarness, planFiles, sealUnit } from './fixtures/intake.harness';

const A: Party = { officeNumber: '1310000001', serviceType: '43' };
const B: Party = { officeNumber: '1320000002', serviceType: '11' };
const C: Party = { officeNumber: '1330000003', serviceType: '43' };
const UNKNOWN: Party = { officeNumber: '1390000009', serviceType: '11' };
const WITHDRAWN: Party = { officeNumber: '1340000004', serviceType: '11' };
/** offices of the directory whose licence is missing, not live, or live on its renewal grace */
const UNLICENSED: Party = { officeNumber: '1350000005', serviceType: '11' };
const SUSPENDED: Party = { officeNumber: '1360000006', serviceType: '11' };
const TERM_ENDED: Party = { officeNumber: '1370000007', serviceType: '11' };
const IN_GRACE: Party = { officeNumber: '1380000008', serviceType: '11' };
/** a sender with a certificate and no licence, and one whose licence was cancelled */
const S: Party = { officeNumber: '1350000015', serviceType: '43' };
const T: Party = { officeNumber: '1350000016', serviceType: '43' };
const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

const ca = createDevCa();
const officeA = issueOfficeCertificate(ca, {
  officeNumber: A.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const officeB = issueOfficeCertificate(ca, {
  officeNumber: B.officeNumber,
  serviceTypes: ['11'],
  keyType: 'rsa',
});
const officeC = issueOfficeCertificate(ca, {
  officeNumber: C.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const officeS = issueOfficeCertificate(ca, {
  officeNumber: S.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const officeT = issueOfficeCertificate(ca, {
  officeNumber: T.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const strangerA = issueOfficeCertificate(createDevCa(), {
  officeNumber: A.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const expiredA = issueOfficeCertificate(ca, {
  officeNumber: A.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
  notBefore: new Date(Date.now() - 10 * DAY_MS),
  notAfter: new Date(Date.now() - DAY_MS),
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('POST /v1/envelopes (MinIO)', () => {
  const harness = new IntakeHarness({ objectStore: 'minio', trustAnchorsPem: ca.certificatePem });
  let tokenA: string;

  const sealAtoB = (overrides: Partial<Parameters<typeof sealUnit>[0]> = {}): Promise<SealedEnvelope> =>
    sealUnit({ signer: officeA, recipientCertificate: officeB, sender: A, recipient: B, ...overrides });

  async function counts(): Promise<{ envelopes: number; outbox: number }> {
    const [row] = await harness.query<{ envelopes: number; outbox: number }>(
      `select (select count(*)::int from intake.envelope) as envelopes,
              (select count(*)::int from intake.outbox_event) as outbox`,
    );
    return row;
  }

  /** sends `der` and checks the refusal left no row, no outbox event and no object behind */
  async function expectRefused(
    der: Uint8Array,
    envelopeId: string,
    expected: { status: number; code: string },
    request: { token?: string; contentType?: string } = { token: tokenA },
  ): Promise<Record<string, unknown>> {
    const before = await counts();
    const answer = await harness.post(der, request.token, request.contentType);
    expect(answer).toMatchObject({ status: expected.status, body: { code: expected.code } });
    expect(await counts()).toEqual(before);
    expect(await harness.objects.stat(objectKeyOf(envelopeId, new Date()))).toBeNull();
    return answer.body;
  }

  beforeAll(async () => {
    await harness.start();
    tokenA = harness.tokenFor(officeA, A.officeNumber, ['43']);
    await harness.publishOffice({ party: A });
    await harness.publishOffice({ party: B });
    await harness.publishOffice({ party: C });
    await harness.publishOffice({ party: WITHDRAWN, status: OfficeStatus.WITHDRAWN, version: 2 });
    // older than the stored version: ignored
    await harness.publishOffice({ party: WITHDRAWN, status: OfficeStatus.ACTIVE, version: 1 });
    for (const party of [UNLICENSED, SUSPENDED, TERM_ENDED, IN_GRACE]) await harness.publishOffice({ party });
    await harness.waitForOffices(8);
    for (const party of [A, B, C]) await harness.publishLicence({ officeNumber: party.officeNumber });
    await harness.publishLicence({
      officeNumber: SUSPENDED.officeNumber,
      state: LicenceState.SUSPENDED,
      version: 3,
    });
    // older than the stored version: ignored
    await harness.publishLicence({ officeNumber: SUSPENDED.officeNumber, version: 2 });
    await harness.publishLicence({
      officeNumber: TERM_ENDED.officeNumber,
      termEnd: new Date(Date.now() - HOUR_MS),
      autoRenew: false,
    });
    await harness.publishLicence({
      officeNumber: IN_GRACE.officeNumber,
      termEnd: new Date(Date.now() - HOUR_MS),
      autoRenew: true,
    });
    await harness.publishLicence({
      officeNumber: T.officeNumber,
      state: LicenceState.CANCELLED,
      autoRenew: false,
    });
    await harness.waitForLicences(7);
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('keeps the latest version of each directory office, ignoring an older event', async () => {
    const rows = await expectEventually(() =>
      harness.query<{ office_number: string; status: string; version: string }>(
        'select office_number, status, version from intake.known_office order by office_number',
      ),
    );

    expect(rows).toEqual(
      expect.arrayContaining([
        { office_number: A.officeNumber, status: 'active', version: '1' },
        { office_number: B.officeNumber, status: 'active', version: '1' },
        { office_number: C.officeNumber, status: 'active', version: '1' },
        { office_number: WITHDRAWN.officeNumber, status: 'withdrawn', version: '2' },
      ]),
    );
  });

  it('keeps the latest version of each licence, ignoring an older event', async () => {
    const rows = await harness.query<{ office_number: string; state: string; version: string }>(
      'select office_number, state, version from intake.known_licence where office_number = any($1)',
      [[A.officeNumber, SUSPENDED.officeNumber, T.officeNumber]],
    );

    expect(rows.sort((x, y) => x.office_number.localeCompare(y.office_number))).toEqual([
      { office_number: A.officeNumber, state: 'active', version: '1' },
      { office_number: T.officeNumber, state: 'cancelled', version: '1' },
      { office_number: SUSPENDED.officeNumber, state: 'suspended', version: '3' },
    ]);
  });

  it('accepts a sealed plan unit: 202, the object, the row and one accepted event', async () => {
    const sealed = await sealAtoB();
    const { envelopeId } = sealed.manifest;
    const before = await counts();

    const answer = await harness.post(sealed.der, tokenA);

    expect(answer.status).toBe(202);
    const parsed = parseEnvelope(sealed.der);
    expect(answer.body).toEqual({
      envelopeId,
      status: 'accepted',
      acceptedAt: expect.any(String),
      manifestSha256: parsed.manifestSha256,
      objectSha256: sha256(sealed.der),
      objectSize: sealed.der.byteLength,
      receipt: expect.any(String),
    });
    const acceptedAt = new Date(answer.body['acceptedAt'] as string);
    const objectKey = objectKeyOf(envelopeId, acceptedAt);
    expect(objectKey).toMatch(/^envelopes\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
    const stored = await harness.objects.get(objectKey);
    const chunks: Buffer[] = [];
    for await (const chunk of stored.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from(sealed.der))).toBe(true);

    const [row] = await harness.query('select * from intake.envelope where envelope_id = $1', [envelopeId]);
    expect(row).toMatchObject({
      sender_office_number: A.officeNumber,
      sender_service_type: '43',
      recipient_office_number: B.officeNumber,
      recipient_service_type: '11',
      kind: 'plan',
      target_month: '202611',
      file_sequence: sealed.manifest.fileSequence,
      manifest: sealed.manifest,
      manifest_sha256: parsed.manifestSha256,
      content_sha256: sealed.contentSha256,
      signer_certificate_sha256: officeA.fingerprint,
      object_key: objectKey,
      object_size: String(sealed.der.byteLength),
      object_sha256: sha256(sealed.der),
      status: 'accepted',
    });
    expect(await counts()).toEqual({ envelopes: before.envelopes + 1, outbox: before.outbox + 1 });

    const message = await expectEventually(() => {
      const found = harness.accepted.find(
        (m) => decodeEvent('intakeEnvelopeAccepted', m.value).envelope?.envelopeId === envelopeId,
      );
      if (!found) throw new Error('no accepted event yet');
      return found;
    });
    expect(message.key).toBe(B.officeNumber);
    const event = decodeEvent('intakeEnvelopeAccepted', message.value);
    expect(event.meta).toMatchObject({ producer: 'intake', type: 'renkei.intake.v1.EnvelopeAccepted' });
    expect(event.envelope).toMatchObject({
      envelopeId,
      sender: { officeNumber: A.officeNumber, serviceType: '43' },
      recipient: { officeNumber: B.officeNumber, serviceType: '11' },
      kind: 'plan',
      targetMonth: '202611',
      fileSequence: sealed.manifest.fileSequence,
      manifestSha256: parsed.manifestSha256,
      objectKey,
      objectSize: BigInt(sealed.der.byteLength),
      objectSha256: sha256(sealed.der),
    });
    expect(event.envelope?.files.map((f) => [f.name, f.mediaType, Number(f.size), f.sha256])).toEqual(
      sealed.manifest.files.map((f) => [f.name, f.mediaType, f.size, f.sha256]),
    );
    expect(event.envelope?.files.map((f) => f.name.split('_')[0])).toEqual(['UPPLAN', 'UPSIKYU', 'UPHOSOKU']);
    expect(Number(event.envelope?.acceptedAt?.seconds)).toBe(Math.floor(acceptedAt.getTime() / 1000));
    expect(Number(event.envelope?.createdAt?.seconds)).toBe(Date.parse(sealed.manifest.createdAt) / 1000);
  });

  it('answers with a signed acceptance receipt that verifies against the platform certificate', async () => {
    const sealed = await sealAtoB();
    const parsed = parseEnvelope(sealed.der);

    const answer = await harness.post(sealed.der, tokenA);

    expect(answer.status).toBe(202);
    const der = Buffer.from(answer.body['receipt'] as string, 'base64');
    const receipt = parseReceipt(der);
    expect(receipt.signerCertificate.sha256).toBe(harness.platform.fingerprint);
    // the platform certificate is issued by the platform CA
    const platformCa = new X509Certificate(harness.platformCa.certificate);
    expect(new X509Certificate(receipt.signerCertificate.der).verify(platformCa.publicKey)).toBe(true);
    expect(receipt.body).toEqual({
      type: 'acceptance',
      version: 1,
      envelopeId: sealed.manifest.envelopeId,
      manifestSha256: parsed.manifestSha256,
      contentSha256: parsed.contentSha256,
      objectSha256: sha256(sealed.der),
      sender: A,
      recipient: B,
      acceptedAt: answer.body['acceptedAt'],
      platform: 'renkei',
    });
    const [row] = await harness.query<{ acceptance_receipt: Buffer; acceptance_receipt_sha256: string }>(
      'select acceptance_receipt, acceptance_receipt_sha256 from intake.envelope where envelope_id = $1',
      [sealed.manifest.envelopeId],
    );
    expect(row.acceptance_receipt.equals(der)).toBe(true);
    expect(row.acceptance_receipt_sha256).toBe(sha256(der));
  });

  it('serves the acceptance receipt to the sender and the recipient only', async () => {
    const sealed = await sealAtoB();
    const answer = await harness.post(sealed.der, tokenA);
    const { envelopeId } = sealed.manifest;
    const tokenB = harness.tokenFor(officeB, B.officeNumber, ['11']);
    const tokenC = harness.tokenFor(officeC, C.officeNumber, ['43']);

    const bySender = await harness.acceptanceReceipt(envelopeId, tokenA);
    const byRecipient = await harness.acceptanceReceipt(envelopeId, tokenB);
    const byOther = await harness.acceptanceReceipt(envelopeId, tokenC);
    const unknown = await harness.acceptanceReceipt(randomUUID(), tokenA);
    const invalid = await harness.acceptanceReceipt('not-a-uuid', tokenA);

    expect(bySender).toMatchObject({ status: 200, contentType: 'application/cms' });
    expect(bySender.body.toString('base64')).toBe(answer.body['receipt']);
    expect(byRecipient.body.equals(bySender.body)).toBe(true);
    expect(byOther.status).toBe(404);
    expect(JSON.parse(byOther.body.toString('utf8'))).toMatchObject({ code: 'ENVELOPE_NOT_FOUND' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString('utf8'))).toMatchObject({ code: 'ENVELOPE_NOT_FOUND' });
    expect(JSON.parse(invalid.body.toString('utf8'))).toMatchObject({ code: 'ENVELOPE_ID_INVALID' });
  });

  it('answers a replay with ENVELOPE_DUPLICATE and the first acceptance, storing nothing more', async () => {
    const sealed = await sealAtoB();
    const first = await harness.post(sealed.der, tokenA);
    expect(first.status).toBe(202);
    const before = await counts();

    const replay = await harness.post(sealed.der, tokenA);

    expect(replay).toMatchObject({
      status: 409,
      body: {
        code: 'ENVELOPE_DUPLICATE',
        details: {
          envelopeId: sealed.manifest.envelopeId,
          status: 'accepted',
          acceptedAt: first.body['acceptedAt'],
          receipt: first.body['receipt'],
        },
      },
    });
    expect(await counts()).toEqual(before);
  });

  it('answers a different envelope under a used id with ENVELOPE_ID_CONFLICT', async () => {
    const envelopeId = randomUUID();
    expect((await harness.post((await sealAtoB({ envelopeId })).der, tokenA)).status).toBe(202);
    const other = await sealAtoB({ envelopeId, files: planFiles(A, B, 2) });
    const before = await counts();

    const answer = await harness.post(other.der, tokenA);

    expect(answer).toMatchObject({ status: 409, body: { code: 'ENVELOPE_ID_CONFLICT' } });
    expect(answer.body).not.toHaveProperty('details');
    expect(await counts()).toEqual(before);
  });

  it('accepts only one of two concurrent sends of one envelope', async () => {
    const sealed = await sealAtoB();

    const answers = await Promise.all([harness.post(sealed.der, tokenA), harness.post(sealed.der, tokenA)]);

    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const rows = await harness.query('select 1 from intake.envelope where envelope_id = $1', [
      sealed.manifest.envelopeId,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('refuses a tampered ciphertext byte with SIGNATURE_INVALID', async () => {
    const sealed = await sealAtoB();
    const der = Buffer.from(sealed.der);
    const content = Buffer.from(parseEnvelope(sealed.der).content);
    const at = der.indexOf(content);
    der[at + content.length - 3] ^= 0x01;

    await expectRefused(der, sealed.manifest.envelopeId, { status: 422, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a tampered manifest with SIGNATURE_INVALID', async () => {
    const sealed = await sealAtoB();
    const der = Buffer.from(sealed.der);
    const createdAt = `"createdAt":"${sealed.manifest.createdAt}"`;
    expect(createdAt).toMatch(/\.000Z"$/);
    const at = der.indexOf(Buffer.from(createdAt));
    expect(at).toBeGreaterThan(0);
    // still canonical JSON of a valid manifest, just not the signed one (milliseconds .000 → .001)
    der[at + createdAt.length - 3] = '1'.charCodeAt(0);

    await expectRefused(der, sealed.manifest.envelopeId, { status: 422, code: 'SIGNATURE_INVALID' });
  });

  it('refuses garbage with ENVELOPE_MALFORMED', async () => {
    await expectRefused(Buffer.from('not a CMS envelope'), randomUUID(), {
      status: 400,
      code: 'ENVELOPE_MALFORMED',
    });
  });

  it('refuses an envelope signed by another office than the token names with SENDER_MISMATCH', async () => {
    const sealed = await sealUnit({
      signer: officeC,
      recipientCertificate: officeB,
      sender: C,
      recipient: B,
    });

    await expectRefused(sealed.der, sealed.manifest.envelopeId, { status: 403, code: 'SENDER_MISMATCH' });
  });

  it('refuses a manifest sender that is not the signer with SENDER_MISMATCH', async () => {
    const sealed = await sealUnit({
      signer: officeA,
      recipientCertificate: officeB,
      sender: C,
      recipient: B,
    });

    await expectRefused(sealed.der, sealed.manifest.envelopeId, { status: 403, code: 'SENDER_MISMATCH' });
  });

  it('refuses a signer from an unknown CA with CERTIFICATE_UNTRUSTED', async () => {
    const sealed = await sealAtoB({ signer: strangerA });

    await expectRefused(sealed.der, sealed.manifest.envelopeId, {
      status: 422,
      code: 'CERTIFICATE_UNTRUSTED',
    });
  });

  it('refuses an expired signer certificate with CERTIFICATE_EXPIRED', async () => {
    const sealed = await sealAtoB({ signer: expiredA });

    await expectRefused(sealed.der, sealed.manifest.envelopeId, { status: 422, code: 'CERTIFICATE_EXPIRED' });
  });

  it.each([
    ['not in the directory', UNKNOWN],
    ['withdrawn', WITHDRAWN],
    ['without that service type', { officeNumber: B.officeNumber, serviceType: '15' }],
  ])('refuses a recipient %s with RECIPIENT_UNKNOWN', async (_label, recipient) => {
    const sealed = await sealAtoB({ recipient, files: planFiles(A, recipient) });

    await expectRefused(sealed.der, sealed.manifest.envelopeId, { status: 422, code: 'RECIPIENT_UNKNOWN' });
  });

  it.each([
    ['without a licence', S, officeS],
    ['whose licence was cancelled', T, officeT],
  ])('refuses a sender %s with 403 SENDER_LICENCE_NOT_LIVE', async (_label, sender, signer) => {
    const sealed = await sealUnit({ signer, recipientCertificate: officeB, sender, recipient: B });
    const token = harness.tokenFor(signer, sender.officeNumber, ['43']);

    await expectRefused(
      sealed.der,
      sealed.manifest.envelopeId,
      { status: 403, code: 'SENDER_LICENCE_NOT_LIVE' },
      { token },
    );
  });

  it('checks the sender licence before the recipient', async () => {
    const sealed = await sealUnit({
      signer: officeS,
      recipientCertificate: officeB,
      sender: S,
      recipient: UNKNOWN,
      files: planFiles(S, UNKNOWN),
    });
    const token = harness.tokenFor(officeS, S.officeNumber, ['43']);

    await expectRefused(
      sealed.der,
      sealed.manifest.envelopeId,
      { status: 403, code: 'SENDER_LICENCE_NOT_LIVE' },
      { token },
    );
  });

  it.each([
    ['without a licence', UNLICENSED],
    ['whose licence is suspended (an older active event ignored)', SUSPENDED],
    ['whose term ended without auto-renewal', TERM_ENDED],
  ])('refuses a recipient %s with 422 RECIPIENT_LICENCE_NOT_LIVE', async (_label, recipient) => {
    const sealed = await sealAtoB({ recipient, files: planFiles(A, recipient) });

    await expectRefused(sealed.der, sealed.manifest.envelopeId, {
      status: 422,
      code: 'RECIPIENT_LICENCE_NOT_LIVE',
    });
  });

  it('accepts a recipient whose auto-renewing term ended within the renewal grace', async () => {
    const sealed = await sealAtoB({ recipient: IN_GRACE, files: planFiles(A, IN_GRACE) });

    const answer = await harness.post(sealed.der, tokenA);

    expect(answer).toMatchObject({ status: 202, body: { envelopeId: sealed.manifest.envelopeId } });
  });

  it('refuses a self-send with SEND_UNIT_INVALID listing SEND_UNIT_SELF_SEND', async () => {
    const sealed = await sealUnit({
      signer: officeA,
      recipientCertificate: officeA,
      sender: A,
      recipient: A,
    });

    const body = await expectRefused(sealed.der, sealed.manifest.envelopeId, {
      status: 422,
      code: 'SEND_UNIT_INVALID',
    });

    const codes = (body['details'] as { problems: { code: string }[] }).problems.map((p) => p.code);
    expect(codes).toContain(CareplanErrorCode.SendUnitSelfSend);
  });

  it('refuses an illegal combination with SEND_UNIT_INVALID listing the careplan code', async () => {
    const files = planFiles(A, B).filter((file) => !file.fileName.startsWith('UPPLAN_'));
    const sealed = await sealAtoB({ files });

    const body = await expectRefused(sealed.der, sealed.manifest.envelopeId, {
      status: 422,
      code: 'SEND_UNIT_INVALID',
    });

    expect(body['details']).toEqual({
      problems: [{ code: CareplanErrorCode.SendUnitIllegalCombination, message: expect.any(String) }],
    });
  });

  it('refuses a manifest whose kind is not the unit the names make', async () => {
    const sealed = await sealAtoB({ kind: EnvelopeKind.CarePlan });

    const body = await expectRefused(sealed.der, sealed.manifest.envelopeId, {
      status: 422,
      code: 'SEND_UNIT_INVALID',
    });

    expect(body['details']).toEqual({
      problems: [{ code: 'SEND_UNIT_KIND_MISMATCH', message: expect.any(String) }],
    });
  });

  it('refuses another content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const sealed = await sealAtoB();

    await expectRefused(
      sealed.der,
      sealed.manifest.envelopeId,
      { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { token: tokenA, contentType: 'text/plain' },
    );
    // JSON that the platform's global parser accepts still reaches the route, and is refused there
    const json = await harness.post('{}', tokenA, 'application/json');
    expect(json).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('requires a token', async () => {
    const sealed = await sealAtoB();

    await expectRefused(
      sealed.der,
      sealed.manifest.envelopeId,
      { status: 401, code: 'AUTH_TOKEN_MISSING' },
      {},
    );
  });

  it('refuses a declared body over 64 MiB with 413 before reading it', async () => {
    const answer = await rawPost(harness.running.url, tokenA, { declaredLength: 64 * 1024 * 1024 + 1 });

    expect(answer).toMatchObject({ status: 413, body: { code: 'ENVELOPE_TOO_LARGE' } });
    expect(answer.sent).toBe(0);
  });

  it('refuses a streamed body with 413 as soon as it passes 64 MiB, without reading the rest', async () => {
    const before = await counts();

    const answer = await rawPost(harness.running.url, tokenA, { streamUpTo: 256 * 1024 * 1024 });

    expect(answer).toMatchObject({ status: 413, body: { code: 'ENVELOPE_TOO_LARGE' } });
    expect(answer.sent).toBeLessThan(128 * 1024 * 1024);
    expect(await counts()).toEqual(before);
  });
});

describe('POST /v1/envelopes (local object store, beside another JSON route)', () => {
  const harness = new IntakeHarness({
    objectStore: 'local',
    trustAnchorsPem: ca.certificatePem,
    withEchoModule: true,
  });

  beforeAll(async () => {
    await harness.start();
    await harness.publishOffice({ party: B });
    await harness.waitForOffices(1);
    await harness.publishLicence({ officeNumber: A.officeNumber });
    await harness.publishLicence({ officeNumber: B.officeNumber });
    await harness.waitForLicences(2);
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('accepts an envelope while JSON bodies of other routes still parse', async () => {
    const sealed = await sealUnit({
      signer: officeA,
      recipientCertificate: officeB,
      sender: A,
      recipient: B,
    });

    const answer = await harness.post(
      sealed.der,
      harness.tokenFor(officeA, A.officeNumber, ['43']),
      'application/octet-stream',
    );
    const echo = await fetch(`${harness.running.url}/v1/test-echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });

    expect(answer.status).toBe(202);
    const key = objectKeyOf(sealed.manifest.envelopeId, new Date(answer.body['acceptedAt'] as string));
    expect(await harness.objects.stat(key)).toMatchObject({ size: sealed.der.byteLength });
    expect(await echo.json()).toEqual({ echoed: { hello: 'world' } });
  });
});

interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
  /** body bytes written before the answer came */
  sent: number;
}

/**
 * POSTs with node:http so the answer can be read while the body is still being written: either only headers
 * declaring `declaredLength`, or a chunked body of up to `streamUpTo` bytes, stopping once answered.
 */
function rawPost(
  baseUrl: string,
  token: string,
  options: { declaredLength?: number; streamUpTo?: number },
): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/cms',
      ...(options.declaredLength !== undefined
        ? { 'content-length': options.declaredLength }
        : { 'transfer-encoding': 'chunked' }),
    };
    const request = http.request(`${baseUrl}/v1/envelopes`, { method: 'POST', headers });
    const chunk = Buffer.alloc(1024 * 1024, 0x30);
    let sent = 0;
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(parts).toString()),
          sent,
        });
      });
    });
    // the server closes the connection after a 413; a write error after the answer is expected
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = (): void => {
      while (!answered && sent < (options.streamUpTo ?? 0)) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered && options.streamUpTo !== undefined) request.end();
    };
    if (options.declaredLength !== undefined) request.flushHeaders();
    else pump();
  });
}
