// The directory on the real PostgreSQL: registry booted with startApp on a free port against a fresh, migrated
// database, verifying tokens from a JWKS served over HTTP as the certificate service would (a service cannot
// boot another one, so the test signs its own ES256 tokens).
import { fromBinary } from '@bufbuild/protobuf';
import { OfficeChangedSchema, OfficeStatus, Topics } from '@renkei/contracts';
import { startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/testing';
import { registryApp } from '../registry.app';
import { registryDefinition } from '../registry.definition';
import { CertificateExpiryService } from './certificate-expiry.service';

const ca = createDevCa();
const tokens = new TestTokens('registry-it');
let service: ServiceUnderTest;

function office(officeNumber: string, serviceTypes = ['43'], notAfter?: Date): DevCredential {
  return issueOfficeCertificate(ca, { officeNumber, serviceTypes, keyType: 'ec', notAfter });
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** `days` days and `hours` hours from now, in whole seconds (a certificate's notAfter has no milliseconds) */
const fromNow = (days: number, hours = 0): Date =>
  new Date(Math.floor((Date.now() + days * DAY_MS + hours * 3_600_000) / 1000) * 1000);

/** a platform token for `credential`, as the certificate service issues it */
const tokenFor = (credential: DevCredential, officeNumber: string, serviceTypes = ['43']): string =>
  tokens.token({ officeNumber, serviceTypes, certificateSha256: credential.fingerprint });

interface OutboxRow {
  topic: string;
  message_key: string;
  payload: Buffer;
}

const outboxOf = (officeNumber: string): Promise<OutboxRow[]> =>
  service.database.rows<OutboxRow>(
    `select topic, message_key, payload from registry.outbox_event where message_key = $1 order by id`,
    [officeNumber],
  );

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('registry office directory', () => {
  async function call(method: string, route: string, token: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${service.running.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const publish = (credential: DevCredential, officeNumber: string, pem = credential.certificatePem) =>
    call('PUT', '/v1/offices/me', tokenFor(credential, officeNumber), { certificatePem: pem });

  beforeAll(async () => {
    service = await startServiceUnderTest(registryApp, {
      databasePrefix: 'registry_offices',
      definitions: [registryDefinition],
      tokens,
      // the boot pass only: the tests run the expiry passes they need
      env: { CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: '86400' },
    });
  });

  afterAll(() => service?.close());

  it('registers an office on first publication (201) and writes registry.office.changed.v1 in the outbox', async () => {
    const credential = office('1310000101', ['43', '46']);

    const answer = await publish(credential, '1310000101');

    expect(answer).toMatchObject({
      status: 201,
      body: {
        officeNumber: '1310000101',
        serviceTypes: ['43', '46'],
        status: 'active',
        certificateSha256: credential.fingerprint,
        version: 1,
      },
    });
    expect(answer.body['registeredAt']).toBe(answer.body['updatedAt']);
    const rows = await outboxOf('1310000101');
    expect(rows).toHaveLength(1);
    expect(rows[0].topic).toBe(Topics.registryOfficeChanged.name);
    const event = fromBinary(OfficeChangedSchema, rows[0].payload);
    expect(event).toMatchObject({
      officeNumber: '1310000101',
      serviceTypes: ['43', '46'],
      status: OfficeStatus.ACTIVE,
      certificateSha256: credential.fingerprint,
      version: 1n,
      meta: { producer: 'registry', type: Topics.registryOfficeChanged.message },
    });
    expect(Buffer.from(event.certificateDer)).toEqual(Buffer.from(credential.certificate));
  });

  it('answers 200 without a new version or event when the same certificate is published again', async () => {
    const credential = office('1310000102');
    expect((await publish(credential, '1310000102')).status).toBe(201);

    const again = await publish(credential, '1310000102');

    expect(again).toMatchObject({ status: 200, body: { version: 1 } });
    expect(await outboxOf('1310000102')).toHaveLength(1);
  });

  it('bumps the version and emits an event for a new certificate', async () => {
    const first = office('1310000103');
    const renewed = office('1310000103', ['43', '15']);
    const registered = await publish(first, '1310000103');

    const answer = await publish(renewed, '1310000103');

    expect(answer).toMatchObject({
      status: 200,
      body: { version: 2, certificateSha256: renewed.fingerprint, serviceTypes: ['43', '15'] },
    });
    expect(answer.body['registeredAt']).toBe(registered.body['registeredAt']);
    const rows = await outboxOf('1310000103');
    expect(rows.map((row) => fromBinary(OfficeChangedSchema, row.payload).version)).toEqual([1n, 2n]);
    const directory = await call('GET', '/v1/offices/1310000103', tokenFor(first, '1310000103'));
    expect(directory.body).toMatchObject({ version: 2, certificatePem: renewed.certificatePem });
  });

  it('refuses a certificate the token was not issued for (403)', async () => {
    const mine = office('1310000104');
    const other = office('1310000105');

    const answer = await publish(mine, '1310000104', other.certificatePem);

    expect(answer).toMatchObject({ status: 403, body: { code: 'OFFICE_CERTIFICATE_NOT_AUTHENTICATED' } });
    expect(await outboxOf('1310000104')).toEqual([]);
    expect(await outboxOf('1310000105')).toEqual([]);
  });

  it('refuses a certificate naming another office than the token (403)', async () => {
    const credential = office('1310000106');

    const answer = await publish(credential, '1310000107');

    expect(answer).toMatchObject({ status: 403, body: { code: 'OFFICE_CERTIFICATE_NOT_AUTHENTICATED' } });
  });

  it('refuses a PEM block that is not a certificate and a body without one (400)', async () => {
    const credential = office('1310000108');
    const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';

    const invalid = await publish(credential, '1310000108', garbage);
    const noPem = await publish(credential, '1310000108', 'hello');
    const noBody = await call('PUT', '/v1/offices/me', tokenFor(credential, '1310000108'), { other: 1 });

    expect(invalid).toMatchObject({ status: 400, body: { code: 'OFFICE_CERTIFICATE_INVALID' } });
    expect(noPem).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect(noBody).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
  });

  it('serves a registered office with its certificate, 404 for an unknown one, 400 for a bad number', async () => {
    const credential = office('1310000109', ['46']);
    await publish(credential, '1310000109');
    const token = tokenFor(credential, '1310000109');

    const found = await call('GET', '/v1/offices/1310000109', token);
    const unknown = await call('GET', '/v1/offices/1399999999', token);
    const bad = await call('GET', '/v1/offices/13100-0109', token);

    expect(found).toEqual({
      status: 200,
      body: {
        officeNumber: '1310000109',
        serviceTypes: ['46'],
        status: 'active',
        certificatePem: credential.certificatePem,
        certificateSha256: credential.fingerprint,
        version: 1,
      },
    });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'OFFICE_NOT_FOUND' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'OFFICE_NUMBER_INVALID' } });
  });

  it('requires a token', async () => {
    const response = await fetch(`${service.running.url}/v1/offices/1310000109`);
    const me = await fetch(`${service.running.url}/v1/offices/me`);

    expect(response.status).toBe(401);
    expect(me.status).toBe(401);
  });

  it('serves the calling office its own record with its certificate expiry (GET /v1/offices/me)', async () => {
    const notAfter = fromNow(365);
    const credential = office('1310000110', ['43'], notAfter);
    const other = office('1310000111', ['43'], fromNow(200));
    await publish(credential, '1310000110');
    await publish(other, '1310000111');

    const mine = await call('GET', '/v1/offices/me', tokenFor(credential, '1310000110'));
    const theirs = await call('GET', '/v1/offices/me', tokenFor(other, '1310000111'));

    expect(mine).toEqual({
      status: 200,
      body: {
        officeNumber: '1310000110',
        serviceTypes: ['43'],
        status: 'active',
        certificateSha256: credential.fingerprint,
        version: 1,
        registeredAt: expect.any(String),
        updatedAt: expect.any(String),
        certificate: {
          notAfter: notAfter.toISOString(),
          daysLeft: 365,
          expiry: 'ok',
          warning: null,
          nextWarningAt: new Date(notAfter.getTime() - 60 * DAY_MS).toISOString(),
        },
        message: null,
      },
    });
    expect(theirs.body).toMatchObject({
      officeNumber: '1310000111',
      certificateSha256: other.fingerprint,
      certificate: { daysLeft: 200 },
    });
  });

  it('tells an office in Japanese that its certificate is expiring, with the warning the job raised', async () => {
    const notAfter = fromNow(45, -1);
    const credential = office('1310000112', ['43'], notAfter);
    await publish(credential, '1310000112');

    await service.running.app.get(CertificateExpiryService).runOnce();
    const answer = await call('GET', '/v1/offices/me', tokenFor(credential, '1310000112'));

    expect(answer).toMatchObject({
      status: 200,
      body: {
        officeNumber: '1310000112',
        certificate: {
          notAfter: notAfter.toISOString(),
          daysLeft: 45,
          expiry: 'expiring',
          warning: { raisedAt: expect.any(String), point: 46 },
          nextWarningAt: new Date(notAfter.getTime() - 32 * DAY_MS).toISOString(),
        },
        message: '電子証明書の有効期限まであと45日です。更新してください。',
      },
    });
    const raised = await service.database.rows<{ point: number }>(
      `select point from registry.office_certificate_warning where office_number = $1`,
      ['1310000112'],
    );
    expect(raised).toEqual([{ point: 46 }]);
  });

  it('answers 404 OFFICE_NOT_FOUND on GET /v1/offices/me before the office published its certificate', async () => {
    const credential = office('1310000113');

    const answer = await call('GET', '/v1/offices/me', tokenFor(credential, '1310000113'));

    expect(answer).toMatchObject({ status: 404, body: { code: 'OFFICE_NOT_FOUND' } });
  });
});
