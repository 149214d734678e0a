// The 国保連 and operator APIs as their principals reach them on a running platform (standalone, one process):
// each signs in with its own certificate (role and prefecture from the certificate profile, through the
// certificate service's challenge), uploads or reads what its role allows, and an office's licence becomes a
// fee billing shows the operator. The finer matrix is in the services' integration specs; this shows the path
// from a certificate to the API end to end.
import { enrolOffice, startStandalonePlatform, type PlatformUnderTest } from '@renkei/harness';
import { hasValidOfficeCheckDigit } from '@renkei/careplan';
import { authenticate, expectEventually, issueOfficeCertificate, openApiProblems } from '@renkei/testing';
import type { OpenApiDocument } from '@renkei/testing';

let platform: PlatformUnderTest;

function officeNumberIn(prefecture: string, from: number): string {
  for (let n = from; ; n++) {
    const candidate = `${prefecture}${String(n).padStart(8, '0')}`;
    if (hasValidOfficeCheckDigit(candidate)) return candidate;
  }
}

async function call(
  method: string,
  route: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${platform.urls.registry}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** a token for a principal of `role` (and prefecture), through the certificate service's challenge */
async function signIn(role: 'kokuhoren' | 'operator', prefecture?: string): Promise<string> {
  const credential = issueOfficeCertificate(platform.devCa, {
    officeNumber: role === 'operator' ? 'OPERATOR01' : `${prefecture}00000000`,
    serviceTypes: [],
    keyType: 'ec',
    roles: [role],
    ...(prefecture ? { prefecture } : {}),
  });
  return authenticate(platform.urls.certificate, credential);
}

describe('国保連 and operator APIs on a running platform (standalone)', () => {
  beforeAll(async () => {
    // as deployed: registration needs an active 事業所台帳 entry
    platform = await startStandalonePlatform({ env: { REGISTRATION_REQUIRES_OFFICE_MASTER: 'true' } });
  });

  afterAll(() => platform?.stop());

  it('signs in by certificate, keeps each 国保連 to its prefecture, and bills a new licence', async () => {
    const kokuhoren13 = await signIn('kokuhoren', '13');
    const kokuhoren27 = await signIn('kokuhoren', '27');
    const operator = await signIn('operator');

    // the served documents need no token and are valid OpenAPI 3.1
    for (const route of [
      '/v1/kokuho/openapi.json',
      '/v1/billing/openapi.json',
      '/v1/registry/openapi.json',
    ]) {
      const document = await call('GET', route, undefined);
      expect(document.status).toBe(200);
      expect(openApiProblems(document.body as unknown as OpenApiDocument)).toEqual([]);
    }

    // a 国保連 uploads its own prefecture's 事業所台帳, never another's
    const office = officeNumberIn('13', 20_000_000);
    const master = {
      asOf: '2026-12-01',
      offices: [
        { officeNumber: office, name: 'テスト居宅介護支援事業所', serviceTypes: ['43'], status: 'active' },
      ],
    };
    expect((await call('PUT', '/v1/office-master/13', kokuhoren13, master)).status).toBe(201);
    expect(await call('PUT', '/v1/office-master/13', kokuhoren27, master)).toMatchObject({
      status: 403,
      body: { code: 'OFFICE_MASTER_FORBIDDEN' },
    });
    expect((await call('GET', '/v1/kokuho/cycles', kokuhoren13)).status).toBe(200);
    expect((await call('GET', '/v1/billing/fees', kokuhoren13)).status).toBe(403);
    expect((await call('GET', '/v1/kokuho/cycles', undefined)).status).toBe(401);

    // an office its 国保連 has not listed cannot register
    const unlisted = issueOfficeCertificate(platform.devCa, {
      officeNumber: officeNumberIn('13', 30_000_000),
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    await expect(enrolOffice(platform, unlisted)).rejects.toThrow(/403.*OFFICE_NOT_IN_MASTER/);

    // the office applies; billing prices its term, which the operator sees and the 国保連 of 27 does not
    const credential = issueOfficeCertificate(platform.devCa, {
      officeNumber: office,
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    const { token: officeToken } = await enrolOffice(platform, credential);
    await expectEventually(async () => {
      const fees = await call('GET', `/v1/billing/fees?officeNumber=${office}`, operator);
      expect(fees).toMatchObject({
        status: 200,
        body: { items: [expect.objectContaining({ officeNumber: office, amountYen: 21000, state: 'due' })] },
      });
    });
    const statement = await call('GET', '/v1/billing/me', officeToken);
    expect(statement).toMatchObject({
      status: 200,
      body: { fees: [expect.objectContaining({ officeNumber: office })] },
    });
    const licences27 = await call('GET', '/v1/licences?prefecture=13', kokuhoren27);
    expect(JSON.stringify(licences27.body)).not.toContain(office);
    const summary13 = await call('GET', '/v1/licences/summary', kokuhoren13);
    expect(summary13).toMatchObject({
      status: 200,
      body: { prefectures: [expect.objectContaining({ prefecture: '13' })] },
    });
  });
});
