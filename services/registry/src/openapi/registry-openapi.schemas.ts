// The components of registry's OpenAPI document: every view the routes answer with, every request body and
// the error body. Enumerations come from the code's own enums, so a new state or kind reaches the document.
import { AuthErrorCode } from '@renkei/platform';
import { LicenceAction } from '../licences/licence.state-machine';
import { LicenceState } from '../licences/licence.entity';
import { ChangeKind } from '../office-master/office-master.diff';
import { OfficeMasterProblemCode } from '../office-master/office-master.errors';
import { MasterStatus } from '../office-master/office-master.types';
import { WARNING_POINTS } from '../offices/certificate-expiry.schedule';
import { OfficeStatus } from '../offices/office.entity';
import type { ParameterObject, ResponseObject, SchemaObject } from '@renkei/platform';

export const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: SchemaObject): SchemaObject => ({ oneOf: [schema, { type: 'null' }] });
const object = (
  properties: Record<string, SchemaObject>,
  description?: string,
  optional: readonly string[] = [],
): SchemaObject => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  additionalProperties: false,
});

const officeNumber: SchemaObject = {
  type: 'string',
  pattern: '^[0-9A-Z]{10}$',
  description: '事業所番号（10桁）',
};
const prefecture: SchemaObject = {
  type: 'string',
  pattern: '^(0[1-9]|[1-3][0-9]|4[0-7])$',
  description: '都道府県コード（01〜47）',
};
const serviceTypes: SchemaObject = {
  type: 'array',
  items: { type: 'string', pattern: '^[0-9A-Z]{2}$' },
  description: 'サービス種類コード',
};
const time: SchemaObject = { type: 'string', format: 'date-time' };
const date: SchemaObject = { type: 'string', format: 'date' };
const count: SchemaObject = { type: 'integer', minimum: 0 };
const sha256: SchemaObject = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const licenceState: SchemaObject = { type: 'string', enum: Object.values(LicenceState) };

const masterEntryProperties: Record<string, SchemaObject> = {
  officeNumber,
  prefecture,
  name: { type: 'string', description: '事業所名' },
  nameKana: nullable({ type: 'string', description: '事業所名カナ' }),
  serviceTypes,
  status: { type: 'string', enum: Object.values(MasterStatus), description: '状態（有効・休止・廃止）' },
  statusReason: nullable({ type: 'string' }),
  designatedFrom: nullable(date),
  designatedTo: nullable(date),
  postalCode: nullable({ type: 'string', pattern: '^[0-9]{3}-[0-9]{4}$' }),
  address: nullable({ type: 'string', description: '所在地' }),
  version: { type: 'integer', minimum: 1 },
  uploadId: { type: 'string', format: 'uuid' },
  asOf: date,
};

const masterOfficeInput: SchemaObject = object(
  {
    officeNumber,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    nameKana: { type: 'string', maxLength: 200 },
    serviceTypes: { type: 'array', items: { type: 'string' }, minItems: 1 },
    status: { type: 'string', description: 'active / suspended / closed（有効・休止・廃止）' },
    designatedFrom: { type: 'string', description: 'YYYY-MM-DD または YYYYMMDD' },
    designatedTo: { type: 'string', description: 'YYYY-MM-DD または YYYYMMDD（終了日を含む）' },
    postalCode: { type: 'string', description: 'NNN-NNNN または NNNNNNN' },
    address: { type: 'string', maxLength: 400 },
  },
  '事業所台帳の1事業所',
  ['nameKana', 'designatedFrom', 'designatedTo', 'postalCode', 'address'],
);

const registeredOfficeProperties: Record<string, SchemaObject> = {
  officeNumber,
  serviceTypes,
  status: { type: 'string', enum: Object.values(OfficeStatus) },
  certificateSha256: sha256,
  version: { type: 'integer', minimum: 1 },
  registeredAt: time,
  updatedAt: time,
};

