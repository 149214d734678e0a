// The operator and office API's OpenAPI 3.1 document, served at GET /v1/billing/openapi.json.
import { ref } from './billing-schemas.openapi';
import {
  DEDUCTIONS_CSV,
  BEARER_SCHEME,
  ERROR_RESPONSES,
  jsonBody,
  PAGE_PARAMETERS,
  parameterRef,
  pathId,
  query,
  responses,
  schemasFor,
  SECURITY_SCHEMES,
} from './openapi-builder.util';
import type { OperationObject, OpenApi31Document, RequestBodyObject } from '@renkei/platform';

const OPERATOR = '差引（運用者）';
const OFFICE = '差引（事業所）';
const CYCLE_ID = parameterRef('CycleId');
const PAGE = [parameterRef('After'), parameterRef('Limit')];
const PREFECTURE = query('prefecture', '都道府県コードで絞り込み', ref('Prefecture'));
const OFFICE_NUMBER = query('officeNumber', '事業所番号で絞り込み', ref('OfficeNumber'));

const body = (schema: string): RequestBodyObject => ({
  required: true,
  content: { 'application/json': { schema: ref(schema) } },
});

const operatorRead = (
  operationId: string,
  summary: string,
  schema: string,
  parameters: OperationObject['parameters'] = [],
  errors: readonly (400 | 404)[] = [],
): OperationObject => ({
  operationId,
  summary,
  tags: [OPERATOR],
  parameters,
  responses: responses({ 200: jsonBody(schema, summary) }, [...errors, 401, 403]),
});

/** an operator change: a JSON body with a reason, 200 or 201 with the changed thing */
const operatorChange = (
  operationId: string,
  summary: string,
  options: {
    input: string;
    output: string;
    status: 200 | 201;
    id?: string;
    description?: string;
    conflicts?: boolean;
  },
): OperationObject => ({
  operationId,
  summary,
  ...(options.description ? { description: options.description } : {}),
  tags: [OPERATOR],
  ...(options.id ? { parameters: [parameterRef(options.id)] } : {}),
  requestBody: body(options.input),
  responses: responses({ [options.status]: jsonBody(options.output, summary) }, [
    400,
    401,
    403,
    ...(options.id ? ([404] as const) : []),
    ...(options.conflicts === false ? [] : ([409] as const)),
  ]),
});

