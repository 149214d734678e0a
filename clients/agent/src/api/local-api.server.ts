// The local API's HTTP server (node:http, no framework): bound to 127.0.0.1 only. Every request passes, in
// order: the Host check (127.0.0.1:<port> or localhost:<port>: a DNS-rebinding page cannot reach it), the
// Origin check (no browser: CORS is not enabled), the route table, the Bearer token (all but GET /openapi.json,
// constant-time), the body limit and media type; then the handler. Answers are JSON; errors {code, message}.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiError, ApiErrorCode, errorAnswer } from './api.errors';
import { bearerOf, tokenMatches } from './api-token';
import { LOCAL_API_DOCUMENT } from './api.openapi';
import type { LocalApiService, UnitFileInput } from './local-api.service';

export const API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 18080;
/** the largest request body: 64 MiB of JSON (about 48 MiB of files once base64 is decoded) */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** how long a shutdown waits for calls in progress before it drops their connections */
export const SHUTDOWN_GRACE_MS = 30_000;

export type LocalApi = Pick<
  LocalApiService,
  | 'sendUnit'
  | 'queueUnit'
  | 'getQueued'
  | 'listQueued'
  | 'listSent'
  | 'listReceived'
  | 'getUnit'
  | 'fetchReceived'
  | 'status'
>;

/** one log line's fields (English; never a token, a key, a body or a query string) */
export interface ApiLogEntry {
  level: 'info' | 'warn' | 'error';
  event: string;
  message: string;
  [field: string]: unknown;
}

export type ApiLogger = (entry: ApiLogEntry) => void;

interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: () => Promise<unknown>;
}

interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  /** as in the OpenAPI document, e.g. /v1/units/{envelopeId} */
  path: string;
  /** false only for the document itself */
  auth: boolean;
  handle(api: LocalApi, request: RouteRequest): Promise<RouteAnswer>;
}

const ok = (body: unknown): RouteAnswer => ({ status: 200, body });

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/openapi.json', auth: false, handle: async () => ok(LOCAL_API_DOCUMENT) },
  {
    method: 'POST',
    path: '/v1/units',
    auth: true,
    handle: async (api, r) => {
      const raw = r.headers['idempotency-key'];
      const key = Array.isArray(raw) ? raw[0] : raw;
      if (!prefersRespondAsync(r.headers.prefer)) return api.sendUnit(key, parseSendBody(await r.body()));
      // queued: the watcher of this process sends it (`renkei watch --api`)
      const answer = await api.queueUnit(key, parseSendBody(await r.body()));
      return {
        ...answer,
        headers: {
          'preference-applied': 'respond-async',
          location: `/v1/queue/${encodeURIComponent(answer.body.unit)}`,
        },
      };
    },
  },
  { method: 'GET', path: '/v1/queue', auth: true, handle: async (api) => ok(await api.listQueued()) },
  {
    method: 'GET',
    path: '/v1/queue/{unitKey}',
    auth: true,
    handle: async (api, r) => ok(await api.getQueued(r.params.unitKey)),
  },
  {
    method: 'GET',
    path: '/v1/units/{envelopeId}',
    auth: true,
    handle: async (api, r) => ok(await api.getUnit(r.params.envelopeId)),
  },
  { method: 'GET', path: '/v1/sent', auth: true, handle: async (api, r) => ok(await api.listSent(r.query)) },
  {
    method: 'GET',
    path: '/v1/received',
    auth: true,
    handle: async (api, r) => ok(await api.listReceived(r.query)),
  },
  {
    method: 'POST',
    path: '/v1/received/{envelopeId}/fetch',
    auth: true,
    handle: async (api, r) => ok(await api.fetchReceived(r.params.envelopeId)),
  },
  { method: 'GET', path: '/v1/status', auth: true, handle: async (api) => ok(await api.status()) },
];

/** whether a Prefer header (RFC 7240; several are joined by commas) asks for respond-async */
export function prefersRespondAsync(prefer: string | string[] | undefined): boolean {
  const values = Array.isArray(prefer) ? prefer : prefer === undefined ? [] : [prefer];
  return values
    .flatMap((value) => value.split(','))
    .some((preference) => preference.split(';')[0].split('=')[0].trim().toLowerCase() === 'respond-async');
}