export const schemas: Record<string, SchemaObject> = {
  Error: object(
    {
      code: { type: 'string', description: '安定したエラーコード' },
      message: { type: 'string' },
      correlationId: { type: 'string', description: '問い合わせの際に伝える相関ID' },
      details: { description: '項目ごとの問題など、コードごとの詳細' },
    },
    'エラー応答',
    ['correlationId', 'details'],
  ),
  LicenceView: object({
    licenceId: { type: 'string', format: 'uuid' },
    officeNumber,
    prefecture,
    serviceTypes,
    state: licenceState,
    termStart: nullable(time),
    termEnd: nullable({ ...time, description: '期間の終わり（この時刻を含まない）' }),
    autoRenew: { type: 'boolean', description: '自動更新' },
    reason: { type: 'string', description: '最後の変更の理由' },
    version: { type: 'integer', minimum: 1 },
    appliedAt: time,
    updatedAt: time,
  }),
  LicenceChangeView: object(
    {
      version: { type: 'integer', minimum: 1 },
      from: nullable(licenceState),
      to: licenceState,
      action: { type: 'string', enum: Object.values(LicenceAction) },
      reason: { type: 'string' },
      actor: object({ id: { type: 'string' }, role: { type: 'string' } }),
      termStart: nullable(time),
      termEnd: nullable(time),
      autoRenew: { type: 'boolean' },
      changedAt: time,
    },
    'ライセンスの変更履歴（監査）の1件',
  ),
  LicencePage: object({
    items: { type: 'array', items: ref('LicenceView'), maxItems: 200 },
    nextAfter: nullable({ ...officeNumber, description: '次のページの after（最後のページでは null）' }),
  }),
  DirectoryEntry: object({
    officeNumber,
    name: nullable({ type: 'string', description: '事業所台帳の事業所名（台帳にない間は null）' }),
    prefecture,
    serviceTypes,
    licenceTermEnd: nullable(time),
  }),
  DirectoryPage: object({
    items: { type: 'array', items: ref('DirectoryEntry'), maxItems: 200 },
    nextAfter: nullable(officeNumber),
  }),
  PrefectureSummary: object({
    prefecture,
    licences: object(
      Object.fromEntries(Object.values(LicenceState).map((state) => [state, count])),
      '状態ごとのライセンス数',
    ),
    autoRenewingActive: { ...count, description: '自動更新が有効な有効ライセンス数' },
    termsEndingSoon: { ...count, description: '期間が termEndingSoonDays 日以内に終わる有効ライセンス数' },
    officeMaster: object({
      active: { ...count, description: '事業所台帳の有効な事業所数' },
      inactive: { ...count, description: '休止・廃止の事業所数' },
      lastUploadAt: nullable({ ...time, description: '最後の台帳登録の時刻' }),
    }),
  }),
  LicenceSummary: object(
    {
      asOf: time,
      termEndingSoonDays: { type: 'integer', minimum: 1 },
      prefectures: { type: 'array', items: ref('PrefectureSummary'), maxItems: 47 },
    },
    '都道府県ごとの集計（運用者は47都道府県すべて、国保連は自県のみ）',
  ),
  ReasonRequest: object({ reason: { type: 'string', minLength: 1, description: '理由（必須）' } }),
  RenewalRequest: object({ autoRenew: { type: 'boolean', description: '自動更新' } }),
  OfficeMasterUpload: object(
    {
      asOf: { type: 'string', description: '台帳の基準日（YYYY-MM-DD）' },
      offices: { type: 'array', items: masterOfficeInput, maxItems: 100000 },
    },
    '都道府県の事業所台帳の全件',
  ),
  OfficeMasterProblems: object({
    problemCount: count,
    problems: {
      type: 'array',
      maxItems: 1000,
      items: object(
        {
          code: { type: 'string', enum: Object.values(OfficeMasterProblemCode) },
          message: { type: 'string' },
          row: { type: 'integer', minimum: 1 },
          line: { type: 'integer', minimum: 1 },
          column: { type: 'string' },
        },
        undefined,
        ['row', 'line', 'column'],
      ),
    },
  }),
  UploadView: object(
    {
      id: { type: 'string', format: 'uuid' },
      prefecture,
      uploadedBy: { type: 'string' },
      role: { type: 'string', enum: ['kokuhoren', 'operator'] },
      reason: { type: 'string' },
      uploadedAt: time,
      asOf: date,
      sha256,
      mediaType: { type: 'string', enum: ['application/json', 'text/csv'] },
      officeCount: count,
      added: count,
      changed: count,
      closed: count,
      unchanged: count,
    },
    '事業所台帳の登録記録（監査記録を兼ねる）',
  ),
  MasterEntryView: object(masterEntryProperties, '事業所台帳の現在の登録内容'),
  MasterVersionView: object(
    {
      ...masterEntryProperties,
      kind: { type: 'string', enum: Object.values(ChangeKind) },
      changedFields: { type: 'array', items: { type: 'string' } },
      recordedAt: time,
    },
    '事業所台帳の版',
  ),
  RegisterOfficeRequest: object({
    certificatePem: { type: 'string', maxLength: 65536, description: '事業所証明書（PEM 1件）' },
  }),
  RegisteredOffice: object(registeredOfficeProperties),
  CertificateStatus: object({
    notAfter: time,
    daysLeft: { type: 'integer' },
    expiry: { type: 'string', enum: ['ok', 'expiring', 'expired'] },
    warning: nullable(object({ raisedAt: time, point: { type: 'integer', enum: [...WARNING_POINTS] } })),
    nextWarningAt: nullable(time),
  }),
  OwnOffice: object({
    ...registeredOfficeProperties,
    certificate: ref('CertificateStatus'),
    message: nullable({ type: 'string', description: '証明書の期限が近い・切れたときの案内' }),
  }),
  PublishedOffice: object({
    officeNumber,
    serviceTypes,
    status: { type: 'string', enum: Object.values(OfficeStatus) },
    certificatePem: { type: 'string' },
    certificateSha256: sha256,
    version: { type: 'integer', minimum: 1 },
  }),
  Liveness: object({ status: { type: 'string', const: 'live' } }),
  Readiness: object({
    status: { type: 'string', enum: ['ready', 'not-ready'] },
    checks: {
      type: 'object',
      additionalProperties: object(
        {
          status: { type: 'string', enum: ['up', 'down'] },
          durationMs: { type: 'number', minimum: 0 },
          error: { type: 'string' },
        },
        undefined,
        ['error'],
      ),
    },
  }),
};

