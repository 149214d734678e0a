import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { AuthError, AuthErrorCode } from './auth.errors';
import { base64url, JsonWebKeySet, publicJwkOf, signEs256 } from './jws.util';
import { HttpKeySetSource, KeySetSource } from './key-set-source';
import { TokenClaims } from './token-claims';
import { TokenVerifier } from './token-verifier';

const NOW = Date.UTC(2026, 10, 24, 6, 0, 0);
const nowSeconds = NOW / 1000;

class FixedKeySet extends KeySetSource {
  fetches = 0;
  constructor(public set: JsonWebKeySet) {
    super();
  }
  async fetch(): Promise<JsonWebKeySet> {
    this.fetches += 1;
    return this.set;
  }
}

function newKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

function claims(overrides: Partial<Record<keyof TokenClaims, unknown>> = {}): Record<string, unknown> {
  return {
    sub: '1310000001',
    serviceTypes: ['43'],
    roles: ['office'],
    iss: 'renkei-certificate',
    aud: 'renkei',
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + 900,
    jti: 'a2b6d1f0-2d7e-4f57-9a8e-0f6c4f1d2e3a',
    cnf: { 'x5t#S256': Buffer.alloc(32, 7).toString('base64url') },
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<AuthErrorCode | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
  return undefined;
}

function setup(options: { now?: number } = {}) {
  const key = newKey();
  const source = new FixedKeySet({ keys: [publicJwkOf(key, 'k1')] });
  let now = options.now ?? NOW;
  const sut = new TokenVerifier(source, { now: () => now, minRefreshIntervalMs: 30000 });
  return { sut, key, source, advance: (ms: number) => (now += ms) };
}

describe(TokenVerifier.name, () => {
  it('accepts a valid ES256 token and returns its claims', async () => {
    const { sut, key } = setup();

    const result = await sut.verify(signEs256(claims(), key, 'k1'));

    expect(result).toMatchObject({
      sub: '1310000001',
      serviceTypes: ['43'],
      roles: ['office'],
      exp: nowSeconds + 900,
    });
  });

  it('refuses an expired token, tolerating at most 60 s of skew', async () => {
    const { sut, key } = setup();

    expect(await codeOf(sut.verify(signEs256(claims({ exp: nowSeconds - 61 }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_EXPIRED,
    );
    expect(await codeOf(sut.verify(signEs256(claims({ exp: nowSeconds - 30 }), key, 'k1')))).toBeUndefined();
  });

  it('refuses a token that is not valid yet', async () => {
    const { sut, key } = setup();

    expect(await codeOf(sut.verify(signEs256(claims({ nbf: nowSeconds + 120 }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_NOT_YET_VALID,
    );
    expect(await codeOf(sut.verify(signEs256(claims({ iat: nowSeconds + 120 }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_NOT_YET_VALID,
    );
  });

  it.each(['HS256', 'none', 'ES384', 'RS256'])('refuses a token whose header says alg %s', async (alg) => {
    const { sut, key } = setup();
    const [, payload, signature] = signEs256(claims(), key, 'k1').split('.');
    const header = base64url(JSON.stringify({ alg, typ: 'JWT', kid: 'k1' }));

    expect(await codeOf(sut.verify(`${header}.${payload}.${signature}`))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
  });

  it('refuses a token signed by an unknown key, refreshing the key set at most once per interval', async () => {
    const { sut, source, advance } = setup();
    const stranger = newKey();

    expect(await codeOf(sut.verify(signEs256(claims(), stranger, 'k2')))).toBe(
      AuthErrorCode.AUTH_KEY_UNKNOWN,
    );
    expect(await codeOf(sut.verify(signEs256(claims(), stranger, 'k2')))).toBe(
      AuthErrorCode.AUTH_KEY_UNKNOWN,
    );
    expect(source.fetches).toBe(1);

    source.set = { keys: [...source.set.keys, publicJwkOf(stranger, 'k2')] };
    advance(30000);
    expect(await codeOf(sut.verify(signEs256(claims(), stranger, 'k2')))).toBeUndefined();
    expect(source.fetches).toBe(2);
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const { sut } = setup();

    expect(await codeOf(sut.verify(signEs256(claims(), newKey(), 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
  });

  it('refuses a token whose payload was tampered with', async () => {
    const { sut, key } = setup();
    const [header, , signature] = signEs256(claims(), key, 'k1').split('.');
    const forged = base64url(JSON.stringify(claims({ sub: '1310000002' })));

    expect(await codeOf(sut.verify(`${header}.${forged}.${signature}`))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const { sut, key } = setup();

    expect(await codeOf(sut.verify(signEs256(claims({ aud: 'elsewhere' }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
    expect(await codeOf(sut.verify(signEs256(claims({ iss: 'someone' }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
  });

  it('refuses a token with incomplete claims or no kid', async () => {
    const { sut, key } = setup();
    const [, payload, signature] = signEs256(claims(), key, 'k1').split('.');
    const noKid = base64url(JSON.stringify({ alg: 'ES256' }));

    expect(await codeOf(sut.verify(signEs256(claims({ jti: undefined }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
    expect(await codeOf(sut.verify(signEs256(claims({ cnf: undefined }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
    expect(await codeOf(sut.verify(signEs256(claims({ cnf: { 'x5t#S256': 'short' } }), key, 'k1')))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
    expect(await codeOf(sut.verify(`${noKid}.${payload}.${signature}`))).toBe(
      AuthErrorCode.AUTH_TOKEN_INVALID,
    );
  });

  it('refuses strings that are not compact JWS', async () => {
    const { sut } = setup();

    expect(await codeOf(sut.verify('abc'))).toBe(AuthErrorCode.AUTH_TOKEN_MALFORMED);
    expect(await codeOf(sut.verify('a.b.c'))).toBe(AuthErrorCode.AUTH_TOKEN_MALFORMED);
  });

  it('answers AUTH_KEY_SET_UNAVAILABLE when the key set cannot be read, without re-reading it at once', async () => {
    let fetches = 0;
    class Down extends KeySetSource {
      async fetch(): Promise<JsonWebKeySet> {
        fetches += 1;
        throw new AuthError(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE, 'down');
      }
    }
    let now = NOW;
    const sut = new TokenVerifier(new Down(), { now: () => now });
    const token = signEs256(claims(), newKey(), 'k1');

    expect(await codeOf(sut.verify(token))).toBe(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE);
    expect(await codeOf(sut.verify(token))).toBe(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE);
    expect(fetches).toBe(1);
    now += 1000;
    expect(await codeOf(sut.verify(token))).toBe(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE);
    expect(fetches).toBe(2);
  });
});

describe(HttpKeySetSource.name, () => {
  it('reads <CERTIFICATE_URL>/.well-known/jwks.json, keeping a path prefix', async () => {
    const key = publicJwkOf(newKey(), 'k1');
    const fetchFn = jest.fn(async () => new Response(JSON.stringify({ keys: [key] }), { status: 200 }));
    const sut = new HttpKeySetSource('https://ingress.example/certificate/', 1000, fetchFn);

    expect(await sut.fetch()).toEqual({ keys: [key] });
    expect(fetchFn).toHaveBeenCalledWith(
      'https://ingress.example/certificate/.well-known/jwks.json',
      expect.anything(),
    );
  });

  it('turns an error answer into AUTH_KEY_SET_UNAVAILABLE', async () => {
    const sut = new HttpKeySetSource(
      'http://127.0.0.1:8082',
      1000,
      async () => new Response('no', { status: 502 }),
    );

    expect(await codeOf(sut.fetch())).toBe(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE);
  });
});
