// A scripted `fetch` for unit specs: no platform, no network. Each route answers from a handler.
export interface FakeCall {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type FakeAnswer = { status: number; json?: unknown; bytes?: Uint8Array } | 'network-error';

export type FakeRoute = (call: FakeCall) => FakeAnswer;

export function fakeFetch(routes: Record<string, FakeRoute>): { fetch: typeof fetch; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : init?.body;
    const call: FakeCall = {
      method,
      url: url.toString(),
      path: url.pathname,
      headers: (init?.headers ?? {}) as Record<string, string>,
      body,
    };
    calls.push(call);
    const route = routes[`${method} ${url.pathname}`];
    if (!route)
      return new Response(JSON.stringify({ code: 'NOT_ROUTED', message: 'no route' }), { status: 404 });
    const answer = route(call);
    if (answer === 'network-error') throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    if (answer.bytes) return new Response(answer.bytes, { status: answer.status });
    return new Response(answer.json === undefined ? null : JSON.stringify(answer.json), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch: impl as typeof fetch, calls };
}

/** certificate-service routes that hand out `token-<n>` tokens expiring at `expiresAt` */
export function authRoutes(expiresAt: () => string): Record<string, FakeRoute> {
  let issued = 0;
  return {
    'POST /v1/auth/challenges': () => ({
      status: 201,
      json: { challengeId: '7d3c0d7e-8a3b-4b43-9b8e-1d6c2f0a9e11', nonce: 'bm9uY2U', expiresAt: expiresAt() },
    }),
    'POST /v1/auth/tokens': () => {
      issued += 1;
      return { status: 200, json: { token: `token-${issued}`, tokenType: 'Bearer', expiresAt: expiresAt() } };
    },
  };
}
