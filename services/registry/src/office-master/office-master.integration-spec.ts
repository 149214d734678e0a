// The 事業所台帳 on the real PostgreSQL: registry booted on a fresh, migrated database, verifying tokens from a
// JWKS served over HTTP as the certificate service would; 国保連, operator and office tokens minted by the test.
import { Ms932Codec } from '@renkei/careplan';
import { startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import type { TokenClaims } from '@renkei/platform';
import { createDevCa, issueOfficeCertificate } from '@renkei/testing';
import { registryApp } from '../registry.app';
import { registryDefinition } from '../registry.definition';
import { csvOf, officeInput, officeNumberOf, withWrongCheckDigit } from './fixtures/office-master.fixtures';
import { OfficeMasterProblemCode } from './office-master.errors';

const tokens = new TestTokens('office-master-it');
let service: ServiceUnderTest;

const kokuhoren = (prefecture: string): string =>
  tokens.token({ officeNumber: `KOKUHOREN${prefecture}`, serviceTypes: [] }, {
    roles: ['kokuhoren'],
    prefecture,
  } as Partial<TokenClaims>);
const operator = (): string =>
  tokens.token({ officeNumber: 'OPERATOR01', serviceTypes: [] }, { roles: ['operator'] });
const officeToken = (): string =>
  tokens.token({ officeNumber: officeNumberOf('13', 1), serviceTypes: ['43'] });

interface Answer {
  status: number;
  body: Record<string, unknown> & { details?: { problems: { code: string; row?: number }[] } };
}

async function call(
  method: string,
  route: string,
  token: string | undefined,
  body?: { json: unknown } | { csv: Buffer },
): Promise<Answer> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let payload: string | Buffer | undefined;
  if (body && 'json' in body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body) {
    headers['content-type'] = 'text/csv';
    payload = body.csv;
  }
  const response = await fetch(`${service.running.url}${route}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

const putJson = (prefecture: string, json: unknown, token = kokuhoren(prefecture)) =>
  call('PUT', `/v1/office-master/${prefecture}`, token, { json });
const putCsv = (prefecture: string, csv: Buffer, asOf: string, token = kokuhoren(prefecture)) =>
  call('PUT', `/v1/office-master/${prefecture}?asOf=${asOf}`, token, { csv });

/** a JSON upload whose text the test writes itself */
async function putRawJson(prefecture: string, text: string): Promise<Answer> {
  const response = await fetch(`${service.running.url}/v1/office-master/${prefecture}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${kokuhoren(prefecture)}`, 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** rows the master holds for `prefecture`, table by table */
async function rowCounts(prefecture: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['office_master_upload', 'office_master_entry', 'office_master_version']) {
    const [row] = await service.database.rows<{ n: number }>(
      `select count(*)::int as n from registry.${table} where prefecture = $1`,
      [prefecture],
    );
    counts[table] = row.n;
  }
  return counts;
}

describe('registry office master (事業所台帳)', () => {
  beforeAll(async () => {
    service = await startServiceUnderTest(registryApp, {
      databasePrefix: 'registry_office_master',
      definitions: [registryDefinition],
      tokens,
      env: { CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: '86400' },
    });
  });

  afterAll(() => service?.close());

  describe('authorization', () => {
    const prefecture = '27';
    const office = officeInput(prefecture, 1);

    beforeAll(async () => {
      const first = await putJson(prefecture, { asOf: '2026-11-01', offices: [office] });
      if (first.status !== 201) throw new Error(`the first upload answered ${first.status}`);
    });

    const who: [string, () => string | undefined][] = [
      ["the prefecture's 国保連", () => kokuhoren(prefecture)],
      ["another prefecture's 国保連", () => kokuhoren('13')],
      ['an operator', operator],
      ['an office', officeToken],
      ['anonymous', () => undefined],
    ];
    const expected: Record<string, [number, string?][]> = {
      upload: [
        [200],
        [403, 'OFFICE_MASTER_FORBIDDEN'],
        [200],
        [403, 'AUTH_ROLE_FORBIDDEN'],
        [401, 'AUTH_TOKEN_MISSING'],
      ],
      uploads: [
        [200],
        [403, 'OFFICE_MASTER_FORBIDDEN'],
        [200],
        [403, 'AUTH_ROLE_FORBIDDEN'],
        [401, 'AUTH_TOKEN_MISSING'],
      ],
      office: [
        [200],
        [404, 'OFFICE_MASTER_OFFICE_NOT_FOUND'],
        [200],
        [404, 'OFFICE_MASTER_OFFICE_NOT_FOUND'],
        [401, 'AUTH_TOKEN_MISSING'],
      ],
      history: [
        [200],
        [404, 'OFFICE_MASTER_OFFICE_NOT_FOUND'],
        [200],
        [404, 'OFFICE_MASTER_OFFICE_NOT_FOUND'],
        [401, 'AUTH_TOKEN_MISSING'],
      ],
    };
    const routes: Record<string, (token: string | undefined) => Promise<Answer>> = {
      // the same body again: 200 for whoever may upload, nothing recorded
      upload: (token) =>
        call('PUT', `/v1/office-master/${prefecture}`, token, {
          json: { asOf: '2026-11-01', offices: [office] },
        }),
      uploads: (token) => call('GET', `/v1/office-master/${prefecture}/uploads`, token),
      office: (token) => call('GET', `/v1/office-master/offices/${office.officeNumber}`, token),
      history: (token) => call('GET', `/v1/office-master/offices/${office.officeNumber}/history`, token),
    };

    it.each(
      Object.keys(routes).flatMap((route) => who.map(([name, token], i) => [route, name, token, i] as const)),
    )('%s by %s', async (route, _name, token, i) => {
      const [status, code] = expected[route][i];

      const answer = await routes[route](token());

      expect({ status: answer.status, code: answer.body['code'] }).toEqual({ status, code });
    });

    it('recorded only the first upload', async () => {
      expect(await rowCounts(prefecture)).toEqual({
        office_master_upload: 1,
        office_master_entry: 1,
        office_master_version: 1,
      });
    });

    it('refuses a prefecture that does not exist', async () => {
      expect(await putJson('48', { asOf: '2026-11-01', offices: [] }, operator())).toMatchObject({
        status: 400,
        body: { code: 'OFFICE_MASTER_PREFECTURE_INVALID' },
      });
    });
  });

  it('records a JSON upload with its audit record, the entries and their first versions', async () => {
    const offices = [
      officeInput('01', 1, { serviceTypes: ['46', '43'] }),
      officeInput('01', 2, { status: 'suspended' }),
    ];

    const answer = await putJson('01', { asOf: '2026-10-01', offices });

    expect(answer).toMatchObject({
      status: 201,
      body: {
        prefecture: '01',
        uploadedBy: 'KOKUHOREN01',
        role: 'kokuhoren',
        reason: 'upload',
        asOf: '2026-10-01',
        mediaType: 'application/json',
        officeCount: 2,
        added: 2,
        changed: 0,
        closed: 0,
        unchanged: 0,
      },
    });
    expect(answer.body['sha256']).toMatch(/^[0-9a-f]{64}$/);
    const entry = await call('GET', `/v1/office-master/offices/${offices[0].officeNumber}`, operator());
    expect(entry.body).toEqual({
      officeNumber: offices[0].officeNumber,
      prefecture: '01',
      name: offices[0].name,
      nameKana: offices[0].nameKana,
      serviceTypes: ['43', '46'],
      status: 'active',
      statusReason: null,
      designatedFrom: '2020-04-01',
      designatedTo: null,
      postalCode: '160-0023',
      address: offices[0].address,
      version: 1,
      uploadId: answer.body['id'],
      asOf: '2026-10-01',
    });
  });

  it('answers 200 and records nothing when the same bytes are uploaded again', async () => {
    const csv = csvOf([officeInput('02', 1)]);
    const first = await putCsv('02', csv, '2026-10-01');
    const before = await rowCounts('02');

    const again = await putCsv('02', csv, '2026-10-01');

    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 200, body: { id: first.body['id'] } });
    expect(await rowCounts('02')).toEqual(before);
  });

  it('reads an MS932 CSV upload with Japanese headers and values', async () => {
    const number = officeNumberOf('03', 1);
    const csv = new Ms932Codec().encode([
      [
        '事業所番号',
        '事業所名',
        '事業所名カナ',
        'サービス種類コード',
        '状態',
        '指定開始日',
        '郵便番号',
        '所在地',
      ],
      [
        number,
        '髙橋訪問介護ステーション①',
        'タカハシホウモンカイゴ',
        '11|13',
        '有効',
        '20190401',
        '0200023',
        '岩手県盛岡市内丸１０－１',
      ],
    ]);

    const answer = await putCsv('03', csv, '20261001');

    expect(answer).toMatchObject({
      status: 201,
      body: { mediaType: 'text/csv', asOf: '2026-10-01', added: 1 },
    });
    const entry = await call('GET', `/v1/office-master/offices/${number}`, kokuhoren('03'));
    expect(entry.body).toMatchObject({
      name: '髙橋訪問介護ステーション①',
      nameKana: 'タカハシホウモンカイゴ',
      serviceTypes: ['11', '13'],
      status: 'active',
      designatedFrom: '2019-04-01',
      postalCode: '020-0023',
      address: '岩手県盛岡市内丸１０－１',
    });
  });

  it('diffs a second upload against the first: added, changed, closed (absent and explicit), unchanged', async () => {
    const [a, b, c, d] = [1, 2, 3, 4].map((serial) => officeInput('04', serial));
    const first = await putJson('04', { asOf: '2026-10-01', offices: [a, b, c, d] });
    const e = officeInput('04', 5);
    const renamed = { ...b, name: '新名称の事業所', serviceTypes: ['43', '46'] };
    const closedExplicitly = { ...d, status: 'closed' };

    const second = await putJson('04', { asOf: '2026-11-01', offices: [a, renamed, closedExplicitly, e] });

    expect(second).toMatchObject({
      status: 201,
      body: { officeCount: 4, added: 1, changed: 1, closed: 2, unchanged: 1 },
    });
    const absent = await call('GET', `/v1/office-master/offices/${c.officeNumber}`, kokuhoren('04'));
    expect(absent.body).toMatchObject({ status: 'closed', statusReason: 'absent from upload', version: 2 });
    const history = await call('GET', `/v1/office-master/offices/${b.officeNumber}/history`, kokuhoren('04'));
    expect(history.body).toEqual([
      expect.objectContaining({
        version: 1,
        kind: 'added',
        name: b.name,
        uploadId: first.body['id'],
        asOf: '2026-10-01',
      }),
      expect.objectContaining({
        version: 2,
        kind: 'changed',
        name: '新名称の事業所',
        serviceTypes: ['43', '46'],
        changedFields: ['name', 'serviceTypes'],
        uploadId: second.body['id'],
        asOf: '2026-11-01',
      }),
    ]);
    const unchanged = await call(
      'GET',
      `/v1/office-master/offices/${a.officeNumber}/history`,
      kokuhoren('04'),
    );
    expect((unchanged.body as unknown as unknown[]).length).toBe(1);
    const uploads = await call('GET', '/v1/office-master/04/uploads', operator());
    expect((uploads.body as unknown as { id: string }[]).map((upload) => upload.id)).toEqual([
      second.body['id'],
      first.body['id'],
    ]);
  });

  it('refuses with 400 OFFICE_MASTER_INVALID listing every problem, and writes nothing', async () => {
    const before = await rowCounts('05');
    const offices = [
      { ...officeInput('05', 1), officeNumber: '05I0000001' },
      { ...officeInput('05', 2), officeNumber: withWrongCheckDigit(officeNumberOf('05', 2)) },
      officeInput('06', 3),
      officeInput('05', 4),
      officeInput('05', 4),
      { ...officeInput('05', 5), serviceTypes: ['x'] },
      { ...officeInput('05', 6), serviceTypes: [] },
      { ...officeInput('05', 7), status: 'open' },
      { ...officeInput('05', 8), name: '' },
      { ...officeInput('05', 9), designatedFrom: '2026-02-30' },
      { ...officeInput('05', 10), designatedFrom: '2026-04-01', designatedTo: '2025-04-01' },
      { ...officeInput('05', 11), postalCode: 'x' },
      { ...officeInput('05', 12), address: 'あ'.repeat(401) },
      { ...officeInput('05', 13), nameKana: 7 },
      officeInput('05', 14),
    ];

    const answer = await putJson('05', { asOf: 'yesterday', offices });

    expect(answer).toMatchObject({ status: 400, body: { code: 'OFFICE_MASTER_INVALID' } });
    expect(answer.body.details?.problems.map((problem) => [problem.code, problem.row])).toEqual([
      [OfficeMasterProblemCode.AS_OF_INVALID, undefined],
      [OfficeMasterProblemCode.OFFICE_NUMBER_INVALID, 1],
      [OfficeMasterProblemCode.OFFICE_NUMBER_CHECK_DIGIT, 2],
      [OfficeMasterProblemCode.OFFICE_NUMBER_OTHER_PREFECTURE, 3],
      [OfficeMasterProblemCode.OFFICE_NUMBER_DUPLICATE, 5],
      [OfficeMasterProblemCode.SERVICE_TYPE_INVALID, 6],
      [OfficeMasterProblemCode.SERVICE_TYPES_EMPTY, 7],
      [OfficeMasterProblemCode.STATUS_UNKNOWN, 8],
      [OfficeMasterProblemCode.NAME_EMPTY, 9],
      [OfficeMasterProblemCode.DATE_INVALID, 10],
      [OfficeMasterProblemCode.DESIGNATION_PERIOD_INVALID, 11],
      [OfficeMasterProblemCode.POSTAL_CODE_INVALID, 12],
      [OfficeMasterProblemCode.FIELD_TOO_LONG, 13],
      [OfficeMasterProblemCode.FIELD_INVALID, 14],
    ]);
    expect(await rowCounts('05')).toEqual(before);
  });

  it('refuses malformed bodies, CSV header, column and encoding problems, and writes nothing', async () => {
    const codec = new Ms932Codec();
    const header = ['officeNumber', 'name', 'serviceTypes', 'status'];
    const cases: [Promise<Answer>, string][] = [
      [putJson('05', { asOf: '2026-10-01', offices: 'none' }), OfficeMasterProblemCode.BODY_MALFORMED],
      [
        putCsv('05', codec.encode([['officeNumber', 'nom']]), '2026-10-01'),
        OfficeMasterProblemCode.HEADER_INVALID,
      ],
      [putCsv('05', codec.encode([header, ['1', '2']]), '2026-10-01'), OfficeMasterProblemCode.COLUMN_COUNT],
      [
        putCsv('05', Buffer.concat([codec.encode([header]), Buffer.from([0x82, 0x0d, 0x0a])]), '2026-10-01'),
        OfficeMasterProblemCode.ENCODING_INVALID,
      ],
      [putCsv('05', csvOf([officeInput('05', 1)]), 'later'), OfficeMasterProblemCode.AS_OF_INVALID],
    ];

    for (const [answer, code] of cases) {
      expect(await answer).toMatchObject({
        status: 400,
        body: {
          code: 'OFFICE_MASTER_INVALID',
          details: { problems: expect.arrayContaining([expect.objectContaining({ code })]) },
        },
      });
    }
    expect(await rowCounts('05')).toEqual({
      office_master_upload: 0,
      office_master_entry: 0,
      office_master_version: 0,
    });
  });

  it('refuses an unsupported media type (415), a body over 20 MiB (413) and an older asOf (409)', async () => {
    const text = await call('PUT', '/v1/office-master/07', kokuhoren('07'));
    expect(text).toMatchObject({ status: 415, body: { code: 'OFFICE_MASTER_MEDIA_TYPE_UNSUPPORTED' } });

    const huge = await putCsv('07', Buffer.alloc(20 * 1024 * 1024 + 1, 0x41), '2026-10-01');
    expect(huge).toMatchObject({ status: 413, body: { code: 'OFFICE_MASTER_TOO_LARGE' } });
    const hugeJson = await putRawJson(
      '07',
      `{"asOf":"2026-10-01","offices":[],"x":"${'a'.repeat(20 * 1024 * 1024)}"}`,
    );
    expect(hugeJson).toMatchObject({ status: 413, body: { code: 'OFFICE_MASTER_TOO_LARGE' } });
    const notJson = await putRawJson('07', '{"asOf":');
    expect(notJson).toMatchObject({
      status: 400,
      body: { code: 'OFFICE_MASTER_INVALID', details: { problems: [{ code: 'BODY_MALFORMED' }] } },
    });

    expect((await putJson('07', { asOf: '2026-10-01', offices: [officeInput('07', 1)] })).status).toBe(201);
    const older = await putJson('07', { asOf: '2026-09-01', offices: [officeInput('07', 2)] });
    expect(older).toMatchObject({ status: 409, body: { code: 'OFFICE_MASTER_STALE' } });
    expect(await rowCounts('07')).toEqual({
      office_master_upload: 1,
      office_master_entry: 1,
      office_master_version: 1,
    });
  });

  it('registers an office absent from the master while REGISTRATION_REQUIRES_OFFICE_MASTER is false (default)', async () => {
    const number = officeNumberOf('08', 1);
    const credential = issueOfficeCertificate(createDevCa(), {
      officeNumber: number,
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    const token = tokens.token({
      officeNumber: number,
      serviceTypes: ['43'],
      certificateSha256: credential.fingerprint,
    });

    const answer = await call('PUT', '/v1/offices/me', token, {
      json: { certificatePem: credential.certificatePem },
    });

    expect(answer.status).toBe(201);
  });
});

describe('registration with REGISTRATION_REQUIRES_OFFICE_MASTER=true', () => {
  const ca = createDevCa();
  let required: ServiceUnderTest;

  const register = async (officeNumber: string, serviceTypes: string[]): Promise<Answer> => {
    const credential = issueOfficeCertificate(ca, { officeNumber, serviceTypes, keyType: 'ec' });
    const token = tokens.token({ officeNumber, serviceTypes, certificateSha256: credential.fingerprint });
    const response = await fetch(`${required.running.url}/v1/offices/me`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ certificatePem: credential.certificatePem }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    required = await startServiceUnderTest(registryApp, {
      databasePrefix: 'registry_office_master_required',
      definitions: [registryDefinition],
      tokens,
      env: {
        CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: '86400',
        REGISTRATION_REQUIRES_OFFICE_MASTER: 'true',
      },
    });
    const response = await fetch(`${required.running.url}/v1/office-master/13`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${kokuhoren('13')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        asOf: '2026-10-01',
        offices: [
          officeInput('13', 1, { serviceTypes: ['43', '46'] }),
          officeInput('13', 2, { status: 'suspended' }),
          officeInput('13', 3, { designatedFrom: '2020-04-01', designatedTo: '2021-03-31' }),
        ],
      }),
    });
    if (response.status !== 201) throw new Error(`the master upload answered ${response.status}`);
  });

  afterAll(() => required?.close());

  const directorySize = async (): Promise<number> =>
    (await required.database.rows<{ n: number }>(`select count(*)::int as n from registry.office`))[0].n;

  it('registers an office active in the master with its service types', async () => {
    expect((await register(officeNumberOf('13', 1), ['43', '46'])).status).toBe(201);
  });

  it.each([
    ['absent from the master', officeNumberOf('13', 9), ['43']],
    ['suspended in the master', officeNumberOf('13', 2), ['43']],
    ['whose designation has ended', officeNumberOf('13', 3), ['43']],
    ['with a service type the master does not list', officeNumberOf('13', 1), ['43', '15']],
  ])(
    'refuses an office %s with 403 OFFICE_NOT_IN_MASTER and writes nothing',
    async (_case, officeNumber, types) => {
      const before = await directorySize();

      const answer = await register(officeNumber, types);

      expect(answer).toMatchObject({ status: 403, body: { code: 'OFFICE_NOT_IN_MASTER' } });
      expect(await directorySize()).toBe(before);
    },
  );
});
