// Verifies platform tokens locally: compact JWS, ES256 only, a known kid, then iss/aud/exp/nbf/iat with at most
// TOKEN_CLOCK_SKEW_SECONDS of skew. Keys are cached; an unknown kid triggers one refresh, rate-limited.
import { createPublicKey, KeyObject } from 'node:crypto';
import { AuthError, AuthErrorCode } from './auth.errors';
import { EcPublicJwk, verifyEs256 } from './jws.util';
import { KeySetSource } from './key-set-source';
import {
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_CLOCK_SKEW_SECONDS,
  TOKEN_ISSUER,
  TokenClaims,
} from './token-claims';

export interface TokenVerifierOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** ≤ 60 */
  readonly clockSkewSeconds?: number;
  /** an unknown kid refreshes the key set at most this often */
  readonly minRefreshIntervalMs?: number;
  /** milliseconds since the epoch */
  readonly now?: () => number;
}

const MAX_TOKEN_LENGTH = 8192;
/** with no key at all, a failed key set read is not retried for this long (no stampede on the issuer) */
const FAILED_REFRESH_BACKOFF_MS = 1000;
const B64URL = /^[A-Za-z0-9_-]*$/;
/** 32 bytes in unpadded base64url */
const SHA256_BASE64URL = /^[A-Za-z0-9_-]{43}$/;
const PREFECTURE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;

export class TokenVerifier {
  private keys = new Map<string, KeyObject>();
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private lastFailure = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly skew: number;
  private readonly minRefreshIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly source: KeySetSource,
    options: TokenVerifierOptions = {},
  ) {
    this.issuer = options.issuer ?? TOKEN_ISSUER;
    this.audience = options.audience ?? TOKEN_AUDIENCE;
    this.skew = Math.min(options.clockSkewSeconds ?? TOKEN_CLOCK_SKEW_SECONDS, TOKEN_CLOCK_SKEW_SECONDS);
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30000;
    this.now = options.now ?? Date.now;
  }

  /** The claims of a valid token; otherwise an AuthError with a stable code. */
  async verify(token: string): Promise<TokenClaims> {
    const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
    if (parts.length !== 3 || !parts.every((part) => part.length > 0 && B64URL.test(part))) {
      throw invalid(AuthErrorCode.AUTH_TOKEN_MALFORMED, 'token is not a compact JWS');
    }
    const [headerPart, payloadPart, signaturePart] = parts;
    const header = decodeJson(headerPart, 'header');
    if (header['alg'] !== TOKEN_ALGORITHM) {
      throw invalid(AuthErrorCode.AUTH_TOKEN_INVALID, `token algorithm must be ${TOKEN_ALGORITHM}`);
    }
    if (header['crit'] !== undefined) {
      throw invalid(AuthErrorCode.AUTH_TOKEN_INVALID, 'token carries critical header parameters');
    }
    const kid = header['kid'];
    if (typeof kid !== 'string' || kid.length === 0) {
      throw invalid(AuthErrorCode.AUTH_TOKEN_INVALID, 'token header has no kid');
    }
    const key = await this.keyFor(kid);
    const ok = verifyEs256(`${headerPart}.${payloadPart}`, Buffer.from(signaturePart, 'base64url'), key);
    if (!ok) throw invalid(AuthErrorCode.AUTH_TOKEN_INVALID, 'token signature does not verify');
    return this.checkClaims(decodeJson(payloadPart, 'payload'));
  }

  private checkClaims(payload: Record<string, unknown>): TokenClaims {
    const { sub, serviceTypes, roles, prefecture, iss, aud, iat, nbf, exp, jti, cnf } = payload;
    const thumbprint = isRecord(cnf) ? cnf['x5t#S256'] : undefined;
    if (
      typeof sub !== 'string' ||
      typeof jti !== 'string' ||
      !isStringArray(serviceTypes) ||
      !isStringArray(roles) ||
      (prefecture !== undefined && (typeof prefecture !== 'string' || !PREFECTURE.test(prefecture))) ||
      !isTime(iat) ||
      !isTime(nbf) ||
      !isTime(exp) ||
      typeof thumbprint !== 'string' ||
      !SHA256_BASE64URL.test(thumbprint)
    ) {
      throw invalid(AuthErrorCode.AUTH_TOKEN_INVALID, 'token claims are incomplete');
    }
    if (iss !== this.issuer) throw invalid(AuthErrorCode.AUTH_TOKEN_INVALID, 'token issuer is not accepted');
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.audience)) {
      throw invalid(AuthErrorCode.AUTH_TOKEN_INVALID, 'token audience is not this platform');
    }
    const now = Math.floor(this.now() / 1000);
    if (exp <= now - this.skew) throw invalid(AuthErrorCode.AUTH_TOKEN_EXPIRED, 'token has expired');
    if (nbf > now + this.skew || iat > now + this.skew) {
      throw invalid(AuthErrorCode.AUTH_TOKEN_NOT_YET_VALID, 'token is not valid yet');
    }
    return {
      sub,
      serviceTypes,
      roles,
      ...(prefecture === undefined ? {} : { prefecture }),
      iss,
      aud: this.audience,
      iat,
      nbf,
      exp,
      jti,
      cnf: { 'x5t#S256': thumbprint },
    };
  }

  private async keyFor(kid: string): Promise<KeyObject> {
    const cached = this.keys.get(kid);
    if (cached) return cached;
    const now = this.now();
    if (this.keys.size === 0 && now - this.lastFailure < FAILED_REFRESH_BACKOFF_MS) {
      throw invalid(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE, 'the key set could not be read a moment ago');
    }
    if (now - this.lastRefresh >= this.minRefreshIntervalMs || this.keys.size === 0) {
      await this.refresh();
    }
    const key = this.keys.get(kid);
    if (!key) throw invalid(AuthErrorCode.AUTH_KEY_UNKNOWN, 'token is signed by an unknown key');
    return key;
  }

  /** one fetch at a time; concurrent callers share it */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const set = await this.source.fetch();
        this.lastRefresh = this.now();
        const keys = new Map<string, KeyObject>();
        for (const jwk of set.keys) {
          const key = importKey(jwk);
          if (key) keys.set(jwk.kid, key);
        }
        this.keys = keys;
      } catch (error) {
        this.lastFailure = this.now();
        throw error;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}

function importKey(jwk: EcPublicJwk): KeyObject | undefined {
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.kid !== 'string') return undefined;
  if (jwk.alg !== undefined && jwk.alg !== TOKEN_ALGORITHM) return undefined;
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new AuthError(AuthErrorCode.AUTH_TOKEN_MALFORMED, `token ${what} is not JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(AuthErrorCode.AUTH_TOKEN_MALFORMED, `token ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function invalid(code: AuthErrorCode, message: string): AuthError {
  return new AuthError(code, message);
}
