// registry's API as an OpenAPI 3.1 document, written by hand next to the code it describes and served at
// GET /v1/registry/openapi.json. registry-authorization.integration-spec.ts checks that it is valid, that it
// names exactly the routes the running app registers, and that every answer conforms to it.
import { LicencesErrorCode as L } from '../licences/licences.errors';
import { MAX_UPLOAD_BYTES } from '../office-master/office-master.types';
import { OfficeMasterErrorCode as M } from '../office-master/office-master.errors';
import { OfficesErrorCode as O } from '../offices/offices.errors';
import type {
  OpenApi31Document,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
} from '@renkei/platform';
import { answer, parameters, ref, refusal, responses, schemas } from './registry-openapi.schemas';

const ROLE_FORBIDDEN = 'AUTH_ROLE_FORBIDDEN';
const param = (name: string): ReferenceObject => ({ $ref: `#/components/parameters/${name}` });
const common = (name: string): ReferenceObject => ({ $ref: `#/components/responses/${name}` });

interface Route {
  readonly id: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** the roles the route is for; a token without one of them gets 403 AUTH_ROLE_FORBIDDEN */
  readonly roles?: readonly string[];
  /** codes of 403 refusals the route itself gives */
  readonly forbidden?: readonly string[];
  readonly parameters?: readonly (ParameterObject | ReferenceObject)[];
  readonly requestBody?: RequestBodyObject;
  /** the JSON body goes through the platform's parser (100 KiB): 400 BODY_MALFORMED, 413 BODY_TOO_LARGE */
  readonly jsonBody?: boolean;
  readonly responses: Record<string, ResponseObject>;
}

/** an operation behind a bearer token, with the answers every such route can give */
function authenticated(route: Route): OperationObject {
  const forbidden = [...(route.roles ? [ROLE_FORBIDDEN] : []), ...(route.forbidden ?? [])];
  const own = { ...route.responses };
  if (route.jsonBody) {
    const bad = own['400']?.content?.['application/json']?.schema?.properties?.['code']?.enum ?? [];
    // a body that is not JSON: the platform's JSON parser refuses it (BODY_MALFORMED) before the handler
    own['400'] = refusal(own['400']?.description ?? '本文を読めません', [
      ...bad.map(String),
      'BODY_MALFORMED',
    ]);
    own['413'] = refusal('本文が大きすぎます（100 KiB まで）', ['BODY_TOO_LARGE']);
  }
  const roles = route.roles ? `\n\n利用できるロール: ${route.roles.join('、')}` : '';
  return {
    operationId: route.id,
    summary: route.summary,
    description: `${route.description ?? route.summary}${roles}`,
    tags: [route.tag],
    security: [{ bearer: [] }],
    ...(route.parameters ? { parameters: route.parameters } : {}),
    ...(route.requestBody ? { requestBody: route.requestBody } : {}),
    responses: {
      ...own,
      '401': common('Unauthenticated'),
      ...(forbidden.length > 0
        ? { '403': refusal(own['403']?.description ?? 'このロールでは利用できません', forbidden) }
        : {}),
      '500': common('Internal'),
      '503': common('KeySetUnavailable'),
    },
  };
}

const jsonRequest = (schemaName: string, description: string): RequestBodyObject => ({
  description,
  required: true,
  content: { 'application/json': { schema: ref(schemaName) } },
});

const requestInvalid = refusal('リクエストの項目に誤りがあります（details に項目ごとの問題）', [
  L.REQUEST_INVALID,
]);
const officeNumberInvalid = refusal('事業所番号の形式が誤っています', [L.OFFICE_NUMBER_INVALID]);
const licenceNotFound = refusal('ライセンスがありません（参照できない事業所も同じ応答です）', [
  L.LICENCE_NOT_FOUND,
]);
const transitionInvalid = refusal('この状態からはその変更ができません', [L.LICENCE_TRANSITION_INVALID]);
const licence = (description: string) => answer(description, ref('LicenceView'));

