// The OpenAPI 3.1 document of the local API, served at GET /openapi.json. Its operations must be exactly the
// server's route table (local-api.server.spec.ts compares them).
import type { OpenApi31Document, ParameterObject, SchemaObject } from '@renkei/platform';

const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: SchemaObject) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('Error')) });

const party: SchemaObject = {
  type: 'object',
  required: ['officeNumber', 'serviceType'],
  properties: {
    officeNumber: { type: 'string', pattern: '^[0-9A-Z]{10}$', description: '事業所番号' },
    serviceType: { type: 'string', pattern: '^[0-9A-Z]{2}$', description: 'サービス種類コード' },
  },
};

const problem: SchemaObject = {
  type: 'object',
  required: ['file', 'row', 'column', 'columnName', 'code', 'severity', 'message'],
  properties: {
    file: { type: ['string', 'null'] },
    row: { type: ['integer', 'null'] },
    column: { type: ['integer', 'null'] },
    columnName: { type: ['string', 'null'] },
    code: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning'] },
    message: { type: 'string' },
  },
};

const envelopeId = {
  name: 'envelopeId',
  in: 'path' as const,
  required: true,
  description: '封筒ID (UUID)',
  schema: { type: 'string', format: 'uuid' },
};

/** the headers of a queued send's answer */
const queuedHeaders = {
  'Preference-Applied': {
    description: '`respond-async` when the unit was queued',
    schema: { type: 'string' as const },
  },
  Location: {
    description: '/v1/queue/{unitKey} when the unit was queued',
    schema: { type: 'string' as const },
  },
};

/** the answers every authenticated operation may give */
/** a keyset page: its size and the cursor of the previous page's `next` */
const PAGE_PARAMETERS: ParameterObject[] = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
  { name: 'after', in: 'query', description: '前のページの next', schema: { type: 'string' } },
];

const common = {
  '400': error('リクエストの誤り (QUERY_INVALID, USAGE, or the platform’s REQUEST_INVALID)'),
  '401': error('トークンがない・誤り (API_TOKEN_REQUIRED, API_TOKEN_INVALID)'),
  '403': error(
    'Host・Origin が許されない (HOST_FORBIDDEN, ORIGIN_FORBIDDEN)、またはプラットフォームの拒否 (LICENCE_NOT_LIVE …)',
  ),
  '502': error('プラットフォームに接続できない・異常な応答 (PLATFORM_UNREACHABLE, RECEIPT_UNVERIFIED …)'),
  '503': error('停止中 (SHUTTING_DOWN)'),
};