const json = (schema: SchemaObject) => ({ 'application/json': { schema } });

/** an answer with a body of `schema` */
export const answer = (description: string, schema: SchemaObject): ResponseObject => ({
  description,
  content: json(schema),
});

/** a refusal: the error body with one of `codes` */
export const refusal = (description: string, codes: readonly string[]): ResponseObject => ({
  description,
  content: json({ allOf: [ref('Error')], properties: { code: { enum: [...codes] } } }),
});

const TOKEN_CODES = Object.values(AuthErrorCode).filter((code) =>
  [
    AuthErrorCode.AUTH_TOKEN_MISSING,
    AuthErrorCode.AUTH_TOKEN_MALFORMED,
    AuthErrorCode.AUTH_TOKEN_INVALID,
    AuthErrorCode.AUTH_TOKEN_EXPIRED,
    AuthErrorCode.AUTH_TOKEN_NOT_YET_VALID,
    AuthErrorCode.AUTH_KEY_UNKNOWN,
  ].includes(code),
);

export const responses: Record<string, ResponseObject> = {
  Unauthenticated: {
    ...refusal('トークンがない、または無効です', TOKEN_CODES),
    headers: {
      'WWW-Authenticate': {
        description: 'Bearer realm="renkei", error="invalid_token"',
        schema: { type: 'string' },
      },
    },
  },
  KeySetUnavailable: refusal('トークンを検証できません（鍵セットに届きません）', [
    AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE,
  ]),
  Internal: refusal('内部エラー（相関IDを添えてお問い合わせください）', ['INTERNAL']),
};

export const parameters: Record<string, ParameterObject> = {
  OfficeNumber: {
    name: 'officeNumber',
    in: 'path',
    required: true,
    description: '事業所番号',
    schema: { type: 'string' },
  },
  Prefecture: {
    name: 'prefecture',
    in: 'path',
    required: true,
    description: '都道府県コード（01〜47）',
    schema: { type: 'string' },
  },
  After: {
    name: 'after',
    in: 'query',
    description: '前のページの nextAfter',
    schema: officeNumber,
  },
  Limit: {
    name: 'limit',
    in: 'query',
    description: '1ページの件数（1〜200、既定 50）',
    schema: { type: 'integer', minimum: 1, maximum: 200 },
  },
  PrefectureQuery: {
    name: 'prefecture',
    in: 'query',
    description: '都道府県コード',
    schema: { type: 'string', pattern: '^[0-9]{2}$' },
  },
  OfficeNumberQuery: { name: 'officeNumber', in: 'query', description: '事業所番号', schema: officeNumber },
  ServiceTypeQuery: {
    name: 'serviceType',
    in: 'query',
    description: 'サービス種類コード',
    schema: { type: 'string', pattern: '^[0-9A-Z]{2}$' },
  },
};
