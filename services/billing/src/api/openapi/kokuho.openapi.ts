// The 国保連 API's OpenAPI 3.1 document, served at GET /v1/kokuho/openapi.json (docs/billing.md "APIs").
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
import type { OpenApi31Document, OperationObject } from '@renkei/platform';

const TAG = '差引（国保連）';
const CYCLE_ID = parameterRef('CycleId');

const openApiOperation = (operationId: string, summary: string): OperationObject => ({
  operationId,
  summary,
  description: 'この文書自身。トークンは不要です。 (no token needed)',
  tags: [TAG],
  security: [],
  responses: {
    200: {
      description: 'OpenAPI 3.1 document',
      content: { 'application/json': { schema: { type: 'object' } } },
    },
  },
});

export const KOKUHO_OPENAPI: OpenApi31Document = {
  openapi: '3.1.0',
  info: {
    title: 'Renkei 差引 API（国保連）',
    version: '1.0.0',
    description:
      '国保連が自都道府県の差引サイクルを取得し、受領し、差引結果を登録するための API です。' +
      '毎月、都道府県ごとに 1 件の差引サイクルが作成されます。サイクルを受領（acknowledgement）した後に、' +
      '控除ごとの結果（控除済 / 控除不能）を JSON または MS932 の CSV で登録します。全件の結果が揃うとサイクルは締められます。' +
      'ロール kokuhoren のトークンが必要で、参照できるのはトークンの都道府県のものだけです' +
      '（他の都道府県のものは 403 ではなく 404 になります）。\n\n' +
      'Technical: amounts are whole yen (tax included); months are YYYYMM; CSV is MS932 with CRLF line ends.',
  },
  tags: [{ name: TAG, description: '差引サイクル・差引明細・差引結果・突合表' }],
  security: [{ [BEARER_SCHEME]: [] }],
  paths: {
    '/v1/kokuho/openapi.json': { get: openApiOperation('getKokuhoOpenApi', 'この API の OpenAPI 文書') },
    '/v1/kokuho/cycles': {
      get: {
        operationId: 'listKokuhoCycles',
        summary: '差引サイクルの一覧',
        description: '自都道府県の差引サイクルを新しい月から順に返します。',
        tags: [TAG],
        parameters: [
          query('month', '年月 YYYYMM で絞り込み', ref('Month')),
          query('status', '状態で絞り込み', ref('CycleState')),
          parameterRef('After'),
          parameterRef('Limit'),
        ],
        responses: responses({ 200: jsonBody('CyclePage', '差引サイクルの一覧') }, [400, 401, 403]),
      },
    },
    '/v1/kokuho/cycles/{cycleId}': {
      get: {
        operationId: 'getKokuhoCycle',
        summary: '差引サイクル 1 件（合計つき）',
        tags: [TAG],
        parameters: [CYCLE_ID],
        responses: responses({ 200: jsonBody('Cycle', '差引サイクル') }, [401, 403, 404]),
      },
    },
    '/v1/kokuho/cycles/{cycleId}/deductions': {
      get: {
        operationId: 'listKokuhoDeductions',
        summary: '差引明細の一覧（JSON、ページ単位）',
        tags: [TAG],
        parameters: [CYCLE_ID, parameterRef('After'), parameterRef('Limit')],
        responses: responses(
          { 200: jsonBody('DeductionPage', '差引明細（事業所番号順）') },
          [400, 401, 403, 404],
        ),
      },
    },
    '/v1/kokuho/cycles/{cycleId}/deductions.csv': {
      get: {
        operationId: 'downloadKokuhoDeductionsCsv',
        summary: '差引明細の全件（MS932 CSV）',
        description:
          'サイクルの全差引明細を MS932（Shift_JIS）の CSV で返します（見出し行つき、改行 CRLF）。' +
          'ファイル名は deductions-都道府県コード-年月.csv です。',
        tags: [TAG],
        parameters: [CYCLE_ID],
        responses: responses({ 200: DEDUCTIONS_CSV }, [401, 403, 404]),
      },
    },
    '/v1/kokuho/cycles/{cycleId}/acknowledgement': {
      post: {
        operationId: 'acknowledgeKokuhoCycle',
        summary: '差引サイクルの受領',
        description:
          'サイクルを受領します。受領後に差引結果を登録できます。同じサイクルを何度受領しても結果は同じです。',
        tags: [TAG],
        parameters: [CYCLE_ID],
        responses: responses({ 200: jsonBody('Cycle', '受領済みの差引サイクル') }, [401, 403, 404, 409]),
      },
    },
    '/v1/kokuho/cycles/{cycleId}/results': {
      post: {
        operationId: 'postKokuhoResults',
        summary: '差引結果の登録',
        description:
          '控除ごとの結果を登録します。1 回の登録は全件成功か、1 件も登録しないかのどちらかです。' +
          '問題があれば 400 DEDUCTION_RESULTS_INVALID で、すべての問題を JSON の添字または CSV の行番号つきで返します。' +
          '同じ結果の再登録は変更なし（unchanged）、登録済みと異なる結果は 409 DEDUCTION_RESULT_CONFLICT です。' +
          '受領前のサイクルは 409 CYCLE_NOT_ACKNOWLEDGED、締め済みは 409 CYCLE_CLOSED です。' +
          '最後の結果が登録されるとサイクルは締められ、控除不能の利用料は翌月へ繰越または請求書へ切り替わります。' +
          '本文は 32 MiB まで。',
        tags: [TAG],
        parameters: [CYCLE_ID],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('ResultsRequest') },
            'text/csv': { schema: ref('ResultsCsv') },
          },
        },
        responses: responses(
          { 200: jsonBody('ResultsApplied', '登録した件数と、登録後の差引サイクル') },
          [400, 401, 403, 404, 409, 413, 415],
        ),
      },
    },
    '/v1/kokuho/cycles/{cycleId}/reconciliation': {
      get: {
        operationId: 'getKokuhoReconciliation',
        summary: '突合表',
        description:
          'requested = deducted + notDeductible + pending、締め後は notDeductible = carriedOver + invoiced。',
        tags: [TAG],
        parameters: [CYCLE_ID],
        responses: responses({ 200: jsonBody('ReconciliationReport', '突合表') }, [401, 403, 404]),
      },
    },
  },
  components: {
    schemas: schemasFor([
      'Cycle',
      'CyclePage',
      'DeductionPage',
      'DeductionsCsv',
      'ResultsRequest',
      'ResultsCsv',
      'ResultsApplied',
      'ReconciliationReport',
      'Problem',
      'Error',
    ]),
    responses: ERROR_RESPONSES,
    parameters: { CycleId: pathId('cycleId', '差引サイクルの ID'), ...PAGE_PARAMETERS },
    securitySchemes: SECURITY_SCHEMES,
  },
};