/** operators' transitions of one licence, with a required reason */
function operatorChange(action: string, summary: string): OperationObject {
  return authenticated({
    id: `${action}Licence`,
    summary,
    description: `${summary}。理由は必須で、変更履歴に残ります。`,
    tag: 'licences',
    roles: ['operator'],
    parameters: [param('OfficeNumber')],
    requestBody: jsonRequest('ReasonRequest', '理由'),
    jsonBody: true,
    responses: {
      '200': licence('変更後のライセンス'),
      '400': refusal('事業所番号または理由に誤りがあります', [L.OFFICE_NUMBER_INVALID, L.REQUEST_INVALID]),
      '404': licenceNotFound,
      '409': transitionInvalid,
    },
  });
}

const masterOffice = (history: boolean): OperationObject =>
  authenticated({
    id: history ? 'getOfficeMasterHistory' : 'getOfficeMasterEntry',
    summary: history ? '事業所台帳の事業所の版（古い順）' : '事業所台帳の事業所の現在の内容',
    description:
      '運用者、またはその事業所の都道府県の国保連が参照できます。参照できない事業所は、存在しない事業所と同じ 404 になります（都道府県をまたいだ事業所番号の探索を防ぐため）。',
    tag: 'office-master',
    parameters: [param('OfficeNumber')],
    responses: {
      '200': history
        ? answer('版の一覧', { type: 'array', items: ref('MasterVersionView') })
        : answer('現在の内容', ref('MasterEntryView')),
      '404': refusal('事業所がありません', [M.OFFICE_MASTER_OFFICE_NOT_FOUND]),
    },
  });

const uploadAnswer = ref('UploadView');

