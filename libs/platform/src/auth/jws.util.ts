// Compact JWS (RFC 7515) with ES256 only, on node:crypto: P-256 ECDSA over SHA-256, raw r||s signatures.
import { createPublicKey, KeyObject, sign } from 'node:crypto';

/** A public P-256 signing key as published in the JWKS. */
export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
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
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
}

/** Signs `payload` as a compact JWS with header {alg: ES256, typ: JWT, kid}. */
export function signEs256(payload: object, privateKey: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
  const body = base64url(JSON.stringify(payload));
  const signingInput = `${header}.${body}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${base64url(signature)}`;
}