/** every `METHOD /path` of the route table, sorted (what the OpenAPI document must describe) */
export function routeOperations(routes: readonly Route[] = ROUTES): string[] {
  return routes.map((r) => `${r.method} ${r.path}`).sort();
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export interface ApiServerOptions {
  api: LocalApi;
  token: string;
  /** 0: any free port (tests); the server's `port` says which */
  port: number;
  log: ApiLogger;
  maxBodyBytes?: number;
  shutdownGraceMs?: number;
}

export interface ApiServer {
  readonly port: number;
  /** stops accepting, lets calls in progress finish (up to the grace), then closes every connection */
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const compiled = ROUTES.map(compile);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let port = options.port;
  let stopping = false;
  let inFlight = 0;
  const server: Server = createServer();
  server.headersTimeout = 30_000;
  server.requestTimeout = 10 * 60_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) {
      res.setHeader('connection', 'close');
      throw new ApiError(503, ApiErrorCode.SHUTTING_DOWN, 'ローカル API は停止中です (shutting down)');
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      throw new ApiError(
        403,
        ApiErrorCode.HOST_FORBIDDEN,
        `Host ヘッダーは 127.0.0.1:${port} か localhost:${port} です (host not allowed)`,
      );
    }
    if (req.headers.origin !== undefined) {
      throw new ApiError(
        403,
        ApiErrorCode.ORIGIN_FORBIDDEN,
        'ブラウザからの呼び出しは受け付けません (requests with an Origin header are refused; CORS is not enabled)',
      );
    }
    const match = matchRoute(compiled, req.method ?? 'GET', url.pathname);
    if (match.route.auth) checkToken(options.token, req.headers.authorization);
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) {
      if (name in query) {
        throw new ApiError(400, ApiErrorCode.QUERY_INVALID, `クエリパラメータが重複しています: ${name}`);
      }
      query[name] = value;
    }
    const answer = await match.route.handle(options.api, {
      params: match.params,
      query,
      headers: req.headers,
      body: () => readJsonBody(req, maxBodyBytes),
    });
    send(res, answer.status, answer.body, answer.headers);
  }

  const respond = (req: IncomingMessage, res: ServerResponse) => (error: unknown) => {
    const { status, body } = errorAnswer(error);
    if (status >= 500 && !(error instanceof ApiError)) {
      options.log({
        level: 'error',
        event: 'failure',
        message: describe(error),
        path: (req.url ?? '/').split('?')[0],
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // the rest of a refused body is not read: the connection is closed after the answer rather than drained
    const bodyLeft =
      !req.readableEnded &&
      (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined);
    if (bodyLeft) res.setHeader('connection', 'close');
    send(res, status, body);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0];
    res.on('close', () => {
      inFlight -= 1;
      options.log({
        level: res.statusCode >= 500 ? 'error' : 'info',
        event: 'request',
        message: `${req.method ?? '-'} ${path} ${res.statusCode}`,
        method: req.method,
        path,
        status: res.statusCode,
        ms: Date.now() - started,
      });
    });
    handle(req, res).catch(respond(req, res));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, API_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    close: async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
      const deadline = Date.now() + grace;
      while (inFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        server.closeIdleConnections();
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

function matchRoute(
  compiled: readonly CompiledRoute[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } {
  let pathMatched = false;
  for (const c of compiled) {
    const m = c.pattern.exec(pathname);
    if (!m) continue;
    pathMatched = true;
    if (c.route.method !== method) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    return { route: c.route, params };
  }
  if (pathMatched) {
    throw new ApiError(
      405,
      ApiErrorCode.METHOD_NOT_ALLOWED,
      `このパスでは ${method} は使えません (method not allowed)`,
    );
  }
  throw new ApiError(404, ApiErrorCode.ROUTE_NOT_FOUND, `そのパスはありません (no such route): ${pathname}`);
}

function checkToken(expected: string, authorization: string | undefined): void {
  const given = bearerOf(authorization);
  if (given === undefined) {
    throw new ApiError(
      401,
      ApiErrorCode.API_TOKEN_REQUIRED,
      'トークンが必要です: Authorization: Bearer <プロファイルの api-token ファイルの内容> (token required)',
    );
  }
  if (!tokenMatches(expected, given)) {
    throw new ApiError(401, ApiErrorCode.API_TOKEN_INVALID, 'トークンが正しくありません (invalid token)');
  }
}

async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(
      415,
      ApiErrorCode.MEDIA_TYPE_UNSUPPORTED,
      `本文は application/json です (unsupported media type: ${type || 'none'})`,
    );
  }
  const tooLarge = () =>
    new ApiError(
      413,
      ApiErrorCode.BODY_TOO_LARGE,
      `本文が大きすぎます (上限 ${Math.floor(maxBytes / 1024 / 1024)} MiB) (body too large)`,
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ApiError(400, ApiErrorCode.BODY_INVALID, '本文が JSON ではありません (body is not JSON)');
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** a file name, not a path: 1–255 characters, no separators, no control characters, not . or .. */
function isFileName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) return false;
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\\')) return false;
  return ![...name].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f');
}

/** `{files: [{name, contentBase64}]}`: every problem at once, as BODY_INVALID with details.problems */
export function parseSendBody(body: unknown): UnitFileInput[] {
  const problems: string[] = [];
  const files = (body as { files?: unknown } | null)?.files;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    problems.push('body must be an object');
  else {
    const extra = Object.keys(body).filter((k) => k !== 'files');
    if (extra.length > 0) problems.push(`unknown fields: ${extra.join(', ')}`);
  }
  const parsed: UnitFileInput[] = [];
  if (!Array.isArray(files) || files.length === 0 || files.length > 100) {
    problems.push('files must be an array of 1 to 100 files');
  } else {
    files.forEach((file: unknown, i) => {
      const { name, contentBase64, ...rest } = (file ?? {}) as Record<string, unknown>;
      if (!isFileName(name)) {
        problems.push(`files[${i}].name must be a file name (no path), 1 to 255 characters`);
      }
      if (typeof contentBase64 !== 'string' || !BASE64.test(contentBase64)) {
        problems.push(`files[${i}].contentBase64 must be base64`);
      }
      if (Object.keys(rest).length > 0)
        problems.push(`files[${i}] has unknown fields: ${Object.keys(rest).join(', ')}`);
      if (typeof name === 'string' && typeof contentBase64 === 'string') {
        parsed.push({ name, content: new Uint8Array(Buffer.from(contentBase64, 'base64')) });
      }
    });
    const names = parsed.map((f) => f.name);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    if (twice.length > 0) problems.push(`the same file name twice: ${[...new Set(twice)].join(', ')}`);
  }
  if (problems.length > 0) {
    throw new ApiError(
      400,
      ApiErrorCode.BODY_INVALID,
      `本文の形式が正しくありません: {files: [{name, contentBase64}]} (invalid body)`,
      { problems },
    );
  }
  return parsed;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