export const registryOpenApi: OpenApi31Document = {
  openapi: '3.1.0',
  info: {
    title: 'Renkei registry API（事業所台帳・利用ライセンス・ディレクトリ）',
    version: '1',
    description:
      '国保連による事業所台帳の登録、事業所の証明書の公開、利用申請とライセンス、運用者による停止・再開と都道府県ごとの集計、事業所ディレクトリ。',
  },
  tags: [
    { name: 'offices', description: '事業所の証明書の公開（ディレクトリ）' },
    { name: 'office-master', description: '都道府県ごとの事業所台帳' },
    { name: 'licences', description: '利用ライセンス' },
    { name: 'directory', description: 'ライセンスが有効な事業所の一覧' },
    { name: 'meta', description: 'この文書と死活監視' },
  ],
  security: [{ bearer: [] }],
  paths: {
    '/v1/offices/me': {
      put: authenticated({
        id: 'registerOffice',
        summary: '事業所の証明書を公開する',
        description:
          'トークンの発行に使った事業所証明書をディレクトリに公開します。初回は 201、以降は 200。REGISTRATION_REQUIRES_OFFICE_MASTER のとき、事業所台帳で有効でない事業所は 403 OFFICE_NOT_IN_MASTER です。',
        tag: 'offices',
        forbidden: [O.OFFICE_CERTIFICATE_NOT_AUTHENTICATED, O.OFFICE_NOT_IN_MASTER],
        requestBody: jsonRequest('RegisterOfficeRequest', '事業所証明書'),
        jsonBody: true,
        responses: {
          '200': answer('公開済みの内容を更新しました', ref('RegisteredOffice')),
          '201': answer('初めて公開しました', ref('RegisteredOffice')),
          '400': refusal('証明書を読めません', [O.REQUEST_INVALID, O.OFFICE_CERTIFICATE_INVALID]),
          '403': refusal('トークンの証明書と一致しない、または事業所台帳で有効ではありません', []),
        },
      }),
      get: authenticated({
        id: 'getOwnOffice',
        summary: '自事業所の登録内容と証明書の期限',
        tag: 'offices',
        responses: {
          '200': answer('登録内容', ref('OwnOffice')),
          '404': refusal('まだ公開されていません', [O.OFFICE_NOT_FOUND]),
        },
      }),
    },
    '/v1/offices/{officeNumber}': {
      get: authenticated({
        id: 'getOffice',
        summary: '事業所の公開証明書',
        description:
          '暗号化の宛先に使う、事業所が公開した証明書です。認証済みのすべての利用者が参照できます。',
        tag: 'offices',
        parameters: [param('OfficeNumber')],
        responses: {
          '200': answer('公開内容', ref('PublishedOffice')),
          '400': refusal('事業所番号の形式が誤っています', [O.OFFICE_NUMBER_INVALID]),
          '404': refusal('公開されていません', [O.OFFICE_NOT_FOUND]),
        },
      }),
    },
    '/v1/office-master/{prefecture}': {
      put: authenticated({
        id: 'uploadOfficeMaster',
        summary: '都道府県の事業所台帳（全件）を登録する',
        description: `その都道府県の事業所台帳の全件を asOf 時点のものとして登録します。JSON、または MS932 の CSV（asOf はクエリ）で、${MAX_UPLOAD_BYTES} バイト・100,000 事業所まで。記録したときは 201、最新の登録と同じ内容なら 200（何も記録しません）。`,
        tag: 'office-master',
        roles: ['kokuhoren', 'operator'],
        forbidden: [M.OFFICE_MASTER_FORBIDDEN],
        parameters: [
          param('Prefecture'),
          {
            name: 'asOf',
            in: 'query',
            description: 'CSV のときの台帳の基準日（YYYY-MM-DD）',
            schema: { type: 'string' },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('OfficeMasterUpload') },
            'text/csv': {
              schema: {
                type: 'string',
                contentMediaType: 'text/csv',
                description:
                  'MS932 (cp932) の CSV。1行目は列名（英語または日本語、順不同）: 事業所番号、事業所名、事業所名カナ、サービス種類コード、状態、指定開始日、指定終了日、郵便番号、所在地',
              },
            },
          },
        },
        responses: {
          '200': answer('最新の登録と同じ内容です（記録していません）', uploadAnswer),
          '201': answer('登録を記録しました', uploadAnswer),
          '400': {
            description: '都道府県コードの誤り、または台帳の内容の誤り（details にすべての問題）',
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    {
                      allOf: [ref('Error')],
                      properties: {
                        code: { const: M.OFFICE_MASTER_INVALID },
                        details: ref('OfficeMasterProblems'),
                      },
                    },
                    {
                      allOf: [ref('Error')],
                      properties: { code: { const: M.OFFICE_MASTER_PREFECTURE_INVALID } },
                    },
                  ],
                },
              },
            },
          },
          '403': refusal('他の都道府県の国保連は登録できません', []),
          '409': refusal('より新しい台帳が登録済みです', [M.OFFICE_MASTER_STALE]),
          '413': refusal('大きすぎます', [M.OFFICE_MASTER_TOO_LARGE]),
          '415': refusal('JSON または CSV で送ってください', [M.OFFICE_MASTER_MEDIA_TYPE_UNSUPPORTED]),
        },
      }),
    },
    '/v1/office-master/{prefecture}/uploads': {
      get: authenticated({
        id: 'listOfficeMasterUploads',
        summary: '都道府県の事業所台帳の登録記録（新しい順、100件まで）',
        tag: 'office-master',
        roles: ['kokuhoren', 'operator'],
        forbidden: [M.OFFICE_MASTER_FORBIDDEN],
        parameters: [param('Prefecture')],
        responses: {
          '200': answer('登録記録', { type: 'array', items: uploadAnswer, maxItems: 100 }),
          '400': refusal('都道府県コードの誤り', [M.OFFICE_MASTER_PREFECTURE_INVALID]),
          '403': refusal('他の都道府県の国保連は参照できません', []),
        },
      }),
    },
    '/v1/office-master/offices/{officeNumber}': { get: masterOffice(false) },
    '/v1/office-master/offices/{officeNumber}/history': { get: masterOffice(true) },
    '/v1/licences/applications': {
      post: authenticated({
        id: 'applyForLicence',
        summary: '利用申請',
        description:
          '事業所証明書で署名した利用申請（CMS SignedData、64 KiB まで）。承認は即時で、新しいライセンスは 201、同じ申請の再送は 200。',
        tag: 'licences',
        roles: ['office'],
        forbidden: [L.LICENCE_APPLICATION_NOT_AUTHENTICATED, L.LICENCE_SERVICE_TYPE_NOT_COVERED],
        requestBody: {
          required: true,
          content: {
            'application/cms': {
              schema: {
                type: 'string',
                contentMediaType: 'application/cms',
                description:
                  '正規化した JSON {"appliedAt","autoRenew","officeNumber","serviceTypes","type":"licence-application"} への CMS SignedData (DER)',
              },
            },
          },
        },
        responses: {
          '200': licence('同じ申請の再送です（変更なし）'),
          '201': licence('承認され、ライセンスが有効になりました'),
          '400': refusal('署名を検証できない、または申請の項目に誤りがあります', [
            L.LICENCE_APPLICATION_INVALID,
            L.LICENCE_APPLICATION_SIGNATURE_INVALID,
          ]),
          '403': refusal('署名者がトークンの事業所でない、または証明書にないサービス種類です', []),
          '409': refusal('ディレクトリ未登録、有効中、停止中などで申請できません', [
            L.LICENCE_OFFICE_NOT_REGISTERED,
            L.LICENCE_ALREADY_ACTIVE,
            L.LICENCE_SUSPENDED,
            L.LICENCE_TRANSITION_INVALID,
          ]),
          '413': refusal('64 KiB を超えています', [L.LICENCE_APPLICATION_TOO_LARGE]),
          '415': refusal('application/cms で送ってください', [L.LICENCE_APPLICATION_MEDIA_TYPE]),
        },
      }),
    },
    '/v1/licences/me': {
      get: authenticated({
        id: 'getOwnLicence',
        summary: '自事業所のライセンス',
        tag: 'licences',
        roles: ['office'],
        responses: { '200': licence('ライセンス'), '404': licenceNotFound },
      }),
    },
    '/v1/licences/me/changes': {
      get: authenticated({
        id: 'listOwnLicenceChanges',
        summary: '自事業所のライセンスの変更履歴（古い順）',
        tag: 'licences',
        roles: ['office'],
        responses: {
          '200': answer('変更履歴', { type: 'array', items: ref('LicenceChangeView') }),
          '404': licenceNotFound,
        },
      }),
    },
    '/v1/licences/me/renewal': {
      post: authenticated({
        id: 'renewOwnLicence',
        summary: '自動更新の設定、または期限切れライセンスの更新',
        tag: 'licences',
        roles: ['office'],
        requestBody: jsonRequest('RenewalRequest', '自動更新の有無'),
        jsonBody: true,
        responses: {
          '200': licence('変更後のライセンス'),
          '400': requestInvalid,
          '404': licenceNotFound,
          '409': transitionInvalid,
        },
      }),
    },
    '/v1/licences/me/cancel': {
      post: authenticated({
        id: 'cancelOwnLicence',
        summary: '自事業所のライセンスの解約',
        tag: 'licences',
        roles: ['office'],
        requestBody: jsonRequest('ReasonRequest', '解約の理由'),
        jsonBody: true,
        responses: {
          '200': licence('解約後のライセンス'),
          '400': requestInvalid,
          '404': licenceNotFound,
          '409': transitionInvalid,
        },
      }),
    },
    '/v1/licences': {
      get: authenticated({
        id: 'listLicences',
        summary: 'ライセンスの一覧（事業所番号順のページ）',
        description: '運用者はすべての都道府県、国保連は自県のライセンスのみ（他県を指定すると空の一覧）。',
        tag: 'licences',
        roles: ['operator', 'kokuhoren'],
        parameters: [
          {
            name: 'state',
            in: 'query',
            description: '状態',
            schema: { type: 'string', enum: schemas['LicenceView'].properties?.['state']?.enum },
          },
          param('PrefectureQuery'),
          param('OfficeNumberQuery'),
          param('ServiceTypeQuery'),
          param('After'),
          param('Limit'),
        ],
        responses: { '200': answer('ライセンスのページ', ref('LicencePage')), '400': requestInvalid },
      }),
    },
    '/v1/licences/summary': {
      get: authenticated({
        id: 'summarizeLicences',
        summary: '都道府県ごとの集計',
        description:
          '都道府県ごとのライセンス数（状態別）、自動更新の有効ライセンス数、期間が30日以内に終わる有効ライセンス数、事業所台帳の有効・無効の事業所数と最後の台帳登録時刻。運用者は47都道府県すべて（0件の県を含む）、国保連は自県の1行のみ。',
        tag: 'licences',
        roles: ['operator', 'kokuhoren'],
        responses: { '200': answer('集計', ref('LicenceSummary')) },
      }),
    },
    '/v1/licences/{officeNumber}': {
      get: authenticated({
        id: 'getLicence',
        summary: '事業所のライセンス',
        description: '国保連は自県の事業所のみ。他県の事業所は存在しない事業所と同じ 404 です。',
        tag: 'licences',
        roles: ['operator', 'kokuhoren'],
        parameters: [param('OfficeNumber')],
        responses: { '200': licence('ライセンス'), '400': officeNumberInvalid, '404': licenceNotFound },
      }),
    },
    '/v1/licences/{officeNumber}/changes': {
      get: authenticated({
        id: 'listLicenceChanges',
        summary: '事業所のライセンスの変更履歴（古い順）',
        description: '国保連は自県の事業所のみ。他県の事業所は存在しない事業所と同じ 404 です。',
        tag: 'licences',
        roles: ['operator', 'kokuhoren'],
        parameters: [param('OfficeNumber')],
        responses: {
          '200': answer('変更履歴', { type: 'array', items: ref('LicenceChangeView') }),
          '400': officeNumberInvalid,
          '404': licenceNotFound,
        },
      }),
    },
    '/v1/licences/{officeNumber}/suspend': { post: operatorChange('suspend', 'ライセンスを停止する') },
    '/v1/licences/{officeNumber}/reinstate': {
      post: operatorChange('reinstate', 'ライセンスの停止を解除する'),
    },
    '/v1/licences/{officeNumber}/cancel': { post: operatorChange('cancel', 'ライセンスを解約する') },
    '/v1/directory': {
      get: authenticated({
        id: 'searchDirectory',
        summary: 'ライセンスが有効な事業所の検索',
        description:
          '認証済みのすべての利用者が参照できる、ライセンスが有効な事業所の一覧です。name は事業所名またはカナの部分一致（大文字小文字を区別しません）。',
        tag: 'directory',
        parameters: [
          param('OfficeNumberQuery'),
          {
            name: 'name',
            in: 'query',
            description: '事業所名・カナの一部（1〜100文字）',
            schema: { type: 'string', maxLength: 100 },
          },
          param('PrefectureQuery'),
          param('ServiceTypeQuery'),
          param('After'),
          param('Limit'),
        ],
        responses: { '200': answer('事業所のページ', ref('DirectoryPage')), '400': requestInvalid },
      }),
    },
    '/v1/registry/openapi.json': {
      get: {
        operationId: 'getRegistryOpenApi',
        summary: 'この API の OpenAPI 3.1 文書',
        tags: ['meta'],
        security: [],
        responses: {
          '200': answer('OpenAPI 3.1 文書', { type: 'object', required: ['openapi', 'paths'] }),
          '500': common('Internal'),
        },
      },
    },
    '/health/live': {
      get: {
        operationId: 'live',
        summary: 'プロセスの死活',
        tags: ['meta'],
        security: [],
        responses: { '200': answer('動作中', ref('Liveness')), '500': common('Internal') },
      },
    },
    '/health/ready': {
      get: {
        operationId: 'ready',
        summary: '依存先（データベース、イベントバス等）を含めた準備状態',
        tags: ['meta'],
        security: [],
        responses: {
          '200': answer('準備完了', ref('Readiness')),
          '503': answer('準備中（失敗した確認を含む）', ref('Readiness')),
          '500': common('Internal'),
        },
      },
    },
  },
  components: {
    schemas,
    responses,
    parameters,
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: '証明書サービスが発行するトークン（ES256）。ロール: office / kokuhoren / operator',
      },
    },
  },
};
