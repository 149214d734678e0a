// Who may do what in registry, on the real PostgreSQL: every route the running app registers, called by the
// office, another office, the same prefecture's 国保連, another prefecture's 国保連, an operator and nobody.
// The served OpenAPI document must be valid, name exactly those routes, and describe every answer; no answer
// may show a caller what it may not see (another prefecture's offices to a 国保連, another office's to an
// office), and ids that must not be probed answer 404 exactly as unknown ones do.
import { startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import {
  documentedOperations,
  registeredOperations,
  openApiProblems,
  OpenApiResponseChecker,
  type OpenApiDocument,
} from '@renkei/testing';
import { Answer, LicensedOffice, RegistryTestClient } from './licences/fixtures/registry-test-client';
import { LicencesClock } from './licences/licences.clock';
import { csvOf, officeInput, officeNumberOf } from './office-master/fixtures/office-master.fixtures';
import { registryApp } from './registry.app';
import { registryDefinition } from './registry.definition';

const tokens = new TestTokens('registry-authorization-it');
let service: ServiceUnderTest;
const clock = { at: new Date('2026-04-01T01:00:00.000Z') };
const client = new RegistryTestClient(
  () => service.running.url,
  tokens,
  () => clock.at,
);

const PRINCIPALS = [
  'office',
  'anotherOffice',
  'kokuhoren',
  'otherKokuhoren',
  'operator',
  'anonymous',
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];
type Statuses = Record<PrincipalName, number>;

/** the office (27), another office of the same prefecture, the operators' target (27), an office of 13 */
const A = officeNumberOf('27', 701);
const B = officeNumberOf('27', 702);
const C = officeNumberOf('27', 703);
const E = officeNumberOf('13', 704);
/** a well-formed 27 number nobody registered: what a probe of an existing office must look like */
const UNKNOWN = officeNumberOf('27', 799);

const master27 = { asOf: '2026-03-31', offices: [701, 702, 703].map((serial) => officeInput('27', serial)) };
const master13 = { asOf: '2026-03-31', offices: [officeInput('13', 704)] };

interface Row {
  readonly method: string;
  /** the route as the document names it */
  readonly route: string;
  readonly path: string;
  /** the body each principal sends, if any */
  readonly body?: (name: PrincipalName) => { data: unknown; contentType?: string };
  /** data every authenticated principal may read (the directory, published certificates): no leak check */
  readonly public?: boolean;
  readonly expected: Statuses;
}

const every = (status: number): Statuses => ({
  office: status,
  anotherOffice: status,
  kokuhoren: status,
  otherKokuhoren: status,
  operator: status,
  anonymous: status,
});
const authenticated = (status: number): Statuses => ({ ...every(status), anonymous: 401 });
const officesOnly: Statuses = { ...authenticated(403), office: 200, anotherOffice: 200 };
const readers: Statuses = { ...authenticated(200), office: 403, anotherOffice: 403 };
const operatorOnly: Statuses = { ...authenticated(403), operator: 200 };

describe('registry authorization', () => {
  let document: OpenApiDocument;
  let checker: OpenApiResponseChecker;
  let office: LicensedOffice;
  let anotherOffice: LicensedOffice;
  let tokenOf: Record<PrincipalName, string | undefined>;

  beforeAll(async () => {
    service = await startServiceUnderTest(registryApp, {
      databasePrefix: 'registry_authz',
      definitions: [registryDefinition],
      tokens,
      env: { LICENCE_RENEWAL_INTERVAL_SECONDS: '86400', CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: '86400' },
    });
    jest.spyOn(service.running.app.get(LicencesClock), 'now').mockImplementation(() => clock.at);
    office = await client.licensed(A);
    anotherOffice = await client.licensed(B);
    await client.licensed(C);
    await client.licensed(E);
    for (const [prefecture, master] of [
      ['27', master27],
      ['13', master13],
    ] as const) {
      const uploaded = await client.call(
        'PUT',
        `/v1/office-master/${prefecture}`,
        client.operatorToken(),
        master,
      );
      if (uploaded.status !== 201)
        throw new Error(`uploading the master of ${prefecture}: ${uploaded.status}`);
    }
    tokenOf = {
      office: office.token,
      anotherOffice: anotherOffice.token,
      kokuhoren: client.kokuhorenToken('27'),
      otherKokuhoren: client.kokuhorenToken('13'),
      operator: client.operatorToken(),
      anonymous: undefined,
    };
    const served = await client.call('GET', '/v1/registry/openapi.json', undefined);
    if (served.status !== 200 || served.mediaType !== 'application/json') {
      throw new Error(`the document answered ${served.status} ${served.mediaType}`);
    }
    document = served.body as OpenApiDocument;
    checker = new OpenApiResponseChecker(document);
  });

  afterAll(() => service?.close());

  /** what `name` may never see in an answer: office numbers of other prefectures or other offices */
  const hiddenFrom = (name: PrincipalName): string[] => {
    switch (name) {
      case 'office':
        return [B, C, E];
      case 'anotherOffice':
        return [A, C, E];
      case 'kokuhoren':
        return [E];
      case 'otherKokuhoren':
        return [A, B, C];
      case 'operator':
      case 'anonymous':
        return [];
    }
  };

  /** the answer conforms to the document and leaks nothing; the problems found, empty when none */
  const problemsOf = (row: Row, name: PrincipalName, answer: Answer): string[] => {
    const problems =
      answer.mediaType === 'application/json'
        ? checker.check(row.method, row.route, answer.status, answer.mediaType, answer.body)
        : [`${row.method} ${row.path} answered ${answer.mediaType || 'no media type'}`];
    if (row.public) return problems;
    const text = JSON.stringify(answer.body);
    for (const number of hiddenFrom(name)) {
      if (text.includes(number)) problems.push(`${row.method} ${row.path} shows ${number} to ${name}`);
    }
    return problems;
  };

  const rows = (): Row[] => {
    const certificateOf = (name: PrincipalName) => ({
      data: { certificatePem: (name === 'anotherOffice' ? anotherOffice : office).cred.certificatePem },
    });
    const applicationOf = (name: PrincipalName) => ({
      data: (name === 'anotherOffice' ? anotherOffice : office).application,
      contentType: 'application/cms',
    });
    const reason = () => ({ data: { reason: '確認のため' } });
    return [
      {
        method: 'GET',
        route: '/v1/registry/openapi.json',
        path: '/v1/registry/openapi.json',
        expected: every(200),
      },
      { method: 'GET', route: '/health/live', path: '/health/live', expected: every(200) },
      { method: 'GET', route: '/health/ready', path: '/health/ready', expected: every(200) },
      {
        method: 'PUT',
        route: '/v1/offices/me',
        path: '/v1/offices/me',
        body: certificateOf,
        // a token for another certificate (every 国保連 and operator here) cannot publish the office's
        expected: officesOnly,
      },
      {
        method: 'GET',
        route: '/v1/offices/me',
        path: '/v1/offices/me',
        expected: { ...authenticated(404), office: 200, anotherOffice: 200 },
      },
      {
        method: 'GET',
        route: '/v1/offices/{officeNumber}',
        path: `/v1/offices/${A}`,
        public: true,
        expected: authenticated(200),
      },
      {
        method: 'PUT',
        route: '/v1/office-master/{prefecture}',
        path: '/v1/office-master/27',
        // the same bytes as the latest upload: recorded once, then 200
        body: () => ({ data: master27 }),
        expected: { ...readers, otherKokuhoren: 403 },
      },
      {
        method: 'GET',
        route: '/v1/office-master/{prefecture}/uploads',
        path: '/v1/office-master/27/uploads',
        expected: { ...readers, otherKokuhoren: 403 },
      },
      {
        method: 'GET',
        route: '/v1/office-master/offices/{officeNumber}',
        path: `/v1/office-master/offices/${A}`,
        expected: { ...authenticated(404), kokuhoren: 200, operator: 200 },
      },
      {
        method: 'GET',
        route: '/v1/office-master/offices/{officeNumber}/history',
        path: `/v1/office-master/offices/${A}/history`,
        expected: { ...authenticated(404), kokuhoren: 200, operator: 200 },
      },
      {
        method: 'POST',
        route: '/v1/licences/applications',
        path: '/v1/licences/applications',
        // each office resends its own application (200, unchanged); the others send the office's
        body: applicationOf,
        expected: officesOnly,
      },
      { method: 'GET', route: '/v1/licences/me', path: '/v1/licences/me', expected: officesOnly },
      {
        method: 'GET',
        route: '/v1/licences/me/changes',
        path: '/v1/licences/me/changes',
        expected: officesOnly,
      },
      {
        method: 'POST',
        route: '/v1/licences/me/renewal',
        path: '/v1/licences/me/renewal',
        body: () => ({ data: { autoRenew: true } }),
        expected: officesOnly,
      },
      { method: 'GET', route: '/v1/licences', path: '/v1/licences', expected: readers },
      { method: 'GET', route: '/v1/licences/summary', path: '/v1/licences/summary', expected: readers },
      {
        method: 'GET',
        route: '/v1/licences/{officeNumber}',
        path: `/v1/licences/${A}`,
        expected: { ...readers, otherKokuhoren: 404 },
      },
      {
        method: 'GET',
        route: '/v1/licences/{officeNumber}/changes',
        path: `/v1/licences/${A}/changes`,
        expected: { ...readers, otherKokuhoren: 404 },
      },
      {
        method: 'POST',
        route: '/v1/licences/{officeNumber}/suspend',
        path: `/v1/licences/${C}/suspend`,
        body: reason,
        expected: operatorOnly,
      },
      {
        method: 'POST',
        route: '/v1/licences/{officeNumber}/reinstate',
        path: `/v1/licences/${C}/reinstate`,
        body: reason,
        expected: operatorOnly,
      },
      {
        method: 'POST',
        route: '/v1/licences/{officeNumber}/cancel',
        path: `/v1/licences/${C}/cancel`,
        body: reason,
        expected: operatorOnly,
      },
      {
        method: 'GET',
        route: '/v1/directory',
        path: '/v1/directory',
        public: true,
        expected: authenticated(200),
      },
      // last: it ends the offices' licences
      {
        method: 'POST',
        route: '/v1/licences/me/cancel',
        path: '/v1/licences/me/cancel',
        body: reason,
        expected: officesOnly,
      },
    ];
  };

  it('serves a valid OpenAPI 3.1 document naming exactly the routes the app registers', () => {
    const registered = registeredOperations(service.running.app);

    expect(openApiProblems(document)).toEqual([]);
    expect(registered.length).toBeGreaterThan(20);
    expect(documentedOperations(document)).toEqual(registered);
    expect(
      rows()
        .map((row) => `${row.method} ${row.route}`)
        .sort(),
    ).toEqual(registered);
  });

  it('answers every route for each principal as the matrix says, every answer documented and leaking nothing', async () => {
    const seen: Record<string, Statuses> = {};
    const problems: string[] = [];
    for (const row of rows()) {
      const statuses = {} as Statuses;
      for (const name of PRINCIPALS) {
        const body = row.body?.(name);
        const answer = await client.call(row.method, row.path, tokenOf[name], body?.data, body?.contentType);
        statuses[name] = answer.status;
        problems.push(...problemsOf(row, name, answer));
      }
      seen[`${row.method} ${row.path}`] = statuses;
    }

    expect(seen).toEqual(
      Object.fromEntries(rows().map((row) => [`${row.method} ${row.path}`, row.expected])),
    );
    expect(problems).toEqual([]);
    // the operator's three changes are the only ones on C; the refused ones wrote nothing
    const changes = await client.call('GET', `/v1/licences/${C}/changes`, tokenOf.operator);
    expect((changes.body as { action: string }[]).map((change) => change.action)).toEqual([
      'apply',
      'approve',
      'suspend',
      'reinstate',
      'cancel',
    ]);
  });

  it('shows a 国保連 only its prefecture in lists and summaries, whatever it asks for', async () => {
    const numbers = async (name: PrincipalName, query = '') =>
      (
        (await client.call('GET', `/v1/licences${query}`, tokenOf[name])).body as {
          items: { officeNumber: string }[];
        }
      ).items
        .map((licence) => licence.officeNumber)
        .sort();
    const prefecturesOf = async (name: PrincipalName) =>
      (
        (await client.call('GET', '/v1/licences/summary', tokenOf[name])).body as {
          prefectures: { prefecture: string }[];
        }
      ).prefectures.map((row) => row.prefecture);

    expect(await numbers('kokuhoren')).toEqual([A, B, C].sort());
    expect(await numbers('otherKokuhoren')).toEqual([E]);
    expect(await numbers('otherKokuhoren', '?prefecture=27')).toEqual([]);
    expect(await numbers('kokuhoren', `?officeNumber=${E}`)).toEqual([]);
    expect(await numbers('operator', '?prefecture=27')).toEqual([A, B, C].sort());
    expect(await prefecturesOf('kokuhoren')).toEqual(['27']);
    expect(await prefecturesOf('otherKokuhoren')).toEqual(['13']);
    expect(await prefecturesOf('operator')).toHaveLength(47);
  });

  it('documents the refusals and the CSV upload: each answer conforms to the served document', async () => {
    const stranger = client.credential(UNKNOWN);
    const strangerToken = client.officeToken(stranger, UNKNOWN);
    const json = (text: string) => ({ data: Buffer.from(text), contentType: 'application/json' });
    // [route as documented, method, path, caller, body, expected status, expected code]
    const cases: [
      string,
      string,
      string,
      string | undefined,
      { data: unknown; contentType?: string } | undefined,
      number,
      string | undefined,
    ][] = [
      [
        '/v1/office-master/{prefecture}',
        'PUT',
        '/v1/office-master/27?asOf=2026-03-31',
        tokenOf.kokuhoren,
        { data: csvOf(master27.offices), contentType: 'text/csv' },
        201,
        undefined,
      ],
      [
        '/v1/office-master/{prefecture}',
        'PUT',
        '/v1/office-master/27',
        tokenOf.kokuhoren,
        { data: { ...master27, asOf: '2026-01-01' } },
        409,
        'OFFICE_MASTER_STALE',
      ],
      [
        '/v1/office-master/{prefecture}',
        'PUT',
        '/v1/office-master/27',
        tokenOf.kokuhoren,
        { data: { asOf: 'soon', offices: [{}] } },
        400,
        'OFFICE_MASTER_INVALID',
      ],
      [
        '/v1/office-master/{prefecture}',
        'PUT',
        '/v1/office-master/27',
        tokenOf.kokuhoren,
        json('{'),
        400,
        'OFFICE_MASTER_INVALID',
      ],
      [
        '/v1/office-master/{prefecture}',
        'PUT',
        '/v1/office-master/48',
        tokenOf.operator,
        { data: master27 },
        400,
        'OFFICE_MASTER_PREFECTURE_INVALID',
      ],
      [
        '/v1/office-master/{prefecture}',
        'PUT',
        '/v1/office-master/27',
        tokenOf.kokuhoren,
        { data: Buffer.from('x'), contentType: 'text/plain' },
        415,
        'OFFICE_MASTER_MEDIA_TYPE_UNSUPPORTED',
      ],
      [
        '/v1/office-master/{prefecture}/uploads',
        'GET',
        '/v1/office-master/4/uploads',
        tokenOf.operator,
        undefined,
        400,
        'OFFICE_MASTER_PREFECTURE_INVALID',
      ],
      [
        '/v1/office-master/{prefecture}/uploads',
        'GET',
        '/v1/office-master/27/uploads',
        tokenOf.otherKokuhoren,
        undefined,
        403,
        'OFFICE_MASTER_FORBIDDEN',
      ],
      [
        '/v1/offices/me',
        'PUT',
        '/v1/offices/me',
        tokenOf.office,
        { data: { certificatePem: 'x' } },
        400,
        'REQUEST_INVALID',
      ],
      [
        '/v1/offices/me',
        'PUT',
        '/v1/offices/me',
        tokenOf.office,
        json('{"certificatePem":'),
        400,
        'BODY_MALFORMED',
      ],
      [
        '/v1/offices/me',
        'PUT',
        '/v1/offices/me',
        tokenOf.office,
        { data: { certificatePem: 'x'.repeat(200_000) } },
        413,
        'BODY_TOO_LARGE',
      ],
      [
        '/v1/offices/me',
        'PUT',
        '/v1/offices/me',
        tokenOf.kokuhoren,
        { data: { certificatePem: office.cred.certificatePem } },
        403,
        'OFFICE_CERTIFICATE_NOT_AUTHENTICATED',
      ],
      ['/v1/offices/me', 'GET', '/v1/offices/me', strangerToken, undefined, 404, 'OFFICE_NOT_FOUND'],
      [
        '/v1/offices/{officeNumber}',
        'GET',
        '/v1/offices/abc',
        tokenOf.office,
        undefined,
        400,
        'OFFICE_NUMBER_INVALID',
      ],
      [
        '/v1/offices/{officeNumber}',
        'GET',
        `/v1/offices/${UNKNOWN}`,
        tokenOf.office,
        undefined,
        404,
        'OFFICE_NOT_FOUND',
      ],
      [
        '/v1/licences/applications',
        'POST',
        '/v1/licences/applications',
        tokenOf.office,
        { data: Buffer.from('x'), contentType: 'text/plain' },
        415,
        'LICENCE_APPLICATION_MEDIA_TYPE',
      ],
      [
        '/v1/licences/applications',
        'POST',
        '/v1/licences/applications',
        tokenOf.office,
        { data: Buffer.alloc(70_000), contentType: 'application/cms' },
        413,
        'LICENCE_APPLICATION_TOO_LARGE',
      ],
      [
        '/v1/licences/applications',
        'POST',
        '/v1/licences/applications',
        tokenOf.office,
        { data: Buffer.from('not cms'), contentType: 'application/cms' },
        400,
        'LICENCE_APPLICATION_SIGNATURE_INVALID',
      ],
      [
        '/v1/licences/applications',
        'POST',
        '/v1/licences/applications',
        strangerToken,
        { data: client.signedApplication(stranger, UNKNOWN), contentType: 'application/cms' },
        409,
        'LICENCE_OFFICE_NOT_REGISTERED',
      ],
      ['/v1/licences/me', 'GET', '/v1/licences/me', 'not.a.token', undefined, 401, 'AUTH_TOKEN_MALFORMED'],
      [
        '/v1/licences/me/changes',
        'GET',
        '/v1/licences/me/changes',
        strangerToken,
        undefined,
        404,
        'LICENCE_NOT_FOUND',
      ],
      [
        '/v1/licences/me/renewal',
        'POST',
        '/v1/licences/me/renewal',
        tokenOf.office,
        { data: { autoRenew: 'yes' } },
        400,
        'REQUEST_INVALID',
      ],
      [
        '/v1/licences/me/cancel',
        'POST',
        '/v1/licences/me/cancel',
        tokenOf.office,
        json('{'),
        400,
        'BODY_MALFORMED',
      ],
      [
        '/v1/licences/me/cancel',
        'POST',
        '/v1/licences/me/cancel',
        tokenOf.office,
        { data: { reason: 'again' } },
        409,
        'LICENCE_TRANSITION_INVALID',
      ],
      [
        '/v1/licences',
        'GET',
        '/v1/licences?limit=0&state=gone',
        tokenOf.operator,
        undefined,
        400,
        'REQUEST_INVALID',
      ],
      [
        '/v1/licences/{officeNumber}',
        'GET',
        '/v1/licences/abc',
        tokenOf.operator,
        undefined,
        400,
        'OFFICE_NUMBER_INVALID',
      ],
      [
        '/v1/licences/{officeNumber}/suspend',
        'POST',
        `/v1/licences/${UNKNOWN}/suspend`,
        tokenOf.operator,
        { data: { reason: '調査' } },
        404,
        'LICENCE_NOT_FOUND',
      ],
      [
        '/v1/licences/{officeNumber}/suspend',
        'POST',
        `/v1/licences/${A}/suspend`,
        tokenOf.operator,
        { data: { reason: ' ' } },
        400,
        'REQUEST_INVALID',
      ],
      [
        '/v1/licences/{officeNumber}/reinstate',
        'POST',
        `/v1/licences/${A}/reinstate`,
        tokenOf.operator,
        { data: { reason: '調査' } },
        409,
        'LICENCE_TRANSITION_INVALID',
      ],
      [
        '/v1/directory',
        'GET',
        '/v1/directory?serviceType=x',
        tokenOf.office,
        undefined,
        400,
        'REQUEST_INVALID',
      ],
    ];

    const seen: [string, number, string | undefined][] = [];
    const problems: string[] = [];
    for (const [route, method, path, token, body, ,] of cases) {
      const answer = await client.call(method, path, token, body?.data, body?.contentType);
      seen.push([`${method} ${path}`, answer.status, (answer.body as { code?: string }).code]);
      problems.push(...checker.check(method, route, answer.status, answer.mediaType, answer.body));
    }

    expect(seen).toEqual(
      cases.map(([, method, path, , , status, code]) => [`${method} ${path}`, status, code]),
    );
    expect(problems).toEqual([]);
  });

  it("answers another prefecture's office exactly as an unknown one, so office numbers cannot be probed", async () => {
    const shape = (answer: Answer) => {
      const { correlationId: _ignored, ...rest } = answer.body as Record<string, unknown>;
      return { status: answer.status, body: rest };
    };
    for (const route of [
      '/v1/licences/{n}',
      '/v1/licences/{n}/changes',
      '/v1/office-master/offices/{n}',
      '/v1/office-master/offices/{n}/history',
    ]) {
      const existing = await client.call('GET', route.replace('{n}', A), tokenOf.otherKokuhoren);
      const unknown = await client.call('GET', route.replace('{n}', UNKNOWN), tokenOf.otherKokuhoren);
      expect({ route, ...shape(existing) }).toEqual({ route, ...shape(unknown) });
      expect(existing.status).toBe(404);
    }
  });
});