export const BILLING_OPENAPI: OpenApi31Document = {
  openapi: '3.1.0',
  info: {
    title: 'Renkei 差引 API（運用者・事業所）',
    version: '1.0.0',
    description:
      '利用料・料金表・キャンペーン・差引サイクル・請求書を運用者が管理し、事業所が自分の利用料を確認するための API です。' +
      '運用者の変更にはすべて理由（reason）が必要で、監査記録に残ります。\n\n' +
      'Technical: operator routes need a token with role operator; GET /v1/billing/me needs role office.',
  },
  tags: [
    { name: OPERATOR, description: '料金表・キャンペーン・利用料・差引サイクル・請求書・集計・監査' },
    { name: OFFICE, description: '事業所自身の利用料' },
  ],
  security: [{ [BEARER_SCHEME]: [] }],
  paths: {
    '/v1/billing/openapi.json': {
      get: {
        operationId: 'getBillingOpenApi',
        summary: 'この API の OpenAPI 文書',
        description: 'トークンは不要です。 (no token needed)',
        tags: [OPERATOR, OFFICE],
        security: [],
        responses: {
          200: {
            description: 'OpenAPI 3.1 document',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
    },
    '/v1/billing/me': {
      get: {
        operationId: 'getOwnStatement',
        summary: '自事業所の利用料・差引明細・請求書',
        tags: [OFFICE],
        responses: responses({ 200: jsonBody('OfficeStatement', '自事業所の明細') }, [401, 403]),
      },
    },
    '/v1/billing/fee-schedule': {
      get: operatorRead('listFeeSchedule', '料金表', 'FeeScheduleEntries'),
      post: operatorChange('addFeeScheduleEntry', '料金表の追加', {
        input: 'FeeScheduleInput',
        output: 'FeeScheduleEntry',
        status: 201,
        description: '適用開始日が今日以前なら 409 FEE_SCHEDULE_BACKDATED（価格決定済みの期間は変えない）。',
      }),
    },
    '/v1/billing/fee-schedule/{entryId}/withdraw': {
      post: operatorChange('withdrawFeeScheduleEntry', '料金表の取り下げ（適用開始前のみ）', {
        input: 'ReasonInput',
        output: 'FeeScheduleEntry',
        status: 200,
        id: 'EntryId',
      }),
    },
    '/v1/billing/campaigns': {
      get: operatorRead('listCampaigns', 'キャンペーン', 'Campaigns'),
      post: operatorChange('addCampaign', 'キャンペーンの追加', {
        input: 'CampaignInput',
        output: 'Campaign',
        status: 201,
        description: '追加後に作成される利用料にだけ適用されます。',
        conflicts: false,
      }),
    },
    '/v1/billing/campaigns/{campaignId}/withdraw': {
      post: operatorChange('withdrawCampaign', 'キャンペーンの取り下げ', {
        input: 'ReasonInput',
        output: 'Campaign',
        status: 200,
        id: 'CampaignId',
      }),
    },
    '/v1/billing/fees': {
      get: operatorRead(
        'listFees',
        '利用料の一覧',
        'FeePage',
        [OFFICE_NUMBER, PREFECTURE, query('state', '状態で絞り込み', ref('FeeState')), ...PAGE],
        [400],
      ),
    },
    '/v1/billing/fees/{feeId}/waive': {
      post: operatorChange('waiveFee', '利用料の免除（due のもののみ）', {
        input: 'ReasonInput',
        output: 'Fee',
        status: 200,
        id: 'FeeId',
      }),
    },
    '/v1/billing/cycles': {
      get: operatorRead(
        'listCycles',
        '差引サイクルの一覧',
        'CyclePage',
        [
          query('month', '年月 YYYYMM で絞り込み', ref('Month')),
          PREFECTURE,
          query('status', '状態で絞り込み', ref('CycleState')),
          ...PAGE,
        ],
        [400],
      ),
      post: operatorChange('generateCycles', '差引サイクルの作成（全都道府県、冪等）', {
        input: 'GenerateCyclesInput',
        output: 'Cycles',
        status: 200,
        description: '将来の月は 409 CYCLE_MONTH_IN_FUTURE。作成済みの都道府県はそのまま返します。',
      }),
    },
    '/v1/billing/cycles/{cycleId}': {
      get: operatorRead('getCycle', '差引サイクル 1 件', 'Cycle', [CYCLE_ID], [404]),
    },
    '/v1/billing/cycles/{cycleId}/deductions': {
      get: operatorRead('listDeductions', '差引明細の一覧', 'DeductionPage', [CYCLE_ID, ...PAGE], [400, 404]),
    },
    '/v1/billing/cycles/{cycleId}/deductions.csv': {
      get: {
        operationId: 'downloadDeductionsCsv',
        summary: '差引明細の全件（MS932 CSV）',
        tags: [OPERATOR],
        parameters: [CYCLE_ID],
        responses: responses({ 200: DEDUCTIONS_CSV }, [401, 403, 404]),
      },
    },
    '/v1/billing/cycles/{cycleId}/reconciliation': {
      get: operatorRead('getReconciliation', '突合表', 'ReconciliationReport', [CYCLE_ID], [404]),
    },
    '/v1/billing/invoices': {
      get: operatorRead(
        'listInvoices',
        '請求書の一覧',
        'InvoicePage',
        [OFFICE_NUMBER, PREFECTURE, query('state', '状態で絞り込み', ref('InvoiceState')), ...PAGE],
        [400],
      ),
    },
    '/v1/billing/invoices/{invoiceId}/paid': {
      post: operatorChange('markInvoicePaid', '請求書の入金済み登録', {
        input: 'ReasonInput',
        output: 'Invoice',
        status: 200,
        id: 'InvoiceId',
      }),
    },
    '/v1/billing/summary': {
      get: operatorRead(
        'getSummary',
        '都道府県ごとの月次集計',
        'Summary',
        [{ ...query('month', '年月 YYYYMM', ref('Month')), required: true }],
        [400],
      ),
    },
    '/v1/billing/audit': {
      get: operatorRead(
        'listAudit',
        '監査記録',
        'AuditPage',
        [
          query('entity', '対象の種類（fee, cycle, campaign …）', { type: 'string', maxLength: 64 }),
          query('entityId', '対象の ID', { type: 'string', maxLength: 64 }),
          ...PAGE,
        ],
        [400],
      ),
    },
  },
  components: {
    schemas: schemasFor([
      'OfficeStatement',
      'FeeScheduleEntries',
      'FeeScheduleInput',
      'Campaigns',
      'CampaignInput',
      'ReasonInput',
      'FeePage',
      'CyclePage',
      'Cycles',
      'GenerateCyclesInput',
      'DeductionPage',
      'DeductionsCsv',
      'ReconciliationReport',
      'InvoicePage',
      'Summary',
      'AuditPage',
      'Problem',
      'Error',
    ]),
    responses: ERROR_RESPONSES,
    parameters: {
      CycleId: pathId('cycleId', '差引サイクルの ID'),
      EntryId: pathId('entryId', '料金表の ID'),
      CampaignId: pathId('campaignId', 'キャンペーンの ID'),
      FeeId: pathId('feeId', '利用料の ID'),
      InvoiceId: pathId('invoiceId', '請求書の ID'),
      ...PAGE_PARAMETERS,
    },
    securitySchemes: SECURITY_SCHEMES,
  },
};
