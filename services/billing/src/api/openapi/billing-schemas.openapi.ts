// components.schemas of billing's OpenAPI documents: every view of ledger/billing.ports.ts, the request bodies
// and the error body. Views are closed (additionalProperties: false): an answer with a field the document does
// not describe fails the contract checks.
import { DEDUCTIONS_CSV_HEADER, RESULTS_CSV_SHORT_HEADER } from '../csv/deductions-csv.util';
import { MAX_RESULTS } from '../dto/deduction-results.dto';
import { MAX_AMOUNT_YEN, MAX_REASON_LENGTH } from '../dto/billing-requests.dto';
import type { ReferenceObject, SchemaObject } from '@renkei/platform';

export const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
const orNull = (schema: SchemaObject): SchemaObject => ({ anyOf: [schema, { type: 'null' }] });

/** an object with exactly these properties, all required unless named in `optional` */
function closed(
  description: string,
  properties: Record<string, SchemaObject>,
  optional: readonly string[] = [],
): SchemaObject {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    properties,
  };
}

const text = (description: string, maxLength: number): SchemaObject => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength,
});
const count: SchemaObject = { type: 'integer', minimum: 0 };
const pageOf = (item: string, description: string): SchemaObject =>
  closed(description, {
    items: { type: 'array', items: ref(item) },
    nextAfter: {
      ...orNull({ type: 'string' }),
      description: '次のページの after に渡す値。最後のページでは null',
    },
  });

