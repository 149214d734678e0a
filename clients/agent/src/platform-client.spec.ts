import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { AgentError, ExitCode } from './agent.errors';
import { PlatformClient, resolveEndpoints } from './platform-client';
import { authRoutes, fakeFetch } from './testing/fake-fetch';

const ca = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000004',
  serviceTypes: ['43'],
  keyType: 'ec',
});
const credential = { certificate: office.certificate, privateKey: office.privateKey };
const endpoints = resolveEndpoints('http://platform.test/', {});
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe(resolveEndpoints.name, () => {
  it('uses the platform URL for every service unless RENKEI_<SERVICE>_URL is set', () => {
    const sut = resolveEndpoints('http://p:8080/', { RENKEI_INTAKE_URL: 'http://intake:8083' });

    expect(sut).toEqual({
      certificate: 'http://p:8080',
      registry: 'http://p:8080',
      intake: 'http://intake:8083',
      storage: 'http://p:8080',
      delivery: 'http://p:8080',
    });
  });
});

describe(PlatformClient.name, () => {
  it('signs the challenge, then reuses the token until shortly before it expires', async () => {
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'GET /v1/offices/1320000001': () => ({ status: 200, json: { officeNumber: '1320000001' } }),
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    await sut.getOffice('1320000001');
    await sut.getOffice('1320000001');

    const tokenCall = fake.calls.find((c) => c.path === '/v1/auth/tokens');
    expect(tokenCall?.body).toMatchObject({ challengeId: '7d3c0d7e-8a3b-4b43-9b8e-1d6c2f0a9e11' });
    expect(fake.calls.filter((c) => c.path === '/v1/auth/tokens')).toHaveLength(1);
    expect(
      fake.calls.filter((c) => c.path.startsWith('/v1/offices')).map((c) => c.headers.authorization),
    ).toEqual(['Bearer token-1', 'Bearer token-1']);
  });

  it('gets a new token when the cached one is about to expire', async () => {
    const fake = fakeFetch({
      ...authRoutes(() => new Date(Date.now() + 30_000).toISOString()),
      'GET /v1/offices/1320000001': () => ({ status: 200, json: {} }),
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch, tokenMarginMs: 60_000 });

    await sut.getOffice('1320000001');
    await sut.getOffice('1320000001');

    expect(fake.calls.filter((c) => c.path === '/v1/auth/tokens')).toHaveLength(2);
  });

  it('renews the token once on a 401 and retries', async () => {
    let answered = 0;
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'GET /v1/envelopes/0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70': () => {
        answered += 1;
        return answered === 1
          ? { status: 401, json: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } }
          : { status: 200, json: { envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70' } };
      },
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    await expect(sut.getEnvelope('0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70')).resolves.toMatchObject({
      envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
    });
    expect(fake.calls.filter((c) => c.path === '/v1/auth/tokens')).toHaveLength(2);
  });

  it('maps a platform error to its code: 404 exits 6, other refusals exit 4', async () => {
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'GET /v1/offices/1320000001': () => ({
        status: 404,
        json: { code: 'OFFICE_NOT_FOUND', message: 'no' },
      }),
      'POST /v1/envelopes': () => ({
        status: 422,
        json: { code: 'RECIPIENT_UNKNOWN', message: 'unknown', details: { x: 1 } },
      }),
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    await expect(sut.getOffice('1320000001')).rejects.toMatchObject({
      code: 'OFFICE_NOT_FOUND',
      exitCode: ExitCode.NotFound,
    });
    await expect(sut.postEnvelope(new Uint8Array([1]))).rejects.toMatchObject({
      code: 'RECIPIENT_UNKNOWN',
      exitCode: ExitCode.Refused,
      details: { status: 422, details: { x: 1 } },
    });
  });

  it('explains a refusal for a licence that is not live in Japanese, keeping its code (exit 4)', async () => {
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'POST /v1/envelopes': () => ({
        status: 403,
        json: { code: 'SENDER_LICENCE_NOT_LIVE', message: 'the sender holds no live licence' },
      }),
      'GET /v1/inbox': () => ({
        status: 403,
        json: { code: 'LICENCE_NOT_LIVE', message: 'the office holds no live licence' },
      }),
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    const sent = await sut.postEnvelope(new Uint8Array([1])).catch((e: unknown) => e);
    const listed = await sut.listInbox('all').catch((e: unknown) => e);

    expect(sent).toMatchObject({ code: 'SENDER_LICENCE_NOT_LIVE', exitCode: ExitCode.Refused });
    expect((sent as AgentError).message).toMatch(
      /^この事業所には有効な利用ライセンスがないため、送信できません。/,
    );
    expect((sent as AgentError).message).toContain('[SENDER_LICENCE_NOT_LIVE]');
    expect(listed).toMatchObject({ code: 'LICENCE_NOT_LIVE', exitCode: ExitCode.Refused });
    expect((listed as AgentError).message).toContain('受信箱');
  });

  it('reports a connection failure as PLATFORM_UNREACHABLE (exit 5)', async () => {
    const fake = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    const error = await sut.getOffice('1320000001').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: 'PLATFORM_UNREACHABLE', exitCode: ExitCode.Unreachable });
  });

  it('follows the inbox pages', async () => {
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'GET /v1/inbox': (call) =>
        new URL(call.url).searchParams.get('after') === 'c1'
          ? { status: 200, json: { items: [{ envelopeId: 'b' }], next: null } }
          : { status: 200, json: { items: [{ envelopeId: 'a' }], next: 'c1' } },
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    const items = await sut.listInbox('all');

    expect(items.map((i) => i.envelopeId)).toEqual(['a', 'b']);
  });

  it('lists the inbox above a number, following next until null, and answers the highest number seen', async () => {
    const pages: Record<string, { items: { envelopeId: string; inboxSeq: number }[]; next: number | null }> =
      {
        '4': {
          items: [
            { envelopeId: 'a', inboxSeq: 5 },
            { envelopeId: 'b', inboxSeq: 7 },
          ],
          next: 7,
        },
        '7': { items: [{ envelopeId: 'c', inboxSeq: 8 }], next: null },
      };
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'GET /v1/inbox': (call) => {
        const query = new URL(call.url).searchParams;
        return { status: 200, json: pages[query.get('since') ?? ''] ?? { items: [], next: null } };
      },
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    const listed = await sut.listInboxSince(4);

    expect(listed.items.map((i) => i.envelopeId)).toEqual(['a', 'b', 'c']);
    expect(listed.last).toBe(8);
    const queries = fake.calls
      .filter((c) => c.path === '/v1/inbox')
      .map((c) => Object.fromEntries(new URL(c.url).searchParams));
    expect(queries).toEqual([
      { since: '4', limit: '100' },
      { since: '7', limit: '100' },
    ]);
  });

  it('answers since itself as last when nothing arrived above it', async () => {
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'GET /v1/inbox': () => ({ status: 200, json: { items: [], next: null } }),
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    await expect(sut.listInboxSince(12)).resolves.toEqual({ items: [], last: 12 });
  });

  it.each([
    ['without a number', { items: [{ envelopeId: 'a' }], next: 'cursor' }],
    ['with a number not above since', { items: [{ envelopeId: 'a', inboxSeq: 3 }], next: null }],
    [
      'with numbers out of order',
      {
        items: [
          { envelopeId: 'a', inboxSeq: 6 },
          { envelopeId: 'b', inboxSeq: 5 },
        ],
        next: null,
      },
    ],
    ['with a next that is not the last number', { items: [{ envelopeId: 'a', inboxSeq: 5 }], next: 9 }],
  ])('refuses a page %s (a delivery that does not know since) as PLATFORM_ERROR', async (_, page) => {
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      'GET /v1/inbox': () => ({ status: 200, json: page }),
    });
    const sut = new PlatformClient(endpoints, credential, { fetch: fake.fetch });

    await expect(sut.listInboxSince(3)).rejects.toMatchObject({ code: 'PLATFORM_ERROR' });
  });
});