export const LOCAL_API_DOCUMENT: OpenApi31Document = {
  openapi: '3.1.0',
  info: {
    title: 'renkei local API',
    version: '1',
    description:
      'ケアプランデータ連携エージェントのローカル API (127.0.0.1 のみ)。フォルダ連携の代わりに介護ソフトから呼び出す。' +
      'トークンはプロファイルのディレクトリのファイル `api-token` (0600) にあり、`Authorization: Bearer …` で送る。' +
      'ブラウザからの呼び出し (Origin ヘッダー付き) と、Host が 127.0.0.1:<port> / localhost:<port> でない呼び出しは拒否する。' +
      'エラーは {code, message}: code は安定した英字の識別子、message は日本語の説明。',
  },
  servers: [{ url: 'http://127.0.0.1:18080', description: 'the default port (`renkei api --port N`)' }],
  tags: [
    { name: 'units', description: '送信' },
    { name: 'received', description: '受信' },
    { name: 'agent', description: 'エージェントと事業所の状態' },
  ],
  security: [{ localToken: [] }],
  paths: {
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'この文書 (トークン不要)',
        tags: ['agent'],
        security: [],
        responses: {
          '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) },
          '403': error('Host・Origin が許されない'),
        },
      },
    },
    '/v1/units': {
      post: {
        operationId: 'sendUnit',
        summary: '送信単位を1つ送る',
        description:
          '`renkei send` と同じ検査 (ファイル名・MS932・各行・送信単位) のあと、封かんして送信し、プラットフォームの受付証明を検証する。' +
          'Idempotency-Key は必須: 送信ごとに新しい値、応答が届かなかったときの再試行では同じ値を使う。' +
          '同じキーの再試行は同じ封筒を送り直すだけで、二重に送信されることはない (完了済みなら 200 で同じ応答)。' +
          '`Prefer: respond-async` (RFC 7240) を付けると、同じ検査のあと `renkei watch --api` の送信キューに入れて 202 を返す' +
          ' (Preference-Applied: respond-async、Location: /v1/queue/{unitKey})。プラットフォームに接続できないときも、' +
          'watch が接続でき次第1回だけ送る。同じキーの再呼び出しは同じ送信単位の現在の状態 (200)。' +
          '`renkei api` (watch なし) では 409 QUEUE_NOT_AVAILABLE。',
        tags: ['units'],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            description: '空白を含まない ASCII 1〜200 文字 (例: UUID)',
            schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
          },
          {
            name: 'Prefer',
            in: 'header',
            required: false,
            description: '`respond-async`: 送信キューに入れて 202 (`renkei watch --api` のみ)',
            schema: { type: 'string' },
          },
        ],
        requestBody: { required: true, content: json(ref('SendUnitRequest')) },
        responses: {
          '202': {
            description:
              '送信した (この呼び出しで: UnitSent)、または送信キューに入れた (respond-async: UnitQueued)',
            headers: queuedHeaders,
            content: json({ oneOf: [ref('UnitSent'), ref('UnitQueued')] }),
          },
          '200': {
            description:
              '同じキーの呼び出しで送信済み: その応答 (UnitSent)、またはキューに入れた送信単位の現在の状態 (UnitQueued)',
            headers: queuedHeaders,
            content: json({ oneOf: [ref('UnitSent'), ref('UnitQueued')] }),
          },
          '409': error(
            '同じキーが別の内容に使われた (IDEMPOTENCY_KEY_REUSED)、送信キューがない (QUEUE_NOT_AVAILABLE)、' +
              '同じ送信単位が送信済み・送信待ち (UNIT_ALREADY_SENT, UNIT_ALREADY_QUEUED)、より新しい連番を送信済み (WATCH_SEQUENCE_BEHIND)',
          ),
          '413': error('本文が大きすぎる (BODY_TOO_LARGE)'),
          '415': error('Content-Type が application/json でない (MEDIA_TYPE_UNSUPPORTED)'),
          '422': error(
            '検査で誤りがあった (SEND_VALIDATION_FAILED: details.problems)、送信単位が1つでない (ONE_UNIT_REQUIRED)、宛先が不明など',
          ),
          ...common,
        },
      },
    },
    '/v1/units/{envelopeId}': {
      get: {
        operationId: 'getUnit',
        summary: '封筒の状態と経過 (送信・受信どちらも)',
        tags: ['units'],
        parameters: [envelopeId],
        responses: {
          '200': { description: '状態と timeline', content: json(ref('EnvelopeItem')) },
          '404': error('見つからない (ENVELOPE_NOT_FOUND)'),
          ...common,
        },
      },
    },
    '/v1/sent': {
      get: {
        operationId: 'listSent',
        summary: '送信した封筒 (キーセット方式のページ)',
        tags: ['units'],
        parameters: PAGE_PARAMETERS,
        responses: { '200': { description: '1ページ', content: json(ref('Page')) }, ...common },
      },
    },
    '/v1/received': {
      get: {
        operationId: 'listReceived',
        summary: '受信箱 (キーセット方式のページ)',
        tags: ['received'],
        parameters: [
          {
            name: 'status',
            in: 'query',
            description: '既定 all',
            schema: { type: 'string', enum: ['available', 'downloaded', 'all'] },
          },
          ...PAGE_PARAMETERS,
        ],
        responses: { '200': { description: '1ページ', content: json(ref('Page')) }, ...common },
      },
    },
    '/v1/received/{envelopeId}/fetch': {
      post: {
        operationId: 'fetchReceived',
        summary: '受信した封筒を開封・検証してファイルを返し、受領証明を送る',
        description:
          '`renkei fetch` と同じ: 事業所の鍵で開封し、署名者がトラストアンカーに連なりマニフェストの送信元であることを確かめ、' +
          '受領証明 (accepted) を送る。開封・検証に失敗したときは受領拒否 (rejected) を送り、422 を返す。本文は不要。',
        tags: ['received'],
        parameters: [envelopeId],
        responses: {
          '200': { description: 'ファイル (base64) と受領証明', content: json(ref('FetchedUnit')) },
          '404': error('見つからない、またはこの事業所宛てでない (ENVELOPE_NOT_FOUND, NOT_RECEIVED)'),
          '422': error('開封・検証できない (ENVELOPE_REJECTED, SIGNER_MISMATCH …)'),
          ...common,
        },
      },
    },
    '/v1/queue': {
      get: {
        operationId: 'listQueued',
        summary: '送信キュー (renkei watch --api) の送信待ちの送信単位 (保管済み・拒否を除く)',
        tags: ['units'],
        responses: {
          '200': {
            description: '送信待ちの送信単位 (ファイル連番の昇順)',
            content: json({
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref('QueuedUnit') } },
            }),
          },
          '409': error('送信キューがない: renkei watch --api で起動する (QUEUE_NOT_AVAILABLE)'),
          ...common,
        },
      },
    },
    '/v1/queue/{unitKey}': {
      get: {
        operationId: 'getQueued',
        summary: '送信キューの送信単位1つの状態 (staged → sealed → sent → archived、または refused)',
        tags: ['units'],
        parameters: [
          {
            name: 'unitKey',
            in: 'path',
            required: true,
            description: '送信単位のキー <ファイル連番>_<送信元>_<宛先> (202 の Location)',
            schema: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,120}$' },
          },
        ],
        responses: {
          '200': { description: '状態', content: json(ref('QueuedUnit')) },
          '404': error('送信キューにない (QUEUED_UNIT_NOT_FOUND)'),
          '409': error('送信キューがない: renkei watch --api で起動する (QUEUE_NOT_AVAILABLE)'),
          ...common,
        },
      },
    },
    '/v1/status': {
      get: {
        operationId: 'getStatus',
        summary: 'プロファイル・証明書の有効期限・ライセンス・プラットフォームへの到達性',
        tags: ['agent'],
        responses: { '200': { description: '状態', content: json(ref('Status')) }, ...common },
      },
    },
  },
  components: {
    securitySchemes: {
      localToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'プロファイルのディレクトリの api-token ファイルの内容 (256 ビット、base64url)',
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', description: '安定した識別子 (例: API_TOKEN_INVALID)' },
          message: { type: 'string', description: '日本語の説明' },
          details: { description: '機械向けの詳細 (検査の problems など)' },
        },
      },
      Party: party,
      Problem: problem,
      SendUnitRequest: {
        type: 'object',
        required: ['files'],
        additionalProperties: false,
        properties: {
          files: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: {
              type: 'object',
              required: ['name', 'contentBase64'],
              additionalProperties: false,
              properties: {
                name: { type: 'string', minLength: 1, maxLength: 255, description: 'ファイル名 (パスなし)' },
                contentBase64: { type: 'string', contentEncoding: 'base64', description: 'ファイルの内容' },
              },
            },
          },
        },
      },
      UnitQueued: {
        type: 'object',
        required: ['unit', 'state', 'fileSequence', 'recipient'],
        properties: {
          unit: { type: 'string', description: '送信単位のキー (GET /v1/queue/{unitKey})' },
          state: { type: 'string', enum: ['staged', 'sealed', 'sent', 'archived', 'refused'] },
          fileSequence: { type: 'string', pattern: '^[0-9]{14}$' },
          recipient: ref('Party'),
          envelopeId: { type: 'string', format: 'uuid', description: '封かん後' },
        },
      },
      QueuedUnit: {
        allOf: [ref('UnitQueued')],
        type: 'object',
        required: ['kind', 'targetMonth', 'files', 'stagedAt', 'attempts'],
        properties: {
          kind: { type: 'string' },
          targetMonth: { type: 'string', pattern: '^[0-9]{6}$' },
          files: { type: 'array', items: { type: 'string' } },
          stagedAt: { type: 'string', format: 'date-time' },
          sealedAt: { type: 'string', format: 'date-time' },
          sentAt: { type: 'string', format: 'date-time' },
          archivedAt: { type: 'string', format: 'date-time' },
          refusedAt: { type: 'string', format: 'date-time' },
          refusal: ref('QueueProblem'),
          attempts: { type: 'integer', minimum: 0, description: '今のステップの失敗回数' },
          nextAttemptAt: { type: 'string', format: 'date-time', description: '次の再試行' },
          lastError: ref('QueueProblem'),
        },
      },
      QueueProblem: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
      UnitSent: {
        type: 'object',
        required: [
          'envelopeId',
          'status',
          'acceptedAt',
          'kind',
          'targetMonth',
          'fileSequence',
          'recipient',
          'files',
          'acceptanceReceipt',
          'warnings',
        ],
        properties: {
          envelopeId: { type: 'string', format: 'uuid' },
          status: { type: 'string' },
          acceptedAt: { type: 'string', format: 'date-time' },
          kind: { type: 'string' },
          targetMonth: { type: 'string', pattern: '^[0-9]{6}$' },
          fileSequence: { type: 'string', pattern: '^[0-9]{14}$' },
          recipient: ref('Party'),
          files: { type: 'array', items: { type: 'string' } },
          acceptanceReceipt: {
            type: 'object',
            required: ['sha256', 'verified'],
            properties: {
              sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
              verified: { const: true, description: 'トラストアンカーで検証済み' },
            },
          },
          warnings: { type: 'array', items: ref('Problem') },
        },
      },
      EnvelopeItem: {
        type: 'object',
        required: [
          'envelopeId',
          'sender',
          'recipient',
          'kind',
          'targetMonth',
          'fileSequence',
          'files',
          'status',
        ],
        properties: {
          envelopeId: { type: 'string', format: 'uuid' },
          sender: ref('Party'),
          recipient: ref('Party'),
          kind: { type: 'string' },
          targetMonth: { type: 'string' },
          fileSequence: { type: 'string' },
          files: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'size', 'sha256'],
              properties: {
                name: { type: 'string' },
                mediaType: { type: 'string' },
                size: { type: 'integer' },
                sha256: { type: 'string' },
              },
            },
          },
          objectSize: { type: 'integer' },
          status: { type: 'string' },
          acceptedAt: { type: ['string', 'null'] },
          availableAt: { type: ['string', 'null'] },
          downloadedAt: { type: ['string', 'null'] },
          timeline: {
            type: 'array',
            items: {
              type: 'object',
              required: ['step', 'at'],
              properties: {
                step: {
                  type: 'string',
                  enum: ['accepted', 'available', 'downloaded', 'receipted', 'rejected'],
                },
                at: { type: 'string' },
                by: { type: 'string' },
                proof: { type: 'object' },
              },
            },
          },
        },
      },
      Page: {
        type: 'object',
        required: ['items', 'next'],
        properties: {
          items: { type: 'array', items: ref('EnvelopeItem') },
          next: { type: ['string', 'null'], description: '次のページの after (最後のページでは null)' },
        },
      },
      FetchedUnit: {
        type: 'object',
        required: ['envelopeId', 'sender', 'kind', 'targetMonth', 'fileSequence', 'files', 'receipt'],
        properties: {
          envelopeId: { type: 'string', format: 'uuid' },
          sender: ref('Party'),
          kind: { type: 'string' },
          targetMonth: { type: 'string' },
          fileSequence: { type: 'string' },
          files: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'mediaType', 'size', 'sha256', 'contentBase64'],
              properties: {
                name: { type: 'string' },
                mediaType: { type: 'string' },
                size: { type: 'integer' },
                sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                contentBase64: { type: 'string', contentEncoding: 'base64' },
              },
            },
          },
          receipt: {
            type: 'object',
            required: ['state'],
            description:
              '受領証明: この呼び出しで送った (recorded) か、以前の取得で送り済み (already-recorded)',
            properties: {
              state: { type: 'string', enum: ['recorded', 'already-recorded'] },
              verdict: { type: 'string', enum: ['accepted', 'rejected'] },
              receiptSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            },
          },
        },
      },
      Status: {
        type: 'object',
        required: ['profile', 'officeNumber', 'serviceTypes', 'platformUrl', 'certificate', 'platform'],
        properties: {
          profile: { type: 'string' },
          officeNumber: { type: 'string' },
          serviceTypes: { type: 'array', items: { type: 'string' } },
          platformUrl: { type: 'string' },
          certificate: {
            type: 'object',
            required: ['notAfter', 'daysLeft', 'expiry', 'sha256'],
            properties: {
              notAfter: { type: 'string' },
              daysLeft: { type: 'integer' },
              expiry: { type: 'string', enum: ['ok', 'expiring', 'expired'] },
              message: { type: ['string', 'null'] },
              sha256: { type: 'string' },
            },
          },
          platform: {
            type: 'object',
            required: ['reachable', 'problems'],
            properties: {
              reachable: { type: 'boolean' },
              office: { type: ['object', 'null'], description: 'GET /v1/offices/me (registry)' },
              licence: { type: ['object', 'null'], description: 'GET /v1/licences/me (registry)' },
              problems: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['code', 'message'],
                  properties: { code: { type: 'string' }, message: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
  },
};
