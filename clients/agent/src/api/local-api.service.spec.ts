import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvelope, parseReceipt, signReceipt } from '@renkei/envelope';
import { issuePlatformCertificate, type DevCredential } from '@renkei/pki';
import { openSession, Session } from '../agent.context';
import { AgentErrorCode, ExitCode } from '../agent.errors';
import { prepareSend, sealUnit } from '../commands/send.command';
import { authRoutes, FakeAnswer, fakeFetch, FakeRoute } from '../testing/fake-fetch';
import {
  loadTestProfile,
  PLANNER,
  PROVIDER,
  setUpOffices,
  testContext,
  TestOffices,
} from '../testing/offices';
import { ApiError, ApiErrorCode } from './api.errors';
import { API_TOKEN_FILE, ensureApiToken, tokenMatches } from './api-token';
import { JOURNAL_DIR, requestDigest } from './idempotency.journal';
import { LocalApiService, UnitFileInput } from './local-api.service';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe(LocalApiService.name, () => {
  let dir: string;
  let offices: TestOffices;
  let signer: DevCredential;
  let files: UnitFileInput[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-api-'));
    offices = await setUpOffices(dir);
    signer = issuePlatformCertificate(offices.ca, { name: 'TEST ONLY platform' });
    files = offices.unit.files.map((f) => ({ name: f.fileName, content: f.bytes }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function acceptanceOf(der: Uint8Array): string {
    const parsed = parseEnvelope(der);
    const receipt = signReceipt(
      {
        type: 'acceptance',
        version: 1,
        envelopeId: parsed.manifest.envelopeId,
        manifestSha256: parsed.manifestSha256,
        contentSha256: parsed.contentSha256,
        objectSha256: 'ef'.repeat(32),
        sender: parsed.manifest.sender,
        recipient: parsed.manifest.recipient,
        acceptedAt: '2026-11-24T05:30:01.123Z',
        platform: 'renkei',
      },
      { certificate: signer.certificate, privateKey: signer.privateKey },
    );
    return Buffer.from(receipt).toString('base64');
  }

  /**
   * intake as it behaves: the first post of an envelope id is stored (202), a later one is ENVELOPE_DUPLICATE
   * with the receipt; `lose` answers are stored but lost on the way back (a network error)
   */
  function platform(
    options: { lose?: number; unreachable?: boolean; extra?: Record<string, FakeRoute> } = {},
  ) {
    const stored = new Map<string, Uint8Array>();
    const posted: Uint8Array[] = [];
    let lose = options.lose ?? 0;
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/offices/${PROVIDER.officeNumber}`]: () => ({
        status: 200,
        json: { ...PROVIDER, serviceTypes: ['11'], certificatePem: offices.provider.certificatePem },
      }),
      'POST /v1/envelopes': (call): FakeAnswer => {
        const der = call.body as Uint8Array;
        posted.push(der);
        if (options.unreachable) return 'network-error';
        const { envelopeId } = parseEnvelope(der).manifest;
        if (stored.has(envelopeId)) {
          return {
            status: 409,
            json: {
              code: 'ENVELOPE_DUPLICATE',
              message: 'duplicate',
              details: { receipt: acceptanceOf(der) },
            },
          };
        }
        stored.set(envelopeId, der);
        if (lose > 0) {
          lose -= 1;
          return 'network-error';
        }
        return { status: 202, json: { envelopeId, status: 'accepted', receipt: acceptanceOf(der) } };
      },
      ...options.extra,
    });
    return { ...fake, posted, stored };
  }

  async function serviceOf(fetchImpl: typeof fetch): Promise<{ service: LocalApiService; session: Session }> {
    const ctx = testContext({ home: offices.plannerHome, fetch: fetchImpl });
    const session = await openSession(ctx);
    return { service: new LocalApiService(ctx, session, { settleMs: 0 }), session };
  }

  it('sends one unit, and a retry with the same key answers the same without sending again', async () => {
    const fake = platform();
    const { service } = await serviceOf(fake.fetch);

    const first = await service.sendUnit('key-1', files);
    const again = await service.sendUnit('key-1', files);

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      status: 'accepted',
      acceptedAt: '2026-11-24T05:30:01.123Z',
      kind: 'plan',
      fileSequence: '20261124053000',
      recipient: PROVIDER,
      acceptanceReceipt: { verified: true },
    });
    expect(again).toEqual({ status: 200, body: first.body });
    expect(fake.posted).toHaveLength(1);
    expect(fake.stored.size).toBe(1);
  });

  it('resumes a call whose answer was lost: the same sealed bytes again, one envelope on the platform', async () => {
    const down = platform({ unreachable: true });
    const { service, session } = await serviceOf(down.fetch);
    await expect(service.sendUnit('key-2', files)).rejects.toMatchObject({
      code: AgentErrorCode.PLATFORM_UNREACHABLE,
    });
    const entry = await service.journal.read('key-2');
    expect(entry?.result).toBeUndefined();
    expect(Buffer.from(entry?.sealedDer ?? '', 'base64').equals(Buffer.from(down.posted[0]))).toBe(true);

    // the platform is back, and stores it but the answer is lost once more; then the caller retries
    const up = platform({ lose: 3 });
    const retried = new LocalApiService(
      testContext({ home: offices.plannerHome, fetch: up.fetch }),
      {
        ...session,
        client: (await serviceOf(up.fetch)).session.client,
      },
      { settleMs: 0 },
    );
    const answer = await retried.sendUnit('key-2', files);

    expect(answer.status).toBe(202);
    expect(answer.body.envelopeId).toBe(entry?.envelopeId);
    expect(up.stored.size).toBe(1);
    expect(up.posted.every((der) => Buffer.from(der).equals(Buffer.from(down.posted[0])))).toBe(true);
    const completed = await retried.journal.read('key-2');
    expect(completed?.result).toEqual(answer.body);
    // once answered, the journal keeps the answer, not the envelope
    expect(completed?.sealedDer).toBeUndefined();
  });

  it('resumes after a crash between sealing and posting (journal written, nothing posted)', async () => {
    const fake = platform();
    const { service, session } = await serviceOf(fake.fetch);
    const unit = prepareSend(
      files.map((f) => ({ fileName: f.name, bytes: f.content })),
      session.profile,
    ).units[0];
    const sealed = await sealUnit(session.client, session.profile, unit);
    await service.journal.begin('key-3', {
      requestSha256: requestDigest(files),
      envelopeId: sealed.envelopeId,
      sealedDer: Buffer.from(sealed.der).toString('base64'),
    });

    const answer = await service.sendUnit('key-3', files);

    expect(answer.body.envelopeId).toBe(sealed.envelopeId);
    expect(fake.posted.map((d) => Buffer.from(d).equals(Buffer.from(sealed.der)))).toEqual([true]);
  });

  it('refuses a key reused for other files, and concurrent calls of one key send once', async () => {
    const fake = platform();
    const { service } = await serviceOf(fake.fetch);
    const [a, b] = await Promise.all([service.sendUnit('key-4', files), service.sendUnit('key-4', files)]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(fake.posted).toHaveLength(1);

    const other = files.map((f, i) =>
      i === 0 ? { ...f, content: new Uint8Array([...f.content, 0x0a]) } : f,
    );
    const reused = await service.sendUnit('key-4', other).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(ApiError);
    expect(reused).toMatchObject({ status: 409, code: ApiErrorCode.IDEMPOTENCY_KEY_REUSED });
  });

  it('requires a well-formed key, and records nothing for files that fail the check', async () => {
    const fake = platform();
    const { service, session } = await serviceOf(fake.fetch);
    await expect(service.sendUnit(undefined, files)).rejects.toMatchObject({
      status: 400,
      code: ApiErrorCode.IDEMPOTENCY_KEY_REQUIRED,
    });
    await expect(service.sendUnit('has space', files)).rejects.toMatchObject({
      code: ApiErrorCode.IDEMPOTENCY_KEY_INVALID,
    });
    const broken = files.map((f, i) => (i === 0 ? { ...f, content: new Uint8Array([0x41, 0x2c, 0x0a]) } : f));
    await expect(service.sendUnit('key-5', broken)).rejects.toMatchObject({
      code: AgentErrorCode.SEND_VALIDATION_FAILED,
      details: { problems: expect.arrayContaining([expect.objectContaining({ severity: 'error' })]) },
    });
    expect(fake.posted).toHaveLength(0);
    expect(readdirSync(join(session.profile.dir)).includes(JOURNAL_DIR)).toBe(false);
  });

  it('passes list queries through and refuses unknown parameters', async () => {
    const fake = platform({
      extra: {
        'GET /v1/inbox': () => ({ status: 200, json: { items: [], next: null } }),
        'GET /v1/sent': () => ({ status: 200, json: { items: [], next: 'n1' } }),
      },
    });
    const { service } = await serviceOf(fake.fetch);
    expect(await service.listSent({ limit: '2' })).toEqual({ items: [], next: 'n1' });
    await service.listReceived({ status: 'available', after: 'c1' });
    const urls = fake.calls.filter((c) => c.path.startsWith('/v1/')).map((c) => new URL(c.url).search);
    expect(urls.slice(-2)).toEqual(['?limit=2', '?status=available&after=c1']);
    expect(() => service.listSent({ status: 'all' })).toThrow(
      expect.objectContaining({ code: ApiErrorCode.QUERY_INVALID }),
    );
  });

  it('fetches a unit sent to this office: the files, verified, and the receipt it posted', async () => {
    const planner = await loadTestProfile(offices.plannerHome);
    const unit = prepareSend(
      files.map((f) => ({ fileName: f.name, bytes: f.content })),
      planner,
    ).units[0];
    const directory = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/offices/${PROVIDER.officeNumber}`]: () => ({
        status: 200,
        json: { ...PROVIDER, serviceTypes: ['11'], certificatePem: offices.provider.certificatePem },
      }),
    });
    const sealed = await sealUnit(
      (await openSession(testContext({ home: offices.plannerHome, fetch: directory.fetch }))).client,
      planner,
      unit,
    );
    const tampered = new Uint8Array(sealed.der);
    tampered[tampered.length - 40] ^= 0xff;
    let content = sealed.der;
    const receipts: Uint8Array[] = [];
    const item = {
      envelopeId: sealed.envelopeId,
      sender: PLANNER,
      recipient: PROVIDER,
      files: [],
    };
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/envelopes/${sealed.envelopeId}`]: () => ({ status: 200, json: item }),
      [`GET /v1/envelopes/${sealed.envelopeId}/content`]: () => ({ status: 200, bytes: content }),
      [`POST /v1/envelopes/${sealed.envelopeId}/receipt`]: (call) => {
        receipts.push(call.body as Uint8Array);
        return receipts.length === 1
          ? {
              status: 201,
              json: { envelopeId: sealed.envelopeId, verdict: 'accepted', receiptSha256: 'cd'.repeat(32) },
            }
          : { status: 409, json: { code: 'RECEIPT_ALREADY_RECORDED', message: 'recorded' } };
      },
    });
    const ctx = testContext({ home: offices.providerHome, fetch: fake.fetch });
    const provider = new LocalApiService(ctx, await openSession(ctx));

    const fetched = await provider.fetchReceived(sealed.envelopeId.toUpperCase());

    expect(fetched).toMatchObject({
      envelopeId: sealed.envelopeId,
      sender: PLANNER,
      receipt: { state: 'recorded', verdict: 'accepted' },
    });
    for (const file of files) {
      const got = fetched.files.find((f) => f.name === file.name);
      expect(Buffer.from(got?.contentBase64 ?? '', 'base64').equals(Buffer.from(file.content))).toBe(true);
    }
    expect(parseReceipt(receipts[0]).body).toMatchObject({ type: 'recipient', verdict: 'accepted' });
    expect((await provider.fetchReceived(sealed.envelopeId)).receipt).toEqual({ state: 'already-recorded' });

    // a unit that does not open is refused, and the sender is told why (a signed rejection)
    content = tampered;
    receipts.length = 0;
    const refused = await provider.fetchReceived(sealed.envelopeId).catch((e: unknown) => e);
    expect(refused).toMatchObject({ exitCode: ExitCode.InvalidInput });
    expect(parseReceipt(receipts[0]).body).toMatchObject({ type: 'recipient', verdict: 'rejected' });

    // the planner's API does not fetch what it sent
    const plannerCtx = testContext({ home: offices.plannerHome, fetch: fake.fetch });
    const plannerApi = new LocalApiService(plannerCtx, await openSession(plannerCtx));
    await expect(plannerApi.fetchReceived(sealed.envelopeId)).rejects.toMatchObject({
      status: 404,
      code: ApiErrorCode.NOT_RECEIVED,
    });
  });

  it('reports status with the platform unreachable instead of failing', async () => {
    const fake = platform({ extra: { 'GET /health/live': () => 'network-error' } });
    const { service } = await serviceOf(fake.fetch);
    const status = await service.status();
    expect(status).toMatchObject({
      officeNumber: PLANNER.officeNumber,
      certificate: { expiry: 'ok' },
      platform: { reachable: false, problems: [{ code: AgentErrorCode.PLATFORM_UNREACHABLE }] },
    });
  });
});

describe(ensureApiToken.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'renkei-agent-token-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a 256-bit token once, 0600, and reads it back on later starts', async () => {
    const first = await ensureApiToken(dir);
    const second = await ensureApiToken(dir);
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    expect(statSync(join(dir, API_TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(tokenMatches(first.token, second.token)).toBe(true);
    expect(tokenMatches(first.token, `${first.token}x`)).toBe(false);
  });
});