export const BILLING_SCHEMAS: Readonly<Record<string, SchemaObject>> = {
  Uuid: { type: 'string', format: 'uuid' },
  Month: {
    type: 'string',
    pattern: '^\\d{4}(0[1-9]|1[0-2])$',
    description: '年月 YYYYMM',
    examples: ['202705'],
  },
  Date: { type: 'string', format: 'date', description: '日付 YYYY-MM-DD（日本時間）' },
  Instant: { type: 'string', format: 'date-time', description: 'ISO 8601 instant (UTC)' },
  Prefecture: {
    type: 'string',
    pattern: '^(0[1-9]|[1-3][0-9]|4[0-7])$',
    description: '都道府県コード 01–47（事業所番号の先頭 2 桁）',
  },
  OfficeNumber: { type: 'string', pattern: '^[0-9A-Z]{10}$', description: '事業所番号（10 桁）' },
  Yen: { type: 'integer', minimum: 0, description: '金額（円、税込）' },
  Amount: closed('件数と金額', { count, amountYen: ref('Yen') }),
  FeeState: {
    type: 'string',
    enum: ['due', 'requested', 'deducted', 'invoiced', 'waived'],
    description:
      '利用料の状態: due（差引待ち）, requested（差引依頼中）, deducted（差引済）, invoiced（請求書発行）, waived（免除）',
  },
  CycleState: {
    type: 'string',
    enum: ['open', 'acknowledged', 'closed'],
    description: '差引サイクルの状態: open（作成済）, acknowledged（国保連受領済）, closed（全件結果登録済）',
  },
  DeductionResult: {
    type: 'string',
    enum: ['deducted', 'not_deductible'],
    description: '差引結果: deducted（控除済）, not_deductible（控除不能）',
  },
  NotDeductibleReason: {
    type: 'string',
    enum: ['NO_PAYMENT', 'INSUFFICIENT_AMOUNT', 'OFFICE_CLOSED', 'OTHER'],
    description:
      '控除不能の理由コード: NO_PAYMENT（当月の介護給付費の支払なし）, INSUFFICIENT_AMOUNT（支払額不足）, OFFICE_CLOSED（事業所廃止・休止）, OTHER（その他。理由の記入が必要）',
  },
  InvoiceState: {
    type: 'string',
    enum: ['issued', 'paid'],
    description: '請求書の状態: issued（発行済）, paid（入金済）',
  },
  FeeScheduleEntry: closed('料金表の 1 件', {
    id: ref('Uuid'),
    effectiveFrom: ref('Date'),
    amountYen: ref('Yen'),
    description: { type: 'string' },
    withdrawn: { type: 'boolean' },
    createdAt: ref('Instant'),
  }),
  Campaign: closed('キャンペーン（割引）', {
    id: ref('Uuid'),
    name: { type: 'string' },
    startsOn: ref('Date'),
    endsOn: ref('Date'),
    discountPercent: { type: 'integer', minimum: 1, maximum: 100 },
    withdrawn: { type: 'boolean' },
    createdAt: ref('Instant'),
  }),
  Fee: closed('ライセンス期間 1 件分の利用料', {
    feeId: ref('Uuid'),
    officeNumber: ref('OfficeNumber'),
    prefecture: ref('Prefecture'),
    licenceId: ref('Uuid'),
    termStart: ref('Instant'),
    termEnd: ref('Instant'),
    listAmountYen: ref('Yen'),
    amountYen: ref('Yen'),
    feeScheduleId: ref('Uuid'),
    campaignId: orNull(ref('Uuid')),
    paymentMonth: { ...ref('Month'), description: '差引予定の年月' },
    state: ref('FeeState'),
    attempts: count,
    createdAt: ref('Instant'),
  }),
  CycleTotals: closed('差引依頼・控除済・控除不能・結果未登録の件数と金額', {
    requested: ref('Amount'),
    deducted: ref('Amount'),
    notDeductible: ref('Amount'),
    pending: ref('Amount'),
  }),
  Cycle: closed('差引サイクル（都道府県・年月ごとに 1 件）', {
    cycleId: ref('Uuid'),
    prefecture: ref('Prefecture'),
    month: ref('Month'),
    state: ref('CycleState'),
    generatedAt: ref('Instant'),
    acknowledgedAt: orNull(ref('Instant')),
    closedAt: orNull(ref('Instant')),
    totals: ref('CycleTotals'),
  }),
  CyclePage: pageOf('Cycle', '差引サイクルの一覧（1 ページ分）'),
  Deduction: closed('差引明細（事業所 1 件の利用料の差引依頼）', {
    deductionId: { ...ref('Uuid'), description: '控除ID' },
    cycleId: ref('Uuid'),
    feeId: ref('Uuid'),
    officeNumber: ref('OfficeNumber'),
    officeName: { ...orNull({ type: 'string' }), description: '事業所名（事業所台帳にない場合は null）' },
    prefecture: ref('Prefecture'),
    month: ref('Month'),
    attempt: { type: 'integer', minimum: 1, description: '回数（初回 1、繰越のたびに 1 増える）' },
    amountYen: ref('Yen'),
    termStart: ref('Instant'),
    termEnd: ref('Instant'),
    result: orNull(ref('DeductionResult')),
    reasonCode: orNull(ref('NotDeductibleReason')),
    reason: orNull({ type: 'string' }),
    resultAt: orNull(ref('Instant')),
  }),
  DeductionPage: pageOf('Deduction', '差引明細の一覧（1 ページ分、事業所番号順）'),
  DeductionsCsv: {
    type: 'string',
    description:
      `MS932（Shift_JIS）の CSV、改行 CRLF、見出し行つき。列: ${DEDUCTIONS_CSV_HEADER.join(',')}。` +
      '結果は 控除済 / 控除不能（未登録は空欄）。日付は日本時間の YYYY-MM-DD。事業所名・理由は二重引用符で囲む。' +
      'MS932 にない文字は 〓 に置き換える。',
  },
  ResultInput: {
    ...closed(
      '差引結果 1 件',
      {
        deductionId: { ...ref('Uuid'), description: '控除ID' },
        officeNumber: ref('OfficeNumber'),
        result: ref('DeductionResult'),
        reasonCode: { ...ref('NotDeductibleReason'), description: 'not_deductible のとき必須' },
        reason: {
          ...text('理由（reasonCode が OTHER のとき必須。MS932 で表せる文字のみ）', MAX_REASON_LENGTH),
        },
      },
      ['reasonCode', 'reason'],
    ),
    allOf: [
      {
        if: { properties: { result: { const: 'not_deductible' } } },
        then: { required: ['reasonCode'] },
        else: { not: { anyOf: [{ required: ['reasonCode'] }, { required: ['reason'] }] } },
      },
      {
        if: { properties: { reasonCode: { const: 'OTHER' } }, required: ['reasonCode'] },
        then: { required: ['reason'] },
      },
    ],
  },
  ResultsRequest: closed('差引結果の一括登録（全件成功か、1 件も登録しないか）', {
    results: { type: 'array', minItems: 1, maxItems: MAX_RESULTS, items: ref('ResultInput') },
  }),
  ResultsCsv: {
    type: 'string',
    description:
      `MS932（Shift_JIS）の CSV、見出し行つき。列はダウンロードした CSV と同じ ${DEDUCTIONS_CSV_HEADER.length} 列 ` +
      `(${DEDUCTIONS_CSV_HEADER.join(',')}) か、短い形式 ${RESULTS_CSV_SHORT_HEADER.join(',')}。` +
      '結果は 控除済 / 控除不能。結果が空欄の行はまだ結果ではないものとして読み飛ばす。' +
      '〜 − ‖ ¬ — などは MS932 の文字に正規化してから読む。',
  },
  ResultsApplied: closed('差引結果の登録結果', {
    applied: { ...count, description: '今回登録した件数' },
    unchanged: { ...count, description: '同じ結果が登録済みだった件数（変更なし）' },
    cycle: ref('Cycle'),
  }),
  ReconciliationReport: closed(
    '突合表: requested = deducted + notDeductible + pending、締め後は notDeductible = carriedOver + invoiced',
    {
      cycleId: ref('Uuid'),
      prefecture: ref('Prefecture'),
      month: ref('Month'),
      state: ref('CycleState'),
      totals: ref('CycleTotals'),
      carriedOver: { ...ref('Amount'), description: '翌月へ繰越' },
      invoiced: { ...ref('Amount'), description: '請求書へ切替' },
      balanced: { type: 'boolean', description: '合計が一致していれば true' },
      discrepancies: {
        type: 'array',
        items: { type: 'string' },
        description: '一致しない内容（英語）。一致していれば空',
      },
    },
  ),
  Invoice: closed('請求書（繰越の上限を超えて控除できなかった利用料）', {
    invoiceId: ref('Uuid'),
    number: {
      type: 'string',
      pattern: '^INV-\\d{6}-\\d{2}-\\d{6}$',
      description: '請求書番号 INV-YYYYMM-PP-NNNNNN',
    },
    feeId: ref('Uuid'),
    officeNumber: ref('OfficeNumber'),
    prefecture: ref('Prefecture'),
    amountYen: ref('Yen'),
    cycleId: ref('Uuid'),
    state: ref('InvoiceState'),
    issuedAt: ref('Instant'),
    paidAt: orNull(ref('Instant')),
  }),
  InvoicePage: pageOf('Invoice', '請求書の一覧（1 ページ分）'),
  FeePage: pageOf('Fee', '利用料の一覧（1 ページ分）'),
  FeesByState: closed(
    '状態ごとの利用料',
    Object.fromEntries(
      ['due', 'requested', 'deducted', 'invoiced', 'waived'].map((state) => [state, ref('Amount')]),
    ),
  ),
  PrefectureSummary: closed('都道府県ごとの月次集計', {
    prefecture: ref('Prefecture'),
    month: ref('Month'),
    cycle: orNull(closed('その月の差引サイクル', { cycleId: ref('Uuid'), state: ref('CycleState') })),
    licencesBilled: count,
    fees: ref('FeesByState'),
    totals: orNull(ref('CycleTotals')),
    invoiced: ref('Amount'),
  }),
  BillingActor: closed(
    'who acted: the token subject and role, or system for jobs',
    {
      id: { type: 'string' },
      role: { type: 'string', enum: ['operator', 'kokuhoren', 'office', 'system'] },
      prefecture: ref('Prefecture'),
    },
    ['prefecture'],
  ),
  AuditEntry: closed('監査記録 1 件', {
    id: { type: 'string' },
    at: ref('Instant'),
    actor: ref('BillingActor'),
    action: { type: 'string' },
    entity: { type: 'string' },
    entityId: { type: 'string' },
    reason: orNull({ type: 'string' }),
    before: { description: 'the entity before the change (JSON), null when created' },
    after: { description: 'the entity after the change (JSON)' },
  }),
  AuditPage: pageOf('AuditEntry', '監査記録の一覧（1 ページ分）'),
  OfficeStatement: closed('事業所自身の利用料・差引明細・請求書', {
    officeNumber: ref('OfficeNumber'),
    fees: { type: 'array', items: ref('Fee') },
    deductions: { type: 'array', items: ref('Deduction') },
    invoices: { type: 'array', items: ref('Invoice') },
  }),
  ReasonInput: closed('変更の理由（必須）', { reason: text('理由', MAX_REASON_LENGTH) }),
  FeeScheduleInput: closed('料金表の追加（適用開始日は明日以降）', {
    effectiveFrom: ref('Date'),
    amountYen: { type: 'integer', minimum: 0, maximum: MAX_AMOUNT_YEN },
    description: text('説明（例: 利用料 年額 21,000円（税込））', 200),
    reason: text('理由', MAX_REASON_LENGTH),
  }),
  CampaignInput: closed('キャンペーンの追加（割引率 100 はフリーパス）', {
    name: text('名称', 100),
    startsOn: ref('Date'),
    endsOn: ref('Date'),
    discountPercent: { type: 'integer', minimum: 1, maximum: 100 },
    reason: text('理由', MAX_REASON_LENGTH),
  }),
  GenerateCyclesInput: closed('差引サイクルの作成（将来の月は不可）', { month: ref('Month') }),
  Cycles: { type: 'array', items: ref('Cycle'), description: '全 47 都道府県の差引サイクル' },
  FeeScheduleEntries: {
    type: 'array',
    items: ref('FeeScheduleEntry'),
    description: '料金表（適用開始日順）',
  },
  Campaigns: { type: 'array', items: ref('Campaign'), description: 'キャンペーン' },
  Summary: { type: 'array', items: ref('PrefectureSummary'), description: '全 47 都道府県の集計' },
  Problem: closed(
    '問題 1 件',
    {
      code: { type: 'string' },
      source: { type: 'string', description: 'where: a field, results[3] (JSON) or line 4 (CSV)' },
      problem: { type: 'string', description: 'what is wrong (English)' },
      field: { type: 'string' },
      line: { type: 'integer', minimum: 1, description: 'CSV の行番号' },
      index: { type: 'integer', minimum: 0, description: 'JSON の results の添字' },
    },
    ['code', 'field', 'line', 'index'],
  ),
  Error: closed(
    'エラー: code は安定した識別子、message は日本語の説明と英語の詳細',
    {
      code: { type: 'string', examples: ['CYCLE_NOT_FOUND'] },
      message: { type: 'string' },
      correlationId: { type: 'string' },
      details: {
        description:
          'problems: REQUEST_INVALID などは Problem の配列、DEDUCTION_RESULTS_INVALID は {problemCount, problems}',
      },
    },
    ['correlationId', 'details'],
  ),
};
