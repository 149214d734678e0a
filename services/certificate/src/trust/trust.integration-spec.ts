// The trust store on the real PostgreSQL, through the Nest app over HTTP: operator-only routes, anchors added,
// rotated and retired, CRLs uploaded (events in the outbox, nothing written on a refusal), the fetcher, and
// token issuance against the current trust (revocation, roles from the anchor's profile).
import { decodeEvent, Topics, TrustAnchorStatus } from '@renkei/contracts';
import {
  derCertificatesFromPem,
  devCertificateProfile,
  revocationIdOf,
  signChallenge,
} from '@renkei/envelope';
import { startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import { HttpKeySetSource, MetricsRegistry, TokenVerifier, type RunningApp } from '@renkei/platform';
import {
  createDevCa,
  createDevCrl,
  crlToPem,
  expectEventually,
  issueOfficeCertificate,
  OID_DELTA_CRL_INDICATOR,
  type DevCa,
  type DevCredential,
} from '@renkei/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { certificateApp } from '../certificate.app';
import { certificateDefinition } from '../certificate.definition';
import { TrustScheduler } from './trust.scheduler';
import { TrustService } from './trust.service';

const configCa = createDevCa({ name: 'Config CA — TEST ONLY' });
const rotatedCa = createDevCa({ name: 'Rotated CA — TEST ONLY', keyType: 'rsa' });
const operatorCa = createDevCa({ name: 'Operator CA — TEST ONLY' });
const office = (ca: DevCa, officeNumber = '1310000001', roles?: string[]): DevCredential =>
  issueOfficeCertificate(ca, {
    officeNumber,
    serviceTypes: roles ? [] : ['43'],
    keyType: 'ec',
    ...(roles ? { roles } : {}),
  });

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('trust store', () => {
  const tokens = new TestTokens();
  const operatorToken = tokens.token(
    { officeNumber: 'OPERATOR01', serviceTypes: [] },
    { roles: ['operator'] },
  );
  const officeToken = tokens.token({ officeNumber: '1310000001', serviceTypes: ['43'] });
  let service: ServiceUnderTest;
  let running: RunningApp;

  async function call(
    method: string,
    route: string,
    options: { json?: unknown; body?: Uint8Array | string; contentType?: string; token?: string | null } = {},
  ): Promise<Answer> {
    const token = options.token === undefined ? operatorToken : options.token;
    const body = options.json === undefined ? options.body : JSON.stringify(options.json);
    const contentType = options.json === undefined ? options.contentType : 'application/json';
    const response = await fetch(`${running.url}${route}`, {
      method,
      headers: {
        ...(contentType ? { 'content-type': contentType } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const uploadCrl = (der: Uint8Array, token?: string | null) =>
    call('POST', '/v1/trust/crls', { body: der, contentType: 'application/pkix-crl', token });

  async function addAnchor(ca: DevCa, extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await call('POST', '/v1/trust/anchors', {
      json: { certificatePem: ca.certificatePem, ...extra },
    });
    expect(answer.status).toBe(201);
    return answer.body['anchorId'] as string;
  }

  async function state(): Promise<{ version: number; crls: number; revoked: number; outbox: number }> {
    const [row] = await service.database.rows<{
      version: number;
      crls: number;
      revoked: number;
      outbox: number;
    }>(
      `select (select version::int from certificate.trust_state) as version,
              (select count(*)::int from certificate.trust_crl) as crls,
              (select count(*)::int from certificate.revoked_certificate) as revoked,
              (select count(*)::int from certificate.outbox_event) as outbox`,
    );
    return row;
  }

  async function events<K extends 'certificateTrustChanged' | 'certificateRevocationRecorded'>(topic: K) {
    const rows = await service.database.rows<{ payload: Buffer; message_key: string }>(
      `select payload, message_key from certificate.outbox_event where topic = $1 order by id`,
      [Topics[topic].name],
    );
    return rows.map((row) => ({ key: row.message_key, event: decodeEvent(topic, row.payload) }));
  }

  async function lastTrustChanged() {
    const all = await events('certificateTrustChanged');
    const last = all[all.length - 1];
    if (!last) throw new Error('no TrustChanged in the outbox');
    return last.event;
  }

  async function token(signer: DevCredential): Promise<Answer> {
    const challenge = await call('POST', '/v1/auth/challenges', { token: null });
    const signedData = signChallenge(challenge.body['nonce'] as string, {
      certificate: signer.certificate,
      privateKey: signer.privateKey,
    });
    return call('POST', '/v1/auth/tokens', {
      token: null,
      json: {
        challengeId: challenge.body['challengeId'],
        signedData: Buffer.from(signedData).toString('base64'),
      },
    });
  }

  beforeAll(async () => {
    service = await startServiceUnderTest(certificateApp, {
      databasePrefix: 'cert_trust',
      definitions: [certificateDefinition],
      tokens,
      env: {
        TRUST_ANCHORS_PEM: configCa.certificatePem,
        TOKEN_SIGNING_KEY_SECRET: 'integration-test-secret-0123456789',
        CRL_FETCH_INTERVAL_SECONDS: '1',
      },
    });
    running = service.running;
  });

  afterAll(() => service?.close());

  it('seeds TRUST_ANCHORS_PEM once, as an office-only anchor, and publishes it', async () => {
    const answer = await call('GET', '/v1/trust/anchors');

    expect(answer.status).toBe(200);
    const anchors = answer.body['anchors'] as Record<string, unknown>[];
    expect(anchors).toHaveLength(1);
    expect(anchors[0]).toMatchObject({
      status: 'active',
      source: 'config',
      certificateSha256: configCa.fingerprint,
      profile: devCertificateProfile(['office']),
      crl: null,
      warnings: [],
    });
    expect(anchors[0]['daysToExpiry']).toBeGreaterThan(3000);
    const changed = await events('certificateTrustChanged');
    expect(changed).toHaveLength(1);
    expect(changed[0].key).toBe('trust');
    expect(changed[0].event.version).toBe(1n);
    expect(changed[0].event.anchors[0]).toMatchObject({
      certificateSha256: configCa.fingerprint,
      status: TrustAnchorStatus.ACTIVE,
      profile: { name: 'dev', allowedRoles: ['office'] },
    });
  });

  it('seeds safely when two replicas boot at once: each certificate once, one TrustChanged per change', async () => {
    const trust = running.app.get(TrustService);
    const newCa = createDevCa({ name: 'Seeded later — TEST ONLY' });
    const before = await state();

    const again = await trust.seed(derCertificatesFromPem(configCa.certificatePem), ['office']);
    const both = await Promise.all([
      trust.seed([newCa.certificate], ['office']),
      trust.seed([newCa.certificate], ['office']),
    ]);

    expect(again).toBe(false);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await state()).toMatchObject({ version: before.version + 1, outbox: before.outbox + 1 });
    const rows = await service.database.rows(
      'select id from certificate.trust_anchor where certificate_sha256 = $1',
      [newCa.fingerprint],
    );
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['GET', '/v1/trust/anchors'],
    ['POST', '/v1/trust/anchors'],
    ['POST', '/v1/trust/anchors/5b0c43a4-9f3e-4d7a-8b9a-6a2e1c0d9f11/retire'],
    ['PUT', '/v1/trust/anchors/5b0c43a4-9f3e-4d7a-8b9a-6a2e1c0d9f11/profile'],
    ['POST', '/v1/trust/crls'],
    ['GET', '/v1/trust/revocations?issuerNameSha256=00&serialNumber=01'],
  ])('%s %s answers 401 without a token and 403 to an office', async (method, route) => {
    const before = await state();

    const json = method === 'GET' ? undefined : {};
    expect(await call(method, route, { json, token: null })).toMatchObject({
      status: 401,
      body: { code: 'AUTH_TOKEN_MISSING' },
    });
    expect(await call(method, route, { json, token: officeToken })).toMatchObject({
      status: 403,
      body: { code: 'AUTH_ROLE_FORBIDDEN' },
    });
    expect(await state()).toEqual(before);
  });

  it('serves the snapshot to anyone', async () => {
    const answer = await call('GET', '/v1/trust/snapshot', { token: null });

    expect(answer.status).toBe(200);
    expect(Number(answer.body['version'])).toBeGreaterThanOrEqual(1);
    expect(answer.body['anchors']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          certificatePem: configCa.certificatePem,
          profile: devCertificateProfile(['office']),
        }),
      ]),
    );
  });

  it('adds an anchor, refuses it twice, refuses non-CA certificates and bad profiles with nothing written', async () => {
    const before = await state();

    const added = await call('POST', '/v1/trust/anchors', {
      json: {
        certificatePem: operatorCa.certificatePem,
        profile: devCertificateProfile(['office', 'operator']),
      },
    });
    const duplicate = await call('POST', '/v1/trust/anchors', {
      json: { certificatePem: operatorCa.certificatePem },
    });
    const notCa = await call('POST', '/v1/trust/anchors', {
      json: { certificatePem: office(configCa).certificatePem },
    });
    const badRole = await call('POST', '/v1/trust/anchors', {
      json: {
        certificatePem: createDevCa({ name: 'Other — TEST ONLY' }).certificatePem,
        profile: { ...devCertificateProfile(), allowedRoles: ['office', 'admin'] },
      },
    });
    const badOid = await call('POST', '/v1/trust/anchors', {
      json: {
        certificatePem: createDevCa({ name: 'Other — TEST ONLY' }).certificatePem,
        profile: { ...devCertificateProfile(), officeNumber: { source: 'subject', oid: 'serialNumber' } },
      },
    });
    const garbage = await call('POST', '/v1/trust/anchors', {
      json: { certificatePem: 'not a certificate' },
    });

    expect(added).toMatchObject({ status: 201, body: { status: 'active', source: 'operator' } });
    expect(duplicate).toMatchObject({ status: 409, body: { code: 'TRUST_ANCHOR_DUPLICATE' } });
    expect(notCa).toMatchObject({ status: 400, body: { code: 'TRUST_ANCHOR_INVALID' } });
    expect(badRole).toMatchObject({ status: 400, body: { code: 'TRUST_PROFILE_INVALID' } });
    expect(badOid).toMatchObject({
      status: 400,
      body: {
        code: 'TRUST_PROFILE_INVALID',
        details: [expect.objectContaining({ field: 'officeNumber.oid' })],
      },
    });
    expect(garbage).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect(await state()).toMatchObject({ version: before.version + 1, outbox: before.outbox + 1 });
  });

  it('rotates: two active anchors, then the old one retired; the last active one cannot be', async () => {
    const oldId = await addAnchor(rotatedCa);
    const successor = createDevCa({ name: 'Rotated CA — TEST ONLY', keyType: 'ec' });
    const newId = await addAnchor(successor);
    const activeBefore = (await call('GET', '/v1/trust/snapshot', { token: null })).body[
      'anchors'
    ] as unknown[];

    const retired = await call('POST', `/v1/trust/anchors/${oldId}/retire`, { json: { reason: 'rotated' } });
    const again = await call('POST', `/v1/trust/anchors/${oldId}/retire`, { json: { reason: 'rotated' } });
    const unknown = await call('POST', '/v1/trust/anchors/5b0c43a4-9f3e-4d7a-8b9a-6a2e1c0d9f11/retire', {
      json: { reason: 'x' },
    });
    const noReason = await call('POST', `/v1/trust/anchors/${newId}/retire`, { json: {} });

    expect(activeBefore.length).toBeGreaterThanOrEqual(3);
    expect(retired).toMatchObject({ status: 200, body: { status: 'retired', retireReason: 'rotated' } });
    expect(again).toMatchObject({ status: 409, body: { code: 'TRUST_ANCHOR_RETIRED' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'TRUST_ANCHOR_NOT_FOUND' } });
    expect(noReason).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    const last = (await lastTrustChanged()).anchors;
    expect(last.find((anchor) => anchor.anchorId === oldId)?.status).toBe(TrustAnchorStatus.RETIRED);
    expect(last.find((anchor) => anchor.anchorId === newId)?.status).toBe(TrustAnchorStatus.ACTIVE);
    const snapshot = (await call('GET', '/v1/trust/snapshot', { token: null })).body['anchors'] as {
      anchorId: string;
    }[];
    expect(snapshot.map((anchor) => anchor.anchorId)).toEqual(expect.arrayContaining([newId]));
    expect(snapshot.map((anchor) => anchor.anchorId)).not.toContain(oldId);
    // a retired anchor no longer vouches for its certificates
    expect(await token(office(rotatedCa))).toMatchObject({
      status: 401,
      body: { code: 'CERTIFICATE_UNTRUSTED' },
    });
    expect((await token(office(successor))).status).toBe(200);
  });

  describe('CRLs', () => {
    const crlCa = createDevCa({ name: 'CRL CA — TEST ONLY', keyType: 'rsa' });
    const revokedOffice = office(crlCa, '1310000002');
    const keptOffice = office(crlCa, '1310000003');
    const revokedSerial = revocationIdOf(revokedOffice.certificate).serialNumber;
    const issuerNameSha256 = revocationIdOf(revokedOffice.certificate).issuerNameSha256;
    const revokedAt = new Date(Date.now() - 3_600_000);
    const firstCrl = createDevCrl(crlCa, {
      crlNumber: 5,
      entries: [
        { serialNumber: revokedSerial, revokedAt, reason: 1 },
        { serialNumber: '00ABC', revokedAt },
      ],
    });
    let anchorId: string;

    beforeAll(async () => {
      anchorId = await addAnchor(crlCa);
    });

    it('records a CRL: revoked entries and their events, the CRL status in TrustChanged; a replay is a no-op', async () => {
      expect((await token(revokedOffice)).status).toBe(200);
      const before = await state();

      const answer = await uploadCrl(firstCrl);

      expect(answer).toMatchObject({
        status: 201,
        body: {
          anchorId,
          crlNumber: '5',
          entries: 2,
          newlyRevoked: 2,
          trustVersion: String(before.version + 1),
        },
      });
      expect(await state()).toEqual({
        version: before.version + 1,
        crls: before.crls + 1,
        revoked: before.revoked + 2,
        outbox: before.outbox + 3,
      });
      const revoked = (await events('certificateRevocationRecorded')).filter(
        (message) => message.event.anchorId === anchorId,
      );
      expect(revoked.map((message) => message.key).sort()).toEqual(
        [`${issuerNameSha256}:${revokedSerial}`, `${issuerNameSha256}:abc`].sort(),
      );
      expect(revoked.find((message) => message.event.serialNumber === revokedSerial)?.event).toMatchObject({
        issuerNameSha256,
        reason: 1,
        trustVersion: BigInt(before.version + 1),
      });
      const changed = await lastTrustChanged();
      expect(changed.version).toBe(BigInt(before.version + 1));
      expect(changed.anchors.find((anchor) => anchor.anchorId === anchorId)?.crl?.crlNumber).toBe('5');

      const replay = await uploadCrl(firstCrl);
      const replayPem = await call('POST', '/v1/trust/crls', {
        body: crlToPem(firstCrl),
        contentType: 'text/plain',
      });

      expect(replay).toMatchObject({
        status: 200,
        body: { newlyRevoked: 0, trustVersion: String(before.version + 1) },
      });
      expect(replayPem.status).toBe(200);
      expect((await state()).version).toBe(before.version + 1);
    });

    it('refuses a token to a revoked certificate, and answers whether a certificate is revoked', async () => {
      expect(await token(revokedOffice)).toMatchObject({
        status: 401,
        body: { code: 'CERTIFICATE_REVOKED' },
      });
      expect((await token(keptOffice)).status).toBe(200);

      const revoked = await call(
        'GET',
        `/v1/trust/revocations?issuerNameSha256=${issuerNameSha256}&serialNumber=${revokedSerial.toUpperCase()}`,
      );
      const kept = await call(
        'GET',
        `/v1/trust/revocations?issuerNameSha256=${issuerNameSha256}&serialNumber=${revocationIdOf(keptOffice.certificate).serialNumber}`,
      );
      const bad = await call('GET', '/v1/trust/revocations?issuerNameSha256=xyz&serialNumber=1');

      expect(revoked).toMatchObject({ status: 200, body: { revoked: true, reason: 1, anchorId } });
      expect(kept).toMatchObject({ status: 200, body: { revoked: false } });
      expect(bad).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    });

    it('refuses an older CRL and another CRL with the same number (409), and takes a newer one', async () => {
      const before = await state();

      const older = await uploadCrl(createDevCrl(crlCa, { crlNumber: 4 }));
      const sameNumber = await uploadCrl(createDevCrl(crlCa, { crlNumber: 5 }));

      expect(older).toMatchObject({ status: 409, body: { code: 'CRL_OUTDATED' } });
      expect(sameNumber).toMatchObject({ status: 409, body: { code: 'CRL_OUTDATED' } });
      expect(await state()).toEqual(before);
      const newer = await uploadCrl(
        createDevCrl(crlCa, {
          crlNumber: 6,
          entries: [
            { serialNumber: revokedSerial, revokedAt },
            { serialNumber: 'abc', revokedAt },
            { serialNumber: 'def1', revokedAt, reason: 4 },
          ],
        }),
      );
      expect(newer).toMatchObject({ status: 201, body: { crlNumber: '6', entries: 3, newlyRevoked: 1 } });
      expect(await state()).toMatchObject({ version: before.version + 1, revoked: before.revoked + 1 });
    });

    it.each<[string, () => Uint8Array | string, string | undefined, number, string]>([
      [
        'signed by another key under the same name',
        () => createDevCrl(createDevCa({ name: 'CRL CA — TEST ONLY', keyType: 'rsa' }), { crlNumber: 99 }),
        'application/pkix-crl',
        422,
        'CRL_SIGNATURE_INVALID',
      ],
      [
        'from an unknown issuer',
        () => createDevCrl(createDevCa({ name: 'Stranger — TEST ONLY' }), { crlNumber: 1 }),
        'application/pkix-crl',
        422,
        'CRL_ISSUER_UNKNOWN',
      ],
      [
        'that is garbage',
        () => Buffer.from('this is not a CRL at all'),
        'application/pkix-crl',
        400,
        'CRL_MALFORMED',
      ],
      [
        'in PEM armour that holds no CRL',
        () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        'text/plain',
        400,
        'CRL_MALFORMED',
      ],
      [
        'that is a delta CRL',
        () =>
          createDevCrl(crlCa, {
            crlNumber: 100,
            extensions: [{ oid: OID_DELTA_CRL_INDICATOR, critical: true, value: Uint8Array.from([2, 1, 6]) }],
          }),
        'application/pkix-crl',
        422,
        'CRL_UNSUPPORTED',
      ],
      [
        'with an unknown critical extension',
        () =>
          createDevCrl(crlCa, {
            crlNumber: 101,
            extensions: [{ oid: '1.2.3.4.5', critical: true, value: Uint8Array.from([5, 0]) }],
          }),
        'application/pkix-crl',
        422,
        'CRL_UNSUPPORTED',
      ],
      [
        'issued in the future',
        () => createDevCrl(crlCa, { crlNumber: 102, thisUpdate: new Date(Date.now() + 3_600_000) }),
        'application/pkix-crl',
        422,
        'CRL_NOT_YET_VALID',
      ],
      ['sent as JSON', () => '{}', 'application/json', 415, 'CRL_MEDIA_TYPE_UNSUPPORTED'],
      [
        'larger than 10 MiB',
        () => Buffer.alloc(10 * 1024 * 1024 + 1, 0x30),
        'application/pkix-crl',
        413,
        'CRL_TOO_LARGE',
      ],
    ])('refuses a CRL %s, writing nothing', async (_case, body, contentType, status, code) => {
      const before = await state();

      const answer = await call('POST', '/v1/trust/crls', { body: body(), contentType });

      expect(answer).toMatchObject({ status, body: { code } });
      expect(await state()).toEqual(before);
    });
  });

  describe('tokens under an anchor profile', () => {
    it('gives the operator role to a dev certificate with OU role=operator under an anchor allowing it', async () => {
      const answer = await token(office(operatorCa, 'OPERATOR02', ['operator']));

      expect(answer.status).toBe(200);
      const claims = await new TokenVerifier(new HttpKeySetSource(running.url)).verify(
        answer.body['token'] as string,
      );
      expect(claims).toMatchObject({ sub: 'OPERATOR02', roles: ['operator'], serviceTypes: [] });
    });

    it('refuses the same kind of certificate under an office-only anchor', async () => {
      expect(await token(office(configCa, 'OPERATOR03', ['operator']))).toMatchObject({
        status: 401,
        body: { code: 'CERTIFICATE_PROFILE_MISMATCH' },
      });
    });

    it('follows a profile change: the office-only anchor allowed operators, then not again', async () => {
      const anchors = (await call('GET', '/v1/trust/anchors')).body['anchors'] as {
        anchorId: string;
        certificateSha256: string;
      }[];
      const config = anchors.find((anchor) => anchor.certificateSha256 === configCa.fingerprint);
      if (!config) throw new Error('the configured anchor is missing');
      const operator = office(configCa, 'OPERATOR04', ['operator']);

      const changed = await call('PUT', `/v1/trust/anchors/${config.anchorId}/profile`, {
        json: { profile: devCertificateProfile(['office', 'operator']) },
      });
      const allowed = await token(operator);
      await call('PUT', `/v1/trust/anchors/${config.anchorId}/profile`, {
        json: { profile: devCertificateProfile(['office']) },
      });
      const refused = await token(operator);

      expect(changed).toMatchObject({
        status: 200,
        body: { profile: { allowedRoles: ['office', 'operator'] } },
      });
      expect(allowed.status).toBe(200);
      expect(refused).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_PROFILE_MISMATCH' } });
    });
  });

  describe('CRL fetching', () => {
    const fetchedCa = createDevCa({ name: 'Fetched CA — TEST ONLY' });
    let served = createDevCrl(fetchedCa, { crlNumber: 1 });
    let server: Server;
    let base: string;

    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url === '/fetched.crl') {
          response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(Buffer.from(served));
          return;
        }
        response.writeHead(500).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fetches an anchor CRL from its distribution point through the upload path, and again when it changes', async () => {
      const anchorId = await addAnchor(fetchedCa, { crlDistributionPoint: `${base}/fetched.crl` });
      const crlOf = async () => {
        const anchors = (await call('GET', '/v1/trust/anchors')).body['anchors'] as {
          anchorId: string;
          crl: { crlNumber: string; source: string } | null;
        }[];
        return anchors.find((anchor) => anchor.anchorId === anchorId)?.crl;
      };

      await expectEventually(async () =>
        expect(await crlOf()).toMatchObject({ crlNumber: '1', source: 'fetch' }),
      );
      const revoked = office(fetchedCa, '1310000009');
      served = createDevCrl(fetchedCa, {
        crlNumber: 2,
        entries: [{ serialNumber: revocationIdOf(revoked.certificate).serialNumber, revokedAt: new Date() }],
      });

      await expectEventually(async () =>
        expect(await crlOf()).toMatchObject({ crlNumber: '2', source: 'fetch' }),
      );
      expect(await token(revoked)).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_REVOKED' } });
    });

    it('counts a failing distribution point and carries on', async () => {
      const failingCa = createDevCa({ name: 'Failing CA — TEST ONLY' });
      await addAnchor(failingCa, { crlDistributionPoint: `${base}/missing.crl` });
      const failures = async () => {
        const { body } = await running.app.get(MetricsRegistry).render();
        return Number(/^certificate_crl_fetch_failures_total(?:\{[^}]*\})? (\d+)/m.exec(body)?.[1] ?? '0');
      };

      // the background round (every second) or this one, whichever holds the lock, counts the failure
      await running.app.get(TrustScheduler).fetchAll();

      await expectEventually(async () => expect(await failures()).toBeGreaterThanOrEqual(1));
    });

    it('exports anchor expiry, CRL freshness and the trust version as metrics', async () => {
      const { body } = await running.app.get(MetricsRegistry).render();

      expect(body).toContain(
        `certificate_trust_anchor_expiry_seconds{anchor="${fetchedCa.fingerprint.slice(0, 12)}"`,
      );
      expect(body).toMatch(
        new RegExp(
          `certificate_crl_next_update_seconds\\{anchor="${fetchedCa.fingerprint.slice(0, 12)}"[^}]*\\} \\d+`,
        ),
      );
      expect(body).toContain(`certificate_crl_age_seconds{anchor="${fetchedCa.fingerprint.slice(0, 12)}"`);
      expect(body).toMatch(/^certificate_trust_version(\{[^}]*\})? [1-9]\d*/m);
    });
  });

  it('refuses to retire the last active anchor', async () => {
    const anchors = (await call('GET', '/v1/trust/anchors')).body['anchors'] as {
      anchorId: string;
      status: string;
    }[];
    const active = anchors.filter((anchor) => anchor.status === 'active');
    for (const anchor of active.slice(1)) {
      expect(
        (await call('POST', `/v1/trust/anchors/${anchor.anchorId}/retire`, { json: { reason: 'test' } }))
          .status,
      ).toBe(200);
    }

    const last = await call('POST', `/v1/trust/anchors/${active[0].anchorId}/retire`, {
      json: { reason: 'x' },
    });

    expect(last).toMatchObject({ status: 409, body: { code: 'TRUST_ANCHOR_LAST_ACTIVE' } });
  });
});
