// Checks of the OpenAPI 3.1 documents the services serve: the document against the OpenAPI 3.1 schema (the one
// @seriousme/openapi-schema-validator ships; that package is ESM-only, so its schema is read here with the
// CommonJS ajv 2020 build), every schema object compiled as JSON Schema 2020-12, and answers checked against
// the operation's documented responses.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

// no "exports" map in that package, so the schema file resolves directly
const OPENAPI_31_SCHEMA_PATH =
  require.resolve('@seriousme/openapi-schema-validator/schemas/v3.1/schema.json');

/** an OpenAPI document as JSON */
export type OpenApiDocument = {
  readonly openapi: string;
  readonly paths?: Record<string, Record<string, unknown>>;
  readonly components?: { readonly schemas?: Record<string, unknown> };
} & Record<string, unknown>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

function newAjv(): Ajv2020 {
  // strict off: OpenAPI schema objects may carry keywords such as `example` and `x-*` that ajv does not know
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

/**
 * The problems of `document` as an OpenAPI 3.1 document: the 3.1 schema's errors, every `$ref` that points
 * nowhere, and every schema of `components.schemas` that does not compile. Empty when valid.
 */
export function openApiProblems(document: OpenApiDocument): string[] {
  const ajv = newAjv();
  const schema = JSON.parse(readFileSync(OPENAPI_31_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // the media-range format is used by 3.1 for content keys
  ajv.addFormat('media-range', true);
  const validate = ajv.compile(schema);
  const problems: string[] = [];
  if (!validate(document)) {
    for (const error of validate.errors ?? [])
      problems.push(`${error.instancePath || '/'} ${error.message ?? ''}`);
  }
  for (const ref of refsOf(document)) {
    if (!ref.startsWith('#/')) continue;
    if (resolvePointer(document, ref) === undefined) problems.push(`$ref ${ref} points nowhere`);
  }
  const componentAjv = schemaAjv(document);
  for (const name of Object.keys(document.components?.schemas ?? {})) {
    try {
      componentAjv.compile({ $ref: `openapi#/components/schemas/${name}` });
    } catch (error) {
      problems.push(`components.schemas.${name} does not compile: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** every `METHOD /path` the document describes, e.g. `GET /v1/kokuho/cycles/{cycleId}` */
export function documentedOperations(document: OpenApiDocument): string[] {
  const operations: string[] = [];
  for (const [route, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      if (item[method] !== undefined) operations.push(`${method.toUpperCase()} ${route}`);
    }
  }
  return operations.sort();
}

/** Express-style route (`/v1/x/:id`) as an OpenAPI path (`/v1/x/{id}`). */
export function openApiPathOf(expressRoute: string): string {
  return expressRoute.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Checks answers against the document: `check('GET', '/v1/x/{id}', 200, 'application/json', body)` returns
 * the problems (an undocumented operation or status, a body that breaks the response schema); empty when it
 * conforms.
 */
export class OpenApiResponseChecker {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = schemaAjv(document);
  }

  check(method: string, route: string, status: number, mediaType: string, body: unknown): string[] {
    const operation = this.document.paths?.[route]?.[method.toLowerCase()] as
      | { responses?: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }> }
      | undefined;
    if (!operation) return [`${method} ${route} is not documented`];
    const responses = operation.responses ?? {};
    let response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!response) return [`${method} ${route} does not document status ${status}`];
    if (response.$ref) response = resolvePointer(this.document, response.$ref) as typeof response;
    const media = mediaType.split(';')[0].trim();
    const content = response.content?.[media];
    if (!content) {
      return body === undefined || body === ''
        ? []
        : [`${method} ${route} ${status} does not document a ${media} body`];
    }
    if (content.schema === undefined) return [];
    const key = `${method} ${route} ${status} ${media}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebased(content.schema) as object);
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${key}: ${error.instancePath || '/'} ${error.message ?? ''}`,
    );
  }
}

/** an ajv holding the whole document under the id `openapi`, so `#/components/...` refs resolve */
function schemaAjv(document: OpenApiDocument): Ajv2020 {
  const ajv = newAjv();
  ajv.addSchema({ $id: 'openapi', components: document.components ?? {} }, undefined, undefined, false);
  return ajv;
}

/** a response schema whose local refs point into the document added as `openapi` */
function rebased(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebased);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `openapi${value}`
        : rebased(value);
  }
  return copy;
}

function refsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => refsOf(item, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsOf(value, found);
    }
  }
  return found;
}

function resolvePointer(document: unknown, ref: string): unknown {
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** the express instance under a Nest app, as far as its route table goes */
interface ExpressRouteTable {
  readonly router: {
    readonly stack: readonly { route?: { path: string; methods: Record<string, boolean> } }[];
  };
}

/**
 * Every `METHOD /path` a running Nest app (express platform) registered, as OpenAPI paths, sorted: what a
 * served document must describe, read from the app rather than from a hand-kept list.
 */
export function registeredOperations(app: { getHttpAdapter(): { getInstance(): unknown } }): string[] {
  const express = app.getHttpAdapter().getInstance() as ExpressRouteTable;
  const operations: string[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) {
      if (method !== '_all') operations.push(`${method.toUpperCase()} ${openApiPathOf(layer.route.path)}`);
    }
  }
  return operations.sort();
}
