import { documentedOperations, openApiProblems, OpenApiResponseChecker } from '@renkei/testing';
import {
  auditFixture,
  campaignFixture,
  cycleFixture,
  deductionFixture,
  feeFixture,
  feeScheduleEntryFixture,
  invoiceFixture,
  reconciliationFixture,
  summaryFixture,
} from '../fixtures/billing-views.fixture';
import { BILLING_OPENAPI } from './billing.openapi';
import { KOKUHO_OPENAPI } from './kokuho.openapi';

const operationIds = (document: typeof KOKUHO_OPENAPI): string[] =>
  Object.values(document.paths).flatMap((item) =>
    [item.get, item.post]
      .filter((operation) => operation !== undefined)
      .map((operation) => operation.operationId),
  );

describe.each([
  ['kokuho', KOKUHO_OPENAPI],
  ['billing', BILLING_OPENAPI],
])('the %s OpenAPI document', (_name, document) => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(openApiProblems(document)).toEqual([]);
  });

  it('names every operation once', () => {
    const ids = operationIds(document);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents a 401 for every route that needs a token, and none for the open document', () => {
    for (const [route, item] of Object.entries(document.paths)) {
      for (const operation of [item.get, item.post].filter((o) => o !== undefined)) {
        const open = operation.security?.length === 0;
        expect([route, '401' in operation.responses]).toEqual([route, !open]);
      }
    }
  });
});

describe('the documents and the ledger views', () => {
  const kokuho = new OpenApiResponseChecker(KOKUHO_OPENAPI);
  const billing = new OpenApiResponseChecker(BILLING_OPENAPI);
  const json = 'application/json';

  it('describe the views the ledger returns', () => {
    const cycle = cycleFixture();
    const page = <T>(items: T[]) => ({ items, nextAfter: null });
    expect([
      ...kokuho.check('GET', '/v1/kokuho/cycles', 200, json, { items: [cycle], nextAfter: 'x' }),
      ...kokuho.check('GET', '/v1/kokuho/cycles/{cycleId}', 200, json, cycle),
      ...kokuho.check('GET', '/v1/kokuho/cycles/{cycleId}/deductions', 200, json, page([deductionFixture()])),
      ...kokuho.check('POST', '/v1/kokuho/cycles/{cycleId}/results', 200, json, {
        applied: 1,
        unchanged: 0,
        cycle,
      }),
      ...kokuho.check(
        'GET',
        '/v1/kokuho/cycles/{cycleId}/reconciliation',
        200,
        json,
        reconciliationFixture(),
      ),
      ...billing.check('GET', '/v1/billing/fee-schedule', 200, json, [feeScheduleEntryFixture()]),
      ...billing.check('GET', '/v1/billing/campaigns', 200, json, [campaignFixture()]),
      ...billing.check('GET', '/v1/billing/fees', 200, json, page([feeFixture()])),
      ...billing.check('POST', '/v1/billing/cycles', 200, json, [cycle]),
      ...billing.check('GET', '/v1/billing/invoices', 200, json, page([invoiceFixture()])),
      ...billing.check('GET', '/v1/billing/summary', 200, json, [summaryFixture()]),
      ...billing.check('GET', '/v1/billing/audit', 200, json, page([auditFixture()])),
      ...billing.check('GET', '/v1/billing/me', 200, json, {
        officeNumber: '1310000001',
        fees: [feeFixture()],
        deductions: [deductionFixture({ result: 'deducted', resultAt: '2027-05-03T00:00:00.000Z' })],
        invoices: [invoiceFixture()],
      }),
    ]).toEqual([]);
  });

  it('refuse a view with a field they do not describe, or one missing', () => {
    const { totals: _totals, ...withoutTotals } = cycleFixture();
    expect(kokuho.check('GET', '/v1/kokuho/cycles/{cycleId}', 200, json, withoutTotals)).not.toEqual([]);
    expect(
      kokuho.check('GET', '/v1/kokuho/cycles/{cycleId}', 200, json, { ...cycleFixture(), secret: 1 }),
    ).not.toEqual([]);
  });

  it('describe the error body', () => {
    const error = { code: 'CYCLE_NOT_FOUND', message: '見つかりません', correlationId: 'c1' };
    expect(kokuho.check('GET', '/v1/kokuho/cycles/{cycleId}', 404, json, error)).toEqual([]);
    expect(kokuho.check('GET', '/v1/kokuho/cycles/{cycleId}', 404, json, { message: 'x' })).not.toEqual([]);
  });

  it('cover the routes of docs/billing.md', () => {
    expect(documentedOperations(KOKUHO_OPENAPI)).toEqual([
      'GET /v1/kokuho/cycles',
      'GET /v1/kokuho/cycles/{cycleId}',
      'GET /v1/kokuho/cycles/{cycleId}/deductions',
      'GET /v1/kokuho/cycles/{cycleId}/deductions.csv',
      'GET /v1/kokuho/cycles/{cycleId}/reconciliation',
      'GET /v1/kokuho/openapi.json',
      'POST /v1/kokuho/cycles/{cycleId}/acknowledgement',
      'POST /v1/kokuho/cycles/{cycleId}/results',
    ]);
    expect(documentedOperations(BILLING_OPENAPI)).toEqual([
      'GET /v1/billing/audit',
      'GET /v1/billing/campaigns',
      'GET /v1/billing/cycles',
      'GET /v1/billing/cycles/{cycleId}',
      'GET /v1/billing/cycles/{cycleId}/deductions',
      'GET /v1/billing/cycles/{cycleId}/deductions.csv',
      'GET /v1/billing/cycles/{cycleId}/reconciliation',
      'GET /v1/billing/fee-schedule',
      'GET /v1/billing/fees',
      'GET /v1/billing/invoices',
      'GET /v1/billing/me',
      'GET /v1/billing/openapi.json',
      'GET /v1/billing/summary',
      'POST /v1/billing/campaigns',
      'POST /v1/billing/campaigns/{campaignId}/withdraw',
      'POST /v1/billing/cycles',
      'POST /v1/billing/fee-schedule',
      'POST /v1/billing/fee-schedule/{entryId}/withdraw',
      'POST /v1/billing/fees/{feeId}/waive',
      'POST /v1/billing/invoices/{invoiceId}/paid',
    ]);
  });
});
