// Where token verifiers get the published keys: over HTTP from the certificate service (cluster), or directly
// from the certificate module hosted in the same process (standalone, and certificate itself).
import { AuthError, AuthErrorCode } from './auth.errors';
import type { JsonWebKeySet } from './jws.util';

export const KEY_SET_SOURCES = ['http', 'inprocess'] as const;
export type KeySetSourceKind = (typeof KEY_SET_SOURCES)[number];

/** Port: the current published key set. Throws AuthError AUTH_KEY_SET_UNAVAILABLE when it cannot answer. */
export abstract class KeySetSource {
  abstract fetch(): Promise<JsonWebKeySet>;
}

export const JWKS_PATH = '/.well-known/jwks.json';

/** Reads `<CERTIFICATE_URL>/.well-known/jwks.json`. */
export class HttpKeySetSource extends KeySetSource {
  private readonly url: string;

  constructor(
    certificateUrl: string,
    private readonly timeoutMs = 5000,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    super();
    // appended, so a path prefix (an ingress route) is kept
    this.url = `${certificateUrl.replace(/\/+$/, '')}${JWKS_PATH}`;
  }

  async fetch(): Promise<JsonWebKeySet> {
    let body: unknown;
    try {
      const response = await this.fetchFn(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (cause) {
      throw new AuthError(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE, `key set ${this.url} is unavailable`, {
        cause,
      });
    }
    return asKeySet(body, this.url);
  }
}

/**
 * The in-process key set: the certificate module attaches its key provider at start; every verifier in the
 * process reads through it. Provided once per process by PlatformModule.
 */
export class InProcessKeySet extends KeySetSource {
  private provider: (() => Promise<JsonWebKeySet>) | undefined;

  attach(provider: () => Promise<JsonWebKeySet>): void {
    this.provider = provider;
  }

  get attached(): boolean {
    return this.provider !== undefined;
  }

  async fetch(): Promise<JsonWebKeySet> {
    if (!this.provider) {
      throw new AuthError(
        AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE,
        'AUTH_KEY_SET=inprocess but this process hosts no certificate module',
      );
    }
    return asKeySet(await this.provider(), 'in-process key set');
  }
}

function asKeySet(body: unknown, from: string): JsonWebKeySet {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    throw new AuthError(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE, `${from} is not a JWK set`);
  }
  return { keys: keys as JsonWebKeySet['keys'] };
}
