// Billing's HTTP layer on the real PostgreSQL and Kafka: the served OpenAPI documents against the routes Nest
// registered, the authorization matrix of every route × every kind of caller (statuses, no leak, answers
// conforming to the served documents), and a 国保連's month over HTTP with MS932 CSV both ways.
import { Ms932Codec } from '@renkei/careplan';
import {
  documentedOperations,
  openApiProblems,
  OpenApiResponseChecker,
  type OpenApiDocument,
} from '@renkei/testing';
import { DEDUCTIONS_CSV_HEADER, RESULTS_CSV_SHORT_HEADER } from './csv/deductions-csv.util';
import { BillingApiHarness, type Answer, type Request } from './fixtures/billing-api.harness';

const codec = new Ms932Codec();
const harness = new BillingApiHarness();
const MONTH = '202705';

type Caller = 'office' | 'otherOffice' | 'kokuho' | 'otherKokuho' | 'operator' | 'anonymous';
const CALLERS: readonly Caller[] = [
  'office',
  'otherOffice',
  'kokuho',
  'otherKokuho',
  'operator',
  'anonymous',
];
/** whose data each caller may see: the office numbers' prefix (the prefecture) or the office number */
const OWN: Record<Caller, string | undefined> = {
  office: '1310000001',
  otherOffice: '2710000001',
  kokuho: '13',
  otherKokuho: '27',
  operator: undefined,
  anonymous: undefined,
};
const tokenOf = (caller: Caller): string | undefined =>
  ({
    office: harness.office('1310000001'),
    otherOffice: harness.office('2710000001'),
    kokuho: harness.kokuhoren('13'),
    otherKokuho: harness.kokuhoren('27'),
    operator: harness.operator(),
    anonymous: undefined,
  })[caller];

const kokuhoApi = (ok: number, otherKokuho = 404): Record<Caller, number> => ({
  office: 403,
  otherOffice: 403,
  kokuho: ok,
  otherKokuho,
  operator: 403,
  anonymous: 401,
});
const operatorApi = (ok: number): Record<Caller, number> => ({
  office: 403,
  otherOffice: 403,
  kokuho: 403,
  otherKokuho: 403,
  operator: ok,
  anonymous: 401,
});
const open: Record<Caller, number> = {
  office: 200,
  otherOffice: 200,
  kokuho: 200,
  otherKokuho: 200,
  operator: 200,
  anonymous: 200,
};

/** seeded ids */
const ids = {
  cycle13: '',
  cycle14: '',
  deduction13: '',
  dueFee13: '',
  invoice12: '',
  entry: '',
  campaign: '',
};

let kokuhoDocument: OpenApiDocument;
let billingDocument: OpenApiDocument;

async function ok(method: string, route: string, request: Request, status = 200): Promise<Answer> {
  const answer = await harness.call(method, route, request);
  expect({ route, status: answer.status, body: answer.body }).toEqual(
    expect.objectContaining({ route, status }),
  );
  return answer;
}

const cycleOf = (cycles: { prefecture: string; cycleId: string }[], prefecture: string): string =>
  cycles.find((cycle) => cycle.prefecture === prefecture)?.cycleId ?? '';

/** every string value of the named keys anywhere in `node` */
function valuesOf(node: unknown, key: string, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => valuesOf(item, key, found));
  else if (node !== null && typeof node === 'object') {
    for (const [name, value] of Object.entries(node)) {
      if (name === key && typeof value === 'string') found.push(value);
      else valuesOf(value, key, found);
    }
  }
  return found;
}

