// The challenge → token flow on the real PostgreSQL: the certificate module booted with startApp on a free port
// against a fresh, migrated database; tokens verified from the published JWKS as another service would.
import { signChallenge } from '@renkei/envelope';
import { startServiceUnderTest, type ServiceUnderTest } from '@renkei/harness';
import { HttpKeySetSource, RunningApp, TokenVerifier } from '@renkei/platform';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/testing';
import { certificateApp } from '../certificate.app';
import { certificateDefinition } from '../certificate.definition';

const ca = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000001',
  serviceTypes: ['43', '46'],
  keyType: 'ec',
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('certificate authentication', () => {
  let service: ServiceUnderTest;
  let running: RunningApp;

  async function call(method: string, route: string, body?: unknown, token?: string): Promise<Answer> {
    const response = await fetch(`${running.url}${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function challenge(): Promise<{ challengeId: string; nonce: string }> {
    const answer = await call('POST', '/v1/auth/challenges');
    expect(answer.status).toBe(201);
    return answer.body as { challengeId: string; nonce: string };
  }

  const signed = (nonce: string, signer: DevCredential = office) =>
    Buffer.from(
      signChallenge(nonce, { certificate: signer.certificate, privateKey: signer.privateKey }),
    ).toString('base64');

  beforeAll(async () => {
    service = await startServiceUnderTest(certificateApp, {
      databasePrefix: 'cert_auth',
      definitions: [certificateDefinition],
      env: {
        TRUST_ANCHORS_PEM: ca.certificatePem,
        TOKEN_SIGNING_KEY_SECRET: 'integration-test-secret-0123456789',
      },
    });
    running = service.running;
  });

  afterAll(() => service?.close());

  it('exchanges a challenge signed by a dev office certificate for a token that verifies with the JWKS', async () => {
    const { challengeId, nonce } = await challenge();
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(32);

    const answer = await call('POST', '/v1/auth/tokens', { challengeId, signedData: signed(nonce) });

    expect(answer.status).toBe(200);
    const token = answer.body['token'] as string;
    const claims = await new TokenVerifier(new HttpKeySetSource(running.url)).verify(token);
    expect(claims).toMatchObject({ sub: '1310000001', serviceTypes: ['43', '46'], roles: ['office'] });
    expect(claims.exp - claims.iat).toBe(900);
    expect(answer.body['expiresAt']).toBe(new Date(claims.exp * 1000).toISOString());
    const session = await call('GET', '/v1/auth/session', undefined, token);
    expect(session).toMatchObject({ status: 200, body: { officeNumber: '1310000001', tokenId: claims.jti } });
  });

  it('publishes one ES256 P-256 key without any private part', async () => {
    const answer = await call('GET', '/.well-known/jwks.json');

    expect(answer.status).toBe(200);
    const keys = answer.body['keys'] as Record<string, string>[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('refuses a replayed challenge', async () => {
    const { challengeId, nonce } = await challenge();
    const body = { challengeId, signedData: signed(nonce) };
    expect((await call('POST', '/v1/auth/tokens', body)).status).toBe(200);

    const replay = await call('POST', '/v1/auth/tokens', body);

    expect(replay).toMatchObject({ status: 401, body: { code: 'CHALLENGE_USED' } });
  });

  it('refuses an expired challenge', async () => {
    const { challengeId, nonce } = await challenge();
    await service.database.rows(
      `update certificate.auth_challenge set expires_at = now() - interval '1 second' where id = $1`,
      [challengeId],
    );

    const answer = await call('POST', '/v1/auth/tokens', { challengeId, signedData: signed(nonce) });

    expect(answer).toMatchObject({ status: 401, body: { code: 'CHALLENGE_EXPIRED' } });
  });

  it('refuses a certificate from an unknown CA', async () => {
    const stranger = issueOfficeCertificate(createDevCa(), {
      officeNumber: '1310000001',
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    const { challengeId, nonce } = await challenge();

    const answer = await call('POST', '/v1/auth/tokens', {
      challengeId,
      signedData: signed(nonce, stranger),
    });

    expect(answer).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_UNTRUSTED' } });
  });

  it('refuses a tampered signature, and leaves the challenge usable', async () => {
    const { challengeId, nonce } = await challenge();
    const der = Buffer.from(signed(nonce), 'base64');
    der[der.length - 3] ^= 0x01;

    const answer = await call('POST', '/v1/auth/tokens', { challengeId, signedData: der.toString('base64') });

    expect(answer).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    expect((await call('POST', '/v1/auth/tokens', { challengeId, signedData: signed(nonce) })).status).toBe(
      200,
    );
  });

  it('refuses the nonce of another challenge', async () => {
    const first = await challenge();
    const second = await challenge();

    const answer = await call('POST', '/v1/auth/tokens', {
      challengeId: first.challengeId,
      signedData: signed(second.nonce),
    });

    expect(answer).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
  });

  it('answers an unknown challenge and a bad request body with stable codes', async () => {
    const unknown = await call('POST', '/v1/auth/tokens', {
      challengeId: '00000000-0000-4000-8000-000000000000',
      signedData: signed('whatever'),
    });
    const bad = await call('POST', '/v1/auth/tokens', { challengeId: 'x' });

    expect(unknown).toMatchObject({ status: 401, body: { code: 'CHALLENGE_NOT_FOUND' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect((bad.body['details'] as { field: string }[]).map((d) => d.field)).toEqual([
      'challengeId',
      'signedData',
    ]);
  });

  it('requires a token on protected routes and keeps health public', async () => {
    const missing = await call('GET', '/v1/auth/session');
    const garbage = await call('GET', '/v1/auth/session', undefined, 'a.b.c');

    expect(missing).toMatchObject({ status: 401, body: { code: 'AUTH_TOKEN_MISSING' } });
    expect(garbage.status).toBe(401);
    expect((await call('GET', '/health/live')).status).toBe(200);
    expect((await call('GET', '/health/ready')).status).toBe(200);
  });
});
