// Compact JWS (RFC 7515) with ES256 only, on node:crypto: P-256 ECDSA over SHA-256, raw r||s signatures.
import { createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { TOKEN_ALGORITHM } from './token-claims';

// JWS carries ECDSA signatures as raw r||s (RFC 7518 §3.4), not DER
const ES256_ENCODING = 'ieee-p1363';

/** A public P-256 signing key as published in the JWKS. */
export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: typeof TOKEN_ALGORITHM;
  readonly use: 'sig';
}

export interface JsonWebKeySet {
  readonly keys: readonly EcPublicJwk[];
}

export function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}

/** The public JWK of a P-256 key (private or public KeyObject). */
export function publicJwkOf(key: KeyObject, kid: string): EcPublicJwk {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new Error('token signing key is not an EC P-256 key');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
}

/** Signs `payload` as a compact JWS with header {alg: ES256, typ: JWT, kid}. */
export function signEs256(payload: object, privateKey: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid }));
  const body = base64url(JSON.stringify(payload));
  const signingInput = `${header}.${body}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: privateKey,
    dsaEncoding: ES256_ENCODING,
  });
  return `${signingInput}.${base64url(signature)}`;
}

/** Checks the ES256 signature (raw r||s, 64 bytes) of a compact JWS's `header.payload` signing input. */
export function verifyEs256(signingInput: string, signature: Uint8Array, publicKey: KeyObject): boolean {
  return (
    signature.length === 64 &&
    verify('sha256', Buffer.from(signingInput), { key: publicKey, dsaEncoding: ES256_ENCODING }, signature)
  );
}