describe('billing API', () => {
  beforeAll(async () => {
    // no carry-over: a not-deductible fee is invoiced when its cycle closes
    await harness.start({ BILLING_CARRY_OVER_CYCLES: '0' });
    const operator = harness.operator();
    await Promise.all([
      harness.activeLicence('1310000001', '2027-04-15'),
      harness.activeLicence('1310000002', '2027-04-20'),
      // due in 202706: stays due through the 202705 cycle, to be waived
      harness.activeLicence('1310000009', '2027-05-01'),
      harness.activeLicence('2710000001', '2027-04-15'),
      harness.activeLicence('1210000001', '2027-04-15'),
      harness.activeLicence('1410000003', '2027-04-16'),
      harness.activeLicence('1410000001', '2027-04-15'),
      harness.activeLicence('1410000002', '2027-04-15'),
    ]);
    const generated = await ok('POST', '/v1/billing/cycles', { token: operator, json: { month: MONTH } });
    const cycles = generated.body as { prefecture: string; cycleId: string }[];
    if (cycles.length !== 47) throw new Error(`${cycles.length} cycles generated, not 47`);
    ids.cycle13 = cycleOf(cycles, '13');
    ids.cycle14 = cycleOf(cycles, '14');
    const deductions13 = await ok('GET', `/v1/billing/cycles/${ids.cycle13}/deductions`, { token: operator });
    ids.deduction13 = (deductions13.body as { items: { deductionId: string }[] }).items[0].deductionId;

    // Chiba's 国保連 cannot deduct its only fee: the cycle closes and the fee is invoiced
    const cycle12 = cycleOf(cycles, '12');
    const kokuho12 = harness.kokuhoren('12');
    await ok('POST', `/v1/kokuho/cycles/${cycle12}/acknowledgement`, { token: kokuho12 });
    const deductions12 = await ok('GET', `/v1/kokuho/cycles/${cycle12}/deductions`, { token: kokuho12 });
    const [deduction12] = (deductions12.body as { items: { deductionId: string }[] }).items;
    const result = { deductionId: deduction12.deductionId, officeNumber: '1210000001' };
    await ok('POST', `/v1/kokuho/cycles/${cycle12}/results`, {
      token: kokuho12,
      json: { results: [{ ...result, result: 'not_deductible', reasonCode: 'NO_PAYMENT' }] },
    });
    const invoices = await ok('GET', '/v1/billing/invoices?prefecture=12', { token: operator });
    ids.invoice12 = (invoices.body as { items: { invoiceId: string }[] }).items[0].invoiceId;

    const fees = await ok('GET', '/v1/billing/fees?officeNumber=1310000009&state=due', { token: operator });
    ids.dueFee13 = (fees.body as { items: { feeId: string }[] }).items[0].feeId;
    const entry = await ok(
      'POST',
      '/v1/billing/fee-schedule',
      {
        token: operator,
        json: { effectiveFrom: '2029-04-01', amountYen: 22000, description: '改定案', reason: '試算' },
      },
      201,
    );
    ids.entry = (entry.body as { id: string }).id;
    const campaign = await ok(
      'POST',
      '/v1/billing/campaigns',
      {
        token: operator,
        json: {
          name: '春割',
          startsOn: '2030-04-01',
          endsOn: '2030-04-30',
          discountPercent: 50,
          reason: '企画',
        },
      },
      201,
    );
    ids.campaign = (campaign.body as { id: string }).id;

    kokuhoDocument = (await ok('GET', '/v1/kokuho/openapi.json', {})).body as OpenApiDocument;
    billingDocument = (await ok('GET', '/v1/billing/openapi.json', {})).body as OpenApiDocument;
  });

  afterAll(() => harness.close());

  describe('the served OpenAPI documents', () => {
    it('are valid OpenAPI 3.1, served without a token', () => {
      expect(openApiProblems(kokuhoDocument)).toEqual([]);
      expect(openApiProblems(billingDocument)).toEqual([]);
      expect(kokuhoDocument.openapi).toBe('3.1.0');
    });

    it('document exactly the routes the app registered under /v1/kokuho and /v1/billing', () => {
      const registered = harness.registeredRoutes();
      expect(registered.filter((route) => route.includes(' /v1/kokuho/'))).toEqual(
        documentedOperations(kokuhoDocument),
      );
      expect(registered.filter((route) => route.includes(' /v1/billing/'))).toEqual(
        documentedOperations(billingDocument),
      );
    });
  });

  describe('the authorization matrix', () => {
    /** every documented operation, with a request that should succeed for the caller it is meant for */
    const matrix = (): [string, Request & { path: string }, Record<Caller, number>][] => {
      const cycle = `/v1/kokuho/cycles/${ids.cycle13}`;
      const opCycle = `/v1/billing/cycles/${ids.cycle13}`;
      const reason = { reason: '確認済み' };
      return [
        ['GET /v1/kokuho/openapi.json', { path: '/v1/kokuho/openapi.json' }, open],
        ['GET /v1/kokuho/cycles', { path: `/v1/kokuho/cycles?month=${MONTH}` }, kokuhoApi(200, 200)],
        ['GET /v1/kokuho/cycles/{cycleId}', { path: cycle }, kokuhoApi(200)],
        [
          'GET /v1/kokuho/cycles/{cycleId}/deductions',
          { path: `${cycle}/deductions?limit=1` },
          kokuhoApi(200),
        ],
        [
          'GET /v1/kokuho/cycles/{cycleId}/deductions.csv',
          { path: `${cycle}/deductions.csv` },
          kokuhoApi(200),
        ],
        [
          'POST /v1/kokuho/cycles/{cycleId}/acknowledgement',
          { path: `${cycle}/acknowledgement` },
          kokuhoApi(200),
        ],
        [
          'POST /v1/kokuho/cycles/{cycleId}/results',
          {
            path: `${cycle}/results`,
            json: {
              results: [{ deductionId: ids.deduction13, officeNumber: '1310000001', result: 'deducted' }],
            },
          },
          kokuhoApi(200),
        ],
        [
          'GET /v1/kokuho/cycles/{cycleId}/reconciliation',
          { path: `${cycle}/reconciliation` },
          kokuhoApi(200),
        ],
        ['GET /v1/billing/openapi.json', { path: '/v1/billing/openapi.json' }, open],
        [
          'GET /v1/billing/me',
          { path: '/v1/billing/me' },
          { office: 200, otherOffice: 200, kokuho: 403, otherKokuho: 403, operator: 403, anonymous: 401 },
        ],
        ['GET /v1/billing/fee-schedule', { path: '/v1/billing/fee-schedule' }, operatorApi(200)],
        [
          'POST /v1/billing/fee-schedule',
          {
            path: '/v1/billing/fee-schedule',
            json: { effectiveFrom: '2030-04-01', amountYen: 23000, description: '改定', ...reason },
          },
          operatorApi(201),
        ],
        [
          'POST /v1/billing/fee-schedule/{entryId}/withdraw',
          { path: `/v1/billing/fee-schedule/${ids.entry}/withdraw`, json: reason },
          operatorApi(200),
        ],
        ['GET /v1/billing/campaigns', { path: '/v1/billing/campaigns' }, operatorApi(200)],
        [
          'POST /v1/billing/campaigns',
          {
            path: '/v1/billing/campaigns',
            json: {
              name: '秋割',
              startsOn: '2030-10-01',
              endsOn: '2030-10-31',
              discountPercent: 10,
              ...reason,
            },
          },
          operatorApi(201),
        ],
        [
          'POST /v1/billing/campaigns/{campaignId}/withdraw',
          { path: `/v1/billing/campaigns/${ids.campaign}/withdraw`, json: reason },
          operatorApi(200),
        ],
        ['GET /v1/billing/fees', { path: '/v1/billing/fees?prefecture=13' }, operatorApi(200)],
        [
          'POST /v1/billing/fees/{feeId}/waive',
          { path: `/v1/billing/fees/${ids.dueFee13}/waive`, json: reason },
          operatorApi(200),
        ],
        ['GET /v1/billing/cycles', { path: `/v1/billing/cycles?month=${MONTH}&limit=5` }, operatorApi(200)],
        ['POST /v1/billing/cycles', { path: '/v1/billing/cycles', json: { month: MONTH } }, operatorApi(200)],
        ['GET /v1/billing/cycles/{cycleId}', { path: opCycle }, operatorApi(200)],
        ['GET /v1/billing/cycles/{cycleId}/deductions', { path: `${opCycle}/deductions` }, operatorApi(200)],
        [
          'GET /v1/billing/cycles/{cycleId}/deductions.csv',
          { path: `${opCycle}/deductions.csv` },
          operatorApi(200),
        ],
        [
          'GET /v1/billing/cycles/{cycleId}/reconciliation',
          { path: `${opCycle}/reconciliation` },
          operatorApi(200),
        ],
        ['GET /v1/billing/invoices', { path: '/v1/billing/invoices' }, operatorApi(200)],
        [
          'POST /v1/billing/invoices/{invoiceId}/paid',
          { path: `/v1/billing/invoices/${ids.invoice12}/paid`, json: reason },
          operatorApi(200),
        ],
        ['GET /v1/billing/summary', { path: `/v1/billing/summary?month=${MONTH}` }, operatorApi(200)],
        ['GET /v1/billing/audit', { path: '/v1/billing/audit?limit=50' }, operatorApi(200)],
      ];
    };

    it('covers every documented operation', () => {
      expect(
        matrix()
          .map(([operation]) => operation)
          .sort(),
      ).toEqual([...documentedOperations(kokuhoDocument), ...documentedOperations(billingDocument)].sort());
    });

    it('answers each caller as the table says, leaks nothing, and conforms to the served documents', async () => {
      const checkers = {
        kokuho: new OpenApiResponseChecker(kokuhoDocument),
        billing: new OpenApiResponseChecker(billingDocument),
      };
      const cells: string[] = [];
      const problems: string[] = [];
      for (const [operation, request] of matrix()) {
        const [method, route] = operation.split(' ');
        const checker = route.startsWith('/v1/kokuho/') ? checkers.kokuho : checkers.billing;
        for (const caller of CALLERS) {
          const answer = await harness.call(method, request.path, { ...request, token: tokenOf(caller) });
          cells.push(`${operation} ${caller} ${answer.status}`);
          const body = answer.mediaType === 'text/csv' ? codec.decode(answer.bytes) : answer.body;
          problems.push(...checker.check(method, route, answer.status, answer.mediaType, answer.body));
          const own = OWN[caller];
          if (answer.status < 300 && own !== undefined && !route.endsWith('/openapi.json')) {
            const csvOffices =
              answer.mediaType === 'text/csv'
                ? (body as { fields: string[] }[]).slice(1).map((record) => record.fields[1])
                : [];
            const offices = [...valuesOf(body, 'officeNumber'), ...csvOffices];
            const prefectures = valuesOf(body, 'prefecture');
            for (const seen of offices) {
              if (!seen.startsWith(own)) problems.push(`${operation} ${caller} sees office ${seen}`);
            }
            for (const seen of prefectures) {
              if (seen !== own.slice(0, 2)) problems.push(`${operation} ${caller} sees prefecture ${seen}`);
            }
            if (offices.length + prefectures.length === 0) {
              problems.push(`${operation} ${caller} sees no data at all`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(cells).toEqual(
        matrix().flatMap(([operation, , expected]) =>
          CALLERS.map((caller) => `${operation} ${caller} ${expected[caller]}`),
        ),
      );
    });

    it('refuses a 国保連 token that names no prefecture, and answers 404 for a malformed id', async () => {
      const cycles = await harness.call('GET', '/v1/kokuho/cycles', { token: harness.kokuhoren(undefined) });
      expect(cycles).toMatchObject({ status: 403, body: { code: 'KOKUHOREN_PREFECTURE_MISSING' } });

      const malformed = await harness.call('GET', '/v1/kokuho/cycles/not-a-uuid', {
        token: harness.kokuhoren('13'),
      });
      expect(malformed).toMatchObject({ status: 404, body: { code: 'CYCLE_NOT_FOUND' } });
      const unknownFee = await harness.call('POST', '/v1/billing/fees/1234/waive', {
        token: harness.operator(),
        json: { reason: '確認' },
      });
      expect(unknownFee).toMatchObject({ status: 404, body: { code: 'FEE_NOT_FOUND' } });
    });

    it('refuses an operator change without a reason and a malformed query with stable codes', async () => {
      const operator = harness.operator();
      const waive = await harness.call('POST', `/v1/billing/fees/${ids.dueFee13}/waive`, {
        token: operator,
        json: { reason: '  ' },
      });
      expect(waive).toMatchObject({ status: 400, body: { code: 'REASON_REQUIRED' } });
      const month = await harness.call('GET', '/v1/kokuho/cycles?month=2027-05', {
        token: harness.kokuhoren('13'),
      });
      expect(month).toMatchObject({ status: 400, body: { code: 'INVALID_MONTH' } });
      const limit = await harness.call('GET', '/v1/billing/cycles?limit=1001', { token: operator });
      expect(limit).toMatchObject({ status: 400, body: { code: 'INVALID_PAGE' } });
      const future = await harness.call('POST', '/v1/billing/cycles', {
        token: operator,
        json: { month: '202712' },
      });
      expect(future).toMatchObject({ status: 409, body: { code: 'CYCLE_MONTH_IN_FUTURE' } });
    });
  });

  describe("a 国保連's month over HTTP", () => {
    const token = () => harness.kokuhoren('14');
    const cycle = () => `/v1/kokuho/cycles/${ids.cycle14}`;

    it('lists the cycle, downloads the MS932 CSV, acknowledges, posts results as CSV and reconciles', async () => {
      const listed = await ok('GET', `/v1/kokuho/cycles?month=${MONTH}&status=open`, { token: token() });
      expect(listed.body).toMatchObject({
        items: [
          { cycleId: ids.cycle14, prefecture: '14', state: 'open', totals: { requested: { count: 3 } } },
        ],
        nextAfter: null,
      });

      const csv = await ok('GET', `${cycle()}/deductions.csv`, { token: token() });
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=Shift_JIS');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="deductions-14-202705.csv"');
      expect(csv.bytes.toString('latin1')).toMatch(/\r\n$/);
      const [header, ...rows] = codec.decode(csv.bytes).map((record) => record.fields);
      expect(header).toEqual([...DEDUCTIONS_CSV_HEADER]);
      expect(rows.map((row) => [row[1], row[3], row[4], row[5], row[6], row[7], row[9]])).toEqual([
        ['1410000001', '14', MONTH, '1', '21000', '2027-04-15', ''],
        ['1410000002', '14', MONTH, '1', '21000', '2027-04-15', ''],
        ['1410000003', '14', MONTH, '1', '21000', '2027-04-16', ''],
      ]);

      const early = await harness.call('POST', `${cycle()}/results`, {
        token: token(),
        csv: codec.encode([[...RESULTS_CSV_SHORT_HEADER], [rows[0][0], rows[0][1], '控除済', '', '']]),
      });
      expect(early).toMatchObject({ status: 409, body: { code: 'CYCLE_NOT_ACKNOWLEDGED' } });

      const acknowledged = await ok('POST', `${cycle()}/acknowledgement`, { token: token() });
      expect(acknowledged.body).toMatchObject({ state: 'acknowledged' });
      expect((await ok('POST', `${cycle()}/acknowledgement`, { token: token() })).body).toEqual(
        acknowledged.body,
      );

      // the export filled in: a broken row refuses the whole file, with its line
      const filled = (second: string[]) =>
        codec.encode([
          header,
          [...rows[0].slice(0, 9), '控除済', '', ''],
          [...rows[1].slice(0, 9), ...second],
          [...rows[2].slice(0, 9), '控除済', '', ''],
        ]);
      const broken = await harness.call('POST', `${cycle()}/results`, {
        token: token(),
        csv: filled(['控除不能', 'OTHER', '']),
      });
      expect(broken).toMatchObject({
        status: 400,
        body: {
          code: 'DEDUCTION_RESULTS_INVALID',
          details: { problemCount: 1, problems: [{ code: 'REASON_REQUIRED', line: 3, source: 'line 3' }] },
        },
      });
      const untouched = await ok('GET', cycle(), { token: token() });
      expect(untouched.body).toMatchObject({ totals: { pending: { count: 3 } } });

      const posted = await ok('POST', `${cycle()}/results`, {
        token: token(),
        csv: filled(['控除不能', 'OTHER', '4月〜6月 休止中']),
      });
      expect(posted.body).toMatchObject({ applied: 3, unchanged: 0, cycle: { state: 'closed' } });

      const again = await harness.call('POST', `${cycle()}/results`, {
        token: token(),
        csv: filled(['控除不能', 'OTHER', '4月〜6月 休止中']),
      });
      expect(again).toMatchObject({ status: 409, body: { code: 'CYCLE_CLOSED' } });

      const report = await ok('GET', `${cycle()}/reconciliation`, { token: token() });
      expect(report.body).toMatchObject({
        state: 'closed',
        totals: {
          requested: { count: 3, amountYen: 63000 },
          deducted: { count: 2, amountYen: 42000 },
          notDeductible: { count: 1, amountYen: 21000 },
          pending: { count: 0, amountYen: 0 },
        },
        invoiced: { count: 1, amountYen: 21000 },
        balanced: true,
        discrepancies: [],
      });

      const after = await ok('GET', `${cycle()}/deductions.csv`, { token: token() });
      const results = codec
        .decode(after.bytes)
        .slice(1)
        .map((record) => record.fields.slice(9));
      expect(results).toEqual([
        ['控除済', '', ''],
        ['控除不能', 'OTHER', '4月～6月 休止中'],
        ['控除済', '', ''],
      ]);
    });

    it('lists JSON problems with their index, and refuses other media types', async () => {
      const cycle13 = `/v1/kokuho/cycles/${ids.cycle13}`;
      const kokuho13 = harness.kokuhoren('13');
      await ok('POST', `${cycle13}/acknowledgement`, { token: kokuho13 });
      const unknown = await harness.call('POST', `${cycle13}/results`, {
        token: kokuho13,
        json: {
          results: [
            { deductionId: ids.deduction13, officeNumber: '1310000001', result: 'deducted' },
            {
              deductionId: '00000000-0000-4000-8000-00000000abcd',
              officeNumber: '1310000002',
              result: 'deducted',
            },
          ],
        },
      });
      expect(unknown).toMatchObject({
        status: 400,
        body: {
          code: 'DEDUCTION_RESULTS_INVALID',
          details: { problems: [expect.objectContaining({ source: 'results[1]', index: 1 })] },
        },
      });
      const malformed = await harness.call('POST', `${cycle13}/results`, {
        token: kokuho13,
        json: { results: [{ deductionId: 'x', officeNumber: '1310000001', result: 'not_deductible' }] },
      });
      expect(malformed).toMatchObject({
        status: 400,
        body: {
          code: 'DEDUCTION_RESULTS_INVALID',
          details: {
            problemCount: 2,
            problems: [
              expect.objectContaining({ code: 'DEDUCTION_ID_INVALID', index: 0 }),
              expect.objectContaining({ code: 'REASON_CODE_REQUIRED', index: 0 }),
            ],
          },
        },
      });
      const text = await harness.call('POST', `${cycle13}/results`, {
        token: kokuho13,
        csv: Buffer.from('x'),
        contentType: 'text/plain',
      });
      expect(text).toMatchObject({ status: 415, body: { code: 'DEDUCTION_RESULTS_MEDIA_TYPE' } });
      const notJson = await harness.call('POST', `${cycle13}/results`, {
        token: kokuho13,
        csv: Buffer.from('{"results": ['),
        contentType: 'application/json',
      });
      expect(notJson).toMatchObject({ status: 400, body: { code: 'DEDUCTION_RESULTS_INVALID' } });
    });
  });
});
