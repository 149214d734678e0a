// Small builders shared by billing's two OpenAPI documents.
import { BILLING_SCHEMAS, ref } from './billing-schemas.openapi';
import type {
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
  SecuritySchemeObject,
} from '@renkei/platform';

export const BEARER_SCHEME = 'bearerAuth';

export const SECURITY_SCHEMES: Readonly<Record<string, SecuritySchemeObject>> = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      '認証サービス（certificate）が事業所証明書の署名に対して発行するトークン（ES256 の JWT、有効期間 15 分）。 ' +
      'The role claim decides the API: kokuhoren (with its prefecture), operator or office.',
  },
};

export const jsonBody = (schema: string, description: string): ResponseObject => ({
  description,
  content: { 'application/json': { schema: ref(schema) } },
});

export const responseRef = (name: string): ReferenceObject => ({ $ref: `#/components/responses/${name}` });
export const parameterRef = (name: string): ReferenceObject => ({ $ref: `#/components/parameters/${name}` });

const errorResponse = (description: string): ResponseObject => jsonBody('Error', description);

/** the error answers every document shares; each operation refers to those it can give */
export const ERROR_RESPONSES: Readonly<Record<string, ResponseObject>> = {
  BadRequest: errorResponse('リクエストの誤り（code と details に問題の一覧）'),
  Unauthenticated: errorResponse('トークンがない・無効・期限切れ（AUTH_TOKEN_*）'),
  Forbidden: errorResponse(
    'この API を利用できないロールのトークン（AUTH_ROLE_FORBIDDEN）、または都道府県を含まない国保連のトークン（KOKUHOREN_PREFECTURE_MISSING）',
  ),
  NotFound: errorResponse('見つからない、または参照する権限のないもの（*_NOT_FOUND）'),
  Conflict: errorResponse('現在の状態ではできない操作'),
  TooLarge: errorResponse('リクエストの本文が大きすぎる'),
  UnsupportedMediaType: errorResponse('受け付けない Content-Type'),
};

/** the responses of an operation: its own, then the shared errors by status */
export function responses(
  own: Readonly<Record<string, ResponseObject>>,
  errors: readonly (400 | 401 | 403 | 404 | 409 | 413 | 415)[],
): Record<string, ResponseObject | ReferenceObject> {
  const names = {
    400: 'BadRequest',
    401: 'Unauthenticated',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    413: 'TooLarge',
    415: 'UnsupportedMediaType',
  } as const;
  return {
    ...own,
    ...Object.fromEntries(errors.map((status) => [String(status), responseRef(names[status])])),
  };
}

export const pathId = (name: string, description: string): ParameterObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', format: 'uuid' },
});

export const query = (name: string, description: string, schema: SchemaObject): ParameterObject => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const PAGE_PARAMETERS: Readonly<Record<string, ParameterObject>> = {
  After: query('after', '前のページの nextAfter（最初のページでは省略）', { type: 'string', maxLength: 200 }),
  Limit: query('limit', '1 ページの件数（1–1000、既定 100）', { type: 'integer', minimum: 1, maximum: 1000 }),
};

/** the schemas named, and every schema they refer to */
export function schemasFor(names: readonly string[]): Record<string, SchemaObject> {
  const picked: Record<string, SchemaObject> = {};
  const visit = (name: string): void => {
    if (picked[name] !== undefined) return;
    const schema = BILLING_SCHEMAS[name];
    if (schema === undefined) throw new Error(`no schema ${name}`);
    picked[name] = schema;
    for (const refName of refsIn(schema)) visit(refName);
  };
  names.forEach(visit);
  return Object.fromEntries(
    Object.keys(picked)
      .sort()
      .map((name) => [name, picked[name]]),
  );
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value.replace('#/components/schemas/', ''));
      else refsIn(value, found);
    }
  }
  return found;
}

/** the 200 of both deductions.csv routes (国保連 and operator) */
export const DEDUCTIONS_CSV: ResponseObject = {
  description: '差引明細の CSV（text/csv; charset=Shift_JIS）',
  headers: {
    'Content-Disposition': {
      description: 'attachment; filename="deductions-13-202705.csv"',
      schema: { type: 'string' },
    },
  },
  content: { 'text/csv': { schema: ref('DeductionsCsv') } },
};
