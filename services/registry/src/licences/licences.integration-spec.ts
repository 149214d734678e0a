// Licences on the real PostgreSQL: registry booted on a fresh, migrated database, verifying tokens from a JWKS
// served over HTTP; offices publish their certificate and apply with a signed 利用申請; the licence clock is
// driven by the test (tokens keep real time), and the term job's passes are run by the test. Who may call
// which route is registry-authorization.integration-spec.ts's matrix.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { decodeEvent, LicenceState as LicenceStateProto, Topics } from '@renkei/contracts';
import { signJson } from '@renkei/envelope';
import { MetricsRegistry } from '@renkei/platform';
import { startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/testing';
import { registryApp } from '../registry.app';
import { registryDefinition } from '../registry.definition';
import { LicenceTermService } from './licence-term.service';
import { LicencesClock } from './licences.clock';

const ca = createDevCa();
const tokens = new TestTokens('registry-licences-it');
let service: ServiceUnderTest;
const clock = { at: new Date('2026-04-01T01:00:00.000Z') };

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const credential = (officeNumber: string, serviceTypes = ['43', '46']): DevCredential =>
  issueOfficeCertificate(ca, { officeNumber, serviceTypes, keyType: 'ec' });

const officeToken = (cred: DevCredential, officeNumber: string): string =>
  tokens.token({ officeNumber, serviceTypes: ['43', '46'], certificateSha256: cred.fingerprint });
const operatorToken = (): string =>
  tokens.token({ officeNumber: 'OPERATOR01', serviceTypes: [] }, { roles: ['operator'] });

async function call(
  method: string,
  route: string,
  token: string | undefined,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${service.running.url}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface ApplicationFields {
  type?: string;
  officeNumber?: string;
  serviceTypes?: string[];
  autoRenew?: boolean;
  appliedAt?: string;
}

function signedApplication(
  signer: DevCredential,
  officeNumber: string,
  fields: ApplicationFields = {},
): Uint8Array {
  return signJson(
    {
      type: 'licence-application',
      officeNumber,
      serviceTypes: ['43'],
      autoRenew: true,
      appliedAt: clock.at.toISOString(),
      ...fields,
    },
    { certificate: signer.certificate, privateKey: signer.privateKey },
  );
}

async function postApplication(token: string | undefined, der: Uint8Array, contentType = 'application/cms') {
  const response = await fetch(`${service.running.url}/v1/licences/applications`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': contentType },
    body: Buffer.from(der),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** publishes the office's certificate in the directory, then applies for its licence */
async function licensed(officeNumber: string, fields: ApplicationFields = {}) {
  const cred = credential(officeNumber);
  const token = officeToken(cred, officeNumber);
  const published = await call('PUT', '/v1/offices/me', token, { certificatePem: cred.certificatePem });
  expect(published).toMatchObject({ status: 201 });
  const application = signedApplication(cred, officeNumber, fields);
  const answer = await postApplication(token, application);
  expect(answer).toMatchObject({ status: 201, body: { state: 'active' } });
  return { cred, token, application, licence: answer.body };
}

const licenceEvents = async (officeNumber: string) =>
  (
    await service.database.rows<{ payload: Buffer }>(
      `select payload from registry.outbox_event where topic = $1 and message_key = $2 order by id`,
      [Topics.registryLicenceChanged.name, officeNumber],
    )
  ).map((row) => decodeEvent('registryLicenceChanged', row.payload));

const licenceRows = (officeNumber: string) =>
  service.database.rows(`select * from registry.licence where office_number = $1`, [officeNumber]);

const termPass = () => service.running.app.get(LicenceTermService).runOnce();

describe('registry licences', () => {
  beforeAll(async () => {
    service = await startServiceUnderTest(registryApp, {
      databasePrefix: 'registry_licences',
      definitions: [registryDefinition],
      tokens,
      // the boot passes only: the tests run the passes they need
      env: { LICENCE_RENEWAL_INTERVAL_SECONDS: '86400', CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: '86400' },
    });
    jest.spyOn(service.running.app.get(LicencesClock), 'now').mockImplementation(() => clock.at);
  });

  afterAll(() => service?.close());

  beforeEach(() => {
    clock.at = new Date('2026-04-01T01:00:00.000Z');
  });

  it('lives a whole year: apply → active → auto-renewed at term end → cancelled → never renewed again', async () => {
    const { token } = await licensed('1310000301');

    const me = await call('GET', '/v1/licences/me', token);
    expect(me).toMatchObject({
      status: 200,
      body: {
        officeNumber: '1310000301',
        prefecture: '13',
        serviceTypes: ['43'],
        state: 'active',
        // 2026-04-01 10:00 JST: the term runs from 00:00 JST that day to 00:00 JST on 2027-04-01
        termStart: '2026-03-31T15:00:00.000Z',
        termEnd: '2027-03-31T15:00:00.000Z',
        autoRenew: true,
        version: 2,
      },
    });

    clock.at = new Date('2027-03-31T14:59:59.000Z');
    expect((await termPass()).renewed).not.toContain('1310000301');
    clock.at = new Date('2027-03-31T15:00:00.000Z');
    expect((await termPass()).renewed.filter((n) => n === '1310000301')).toEqual(['1310000301']);
    expect((await call('GET', '/v1/licences/me', token)).body).toMatchObject({
      state: 'active',
      termStart: '2027-03-31T15:00:00.000Z',
      termEnd: '2028-03-31T15:00:00.000Z',
      version: 3,
    });

    clock.at = new Date('2027-06-01T00:00:00.000Z');
    const cancelled = await call('POST', '/v1/licences/me/cancel', token, { reason: '事業所の廃止' });
    expect(cancelled).toMatchObject({
      status: 200,
      body: { state: 'cancelled', autoRenew: false, version: 4 },
    });

    clock.at = new Date('2028-04-01T00:00:00.000Z');
    const pass = await termPass();
    expect([...pass.renewed, ...pass.expired]).not.toContain('1310000301');
    expect((await call('GET', '/v1/licences/me', token)).body).toMatchObject({
      state: 'cancelled',
      version: 4,
    });

    const events = await licenceEvents('1310000301');
    expect(events.map((event) => [event.state, event.version, event.autoRenew])).toEqual([
      [LicenceStateProto.PENDING, 1n, true],
      [LicenceStateProto.ACTIVE, 2n, true],
      [LicenceStateProto.ACTIVE, 3n, true],
      [LicenceStateProto.CANCELLED, 4n, false],
    ]);
    expect(events[2]).toMatchObject({ reason: 'auto-renewed at term end', serviceTypes: ['43'] });
    expect(events[2].termEnd && timestampDate(events[2].termEnd)).toEqual(
      new Date('2028-03-31T15:00:00.000Z'),
    );
    expect(events.every((event) => event.licenceId === me.body['licenceId'])).toBe(true);
    const gauge = await service.running.app
      .get(MetricsRegistry)
      .registry.getSingleMetric('registry_licences')
      ?.get();
    expect(gauge?.values).toContainEqual({ labels: { state: 'cancelled', prefecture: '13' }, value: 1 });
    expect(events[3].meta).toMatchObject({
      producer: 'registry',
      type: Topics.registryLicenceChanged.message,
    });

    const audit = await call('GET', '/v1/licences/1310000301/changes', operatorToken());
    expect(audit.status).toBe(200);
    expect(audit.body).toEqual([
      expect.objectContaining({
        version: 1,
        from: null,
        to: 'pending',
        action: 'apply',
        actor: { id: '1310000301', role: 'office' },
        changedAt: '2026-04-01T01:00:00.000Z',
      }),
      expect.objectContaining({ version: 2, from: 'pending', to: 'active', action: 'approve' }),
      expect.objectContaining({
        version: 3,
        from: 'active',
        to: 'active',
        action: 'renew',
        reason: 'auto-renewed at term end',
        actor: { id: 'registry', role: 'system' },
        changedAt: '2027-03-31T15:00:00.000Z',
      }),
      expect.objectContaining({
        version: 4,
        from: 'active',
        to: 'cancelled',
        action: 'cancel',
        reason: '事業所の廃止',
        actor: { id: '1310000301', role: 'office' },
      }),
    ]);
    expect((await call('GET', '/v1/licences/me/changes', token)).body).toEqual(audit.body);
  });

  it('expires at term end without auto-renewal, leaves the directory, and comes back when the office renews', async () => {
    const { token } = await licensed('1310000302', { autoRenew: false });
    const inDirectory = async () =>
      ((await call('GET', '/v1/directory?officeNumber=1310000302', token)).body['items'] as unknown[]).length;
    expect(await inDirectory()).toBe(1);

    clock.at = new Date('2027-04-01T00:00:00.000Z');
    expect((await termPass()).expired).toContain('1310000302');

    expect((await call('GET', '/v1/licences/me', token)).body).toMatchObject({
      state: 'expired',
      version: 3,
    });
    expect(await inDirectory()).toBe(0);
    expect((await licenceEvents('1310000302')).at(-1)).toMatchObject({
      state: LicenceStateProto.EXPIRED,
      reason: 'term ended without auto-renewal',
    });

    clock.at = new Date('2027-05-10T03:00:00.000Z');
    const renewed = await call('POST', '/v1/licences/me/renewal', token, { autoRenew: true });
    expect(renewed).toMatchObject({
      status: 200,
      body: {
        state: 'active',
        autoRenew: true,
        termStart: '2027-05-09T15:00:00.000Z',
        termEnd: '2028-05-09T15:00:00.000Z',
        version: 4,
      },
    });
    expect(await inDirectory()).toBe(1);
  });

  it('renews each due licence once per missed term when passes run at the same time', async () => {
    const numbers = ['1410000311', '1410000312', '1410000313'];
    for (const number of numbers) await licensed(number);
    // two terms ended while no pass ran
    clock.at = new Date('2028-04-02T00:00:00.000Z');

    const passes = await Promise.all([termPass(), termPass(), termPass()]);

    const renewed = passes.flatMap((pass) => pass.renewed).filter((n) => numbers.includes(n));
    expect(renewed.sort()).toEqual([...numbers, ...numbers].sort());
    for (const number of numbers) {
      expect((await licenceEvents(number)).map((event) => event.version)).toEqual([1n, 2n, 3n, 4n]);
      expect(await licenceRows(number)).toEqual([
        expect.objectContaining({
          state: 'active',
          term_end: new Date('2029-03-31T15:00:00.000Z'),
          version: 4,
        }),
      ]);
    }
  });

  it('turns auto-renewal off and on for a live licence, each an audited change, and nothing for no change', async () => {
    const { token } = await licensed('1310000303');

    const off = await call('POST', '/v1/licences/me/renewal', token, { autoRenew: false });
    const again = await call('POST', '/v1/licences/me/renewal', token, { autoRenew: false });
    const bad = await call('POST', '/v1/licences/me/renewal', token, { autoRenew: 'yes' });

    expect(off).toMatchObject({ status: 200, body: { state: 'active', autoRenew: false, version: 3 } });
    expect(again).toMatchObject({ status: 200, body: { version: 3 } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect((await licenceEvents('1310000303')).map((event) => event.autoRenew)).toEqual([true, true, false]);
    clock.at = new Date('2027-04-01T00:00:00.000Z');
    expect((await termPass()).expired).toContain('1310000303');
  });

  it("suspends and reinstates with the operator's reasons; an application does not lift a suspension", async () => {
    const { cred, token } = await licensed('1310000304');
    const operator = operatorToken();

    const noReason = await call('POST', '/v1/licences/1310000304/suspend', operator, { reason: '  ' });
    const suspended = await call('POST', '/v1/licences/1310000304/suspend', operator, {
      reason: '不正利用の調査',
    });
    const reapplied = await postApplication(token, signedApplication(cred, '1310000304'));
    const directory = await call('GET', '/v1/directory?officeNumber=1310000304', token);
    const reinstated = await call('POST', '/v1/licences/1310000304/reinstate', operator, {
      reason: '調査完了',
    });

    expect(noReason).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect(suspended).toMatchObject({ status: 200, body: { state: 'suspended', reason: '不正利用の調査' } });
    expect(reapplied).toMatchObject({ status: 409, body: { code: 'LICENCE_SUSPENDED' } });
    expect(directory.body['items']).toEqual([]);
    expect(reinstated).toMatchObject({
      status: 200,
      body: { state: 'active', reason: '調査完了', version: 4 },
    });
    const audit = await call('GET', '/v1/licences/1310000304/changes', operator);
    expect((audit.body as unknown as Record<string, unknown>[]).slice(2)).toEqual([
      expect.objectContaining({
        from: 'active',
        to: 'suspended',
        reason: '不正利用の調査',
        actor: { id: 'OPERATOR01', role: 'operator' },
      }),
      expect.objectContaining({ from: 'suspended', to: 'active', reason: '調査完了', action: 'reinstate' }),
    ]);
    expect((await licenceEvents('1310000304')).map((event) => event.state)).toEqual([
      LicenceStateProto.PENDING,
      LicenceStateProto.ACTIVE,
      LicenceStateProto.SUSPENDED,
      LicenceStateProto.ACTIVE,
    ]);
  });

  it('refuses illegal transitions with LICENCE_TRANSITION_INVALID and writes nothing for them', async () => {
    const { cred, token, application: firstApplication } = await licensed('1310000305');
    const operator = operatorToken();
    // a retry of the very application that opened the licence answers it, unchanged
    const sameAgain = await postApplication(token, firstApplication);

    const reinstateActive = await call('POST', '/v1/licences/1310000305/reinstate', operator, {
      reason: 'x',
    });
    const applyActive = await postApplication(
      token,
      signedApplication(cred, '1310000305', { appliedAt: '2026-04-02T00:00:00.000Z' }),
    );
    await call('POST', '/v1/licences/1310000305/cancel', operator, { reason: '契約違反' });
    const cancelTwice = await call('POST', '/v1/licences/me/cancel', token, { reason: 'again' });
    const suspendCancelled = await call('POST', '/v1/licences/1310000305/suspend', operator, { reason: 'x' });
    const renewCancelled = await call('POST', '/v1/licences/me/renewal', token, { autoRenew: true });
    const unknown = await call('POST', '/v1/licences/1399999999/suspend', operator, { reason: 'x' });

    expect(sameAgain).toMatchObject({ status: 200, body: { state: 'active', version: 2 } });
    expect(reinstateActive).toMatchObject({ status: 409, body: { code: 'LICENCE_TRANSITION_INVALID' } });
    expect(applyActive).toMatchObject({ status: 409, body: { code: 'LICENCE_ALREADY_ACTIVE' } });
    expect(cancelTwice).toMatchObject({ status: 409, body: { code: 'LICENCE_TRANSITION_INVALID' } });
    expect(suspendCancelled).toMatchObject({ status: 409, body: { code: 'LICENCE_TRANSITION_INVALID' } });
    expect(renewCancelled).toMatchObject({ status: 409, body: { code: 'LICENCE_TRANSITION_INVALID' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'LICENCE_NOT_FOUND' } });
    expect((await licenceEvents('1310000305')).map((event) => event.state)).toEqual([
      LicenceStateProto.PENDING,
      LicenceStateProto.ACTIVE,
      LicenceStateProto.CANCELLED,
    ]);

    // a cancelled office may apply again: the same licence reopens with a new term
    clock.at = new Date('2026-09-01T00:00:00.000Z');
    const reopened = await postApplication(token, signedApplication(cred, '1310000305'));
    expect(reopened).toMatchObject({
      status: 201,
      body: { state: 'active', version: 5, termStart: '2026-08-31T15:00:00.000Z' },
    });
  });

  it('refuses forged and malformed applications and leaves nothing behind', async () => {
    const mine = credential('1310000306');
    const other = credential('1310000307');
    const sameOfficeOtherCertificate = credential('1310000306');
    const token = officeToken(mine, '1310000306');
    await call('PUT', '/v1/offices/me', token, { certificatePem: mine.certificatePem });
    const tampered = Buffer.from(signedApplication(mine, '1310000306'));
    const at = tampered.indexOf(Buffer.from('"serviceTypes":["43"]'));
    tampered[at + 17] = '6'.charCodeAt(0);

    const answers = {
      otherSigner: await postApplication(token, signedApplication(other, '1310000306')),
      otherToken: await postApplication(
        officeToken(sameOfficeOtherCertificate, '1310000306'),
        signedApplication(mine, '1310000306'),
      ),
      tampered: await postApplication(token, tampered),
      garbage: await postApplication(token, Buffer.from('not a signed application')),
      otherOffice: await postApplication(token, signedApplication(mine, '1310000307')),
      uncovered: await postApplication(
        token,
        signedApplication(mine, '1310000306', { serviceTypes: ['43', '15'] }),
      ),
      badBody: await postApplication(
        token,
        signedApplication(mine, '1310000306', { type: 'other', autoRenew: undefined }),
      ),
      textPlain: await postApplication(token, signedApplication(mine, '1310000306'), 'text/plain'),
    };

    expect(answers).toMatchObject({
      otherSigner: { status: 403, body: { code: 'LICENCE_APPLICATION_NOT_AUTHENTICATED' } },
      otherToken: { status: 403, body: { code: 'LICENCE_APPLICATION_NOT_AUTHENTICATED' } },
      tampered: { status: 400, body: { code: 'LICENCE_APPLICATION_SIGNATURE_INVALID' } },
      garbage: { status: 400, body: { code: 'LICENCE_APPLICATION_SIGNATURE_INVALID' } },
      otherOffice: { status: 403, body: { code: 'LICENCE_APPLICATION_NOT_AUTHENTICATED' } },
      uncovered: {
        status: 403,
        body: { code: 'LICENCE_SERVICE_TYPE_NOT_COVERED', details: { serviceTypes: ['15'] } },
      },
      badBody: {
        status: 400,
        body: {
          code: 'LICENCE_APPLICATION_INVALID',
          details: [
            { field: 'type', problem: 'must be "licence-application"' },
            { field: 'autoRenew', problem: 'must be a boolean' },
          ],
        },
      },
      textPlain: { status: 415, body: { code: 'LICENCE_APPLICATION_MEDIA_TYPE' } },
    });
    expect(await licenceRows('1310000306')).toEqual([]);
    expect(await licenceRows('1310000307')).toEqual([]);
    expect(await licenceEvents('1310000306')).toEqual([]);
  });

  it('refuses an application from an office that has not published its certificate in the directory', async () => {
    const cred = credential('1310000308');

    const answer = await postApplication(
      officeToken(cred, '1310000308'),
      signedApplication(cred, '1310000308'),
    );

    expect(answer).toMatchObject({ status: 409, body: { code: 'LICENCE_OFFICE_NOT_REGISTERED' } });
    expect(await licenceRows('1310000308')).toEqual([]);
  });

  it('lists and pages the directory of live licences by office number, with filters', async () => {
    await licensed('4710000401', { serviceTypes: ['43'] });
    await licensed('4710000402', { serviceTypes: ['46'] });
    const { token } = await licensed('4710000403', { serviceTypes: ['43', '46'] });
    await licensed('4710000404');
    await call('POST', '/v1/licences/4710000404/suspend', operatorToken(), { reason: '調査' });

    const first = await call('GET', '/v1/directory?prefecture=47&limit=2', token);
    const second = await call(
      'GET',
      `/v1/directory?prefecture=47&limit=2&after=${String(first.body['nextAfter'])}`,
      token,
    );
    const byType = await call('GET', '/v1/directory?prefecture=47&serviceType=46', token);
    // the office master (事業所台帳) names two of them; written directly, as its upload would
    for (const [number, name, kana] of [
      ['4710000401', '居宅介護支援センターあおば', 'キョタクカイゴシエンセンターアオバ'],
      ['4710000403', '訪問介護ステーション100%', null],
    ]) {
      await service.database.rows(
        `insert into registry.office_master_entry (office_number, prefecture, name, name_kana, service_types, status,
           upload_id, as_of, version, updated_at) values ($1, '47', $2, $3, '{43}', 'active', $4, '2026-04-01', 1, now())`,
        [number, name, kana, crypto.randomUUID()],
      );
    }
    const named = await call('GET', '/v1/directory?prefecture=47', token);
    const byName = await call('GET', `/v1/directory?name=${encodeURIComponent('あおば')}`, token);
    const byKana = await call('GET', `/v1/directory?name=${encodeURIComponent('アオバ')}`, token);
    const byPercent = await call('GET', `/v1/directory?name=${encodeURIComponent('0%')}`, token);
    const wildcard = await call('GET', `/v1/directory?name=${encodeURIComponent('%')}&prefecture=47`, token);
    const badLimit = await call('GET', '/v1/directory?limit=0&serviceType=x', token);

    expect(first.body).toEqual({
      items: [
        {
          officeNumber: '4710000401',
          name: null,
          prefecture: '47',
          serviceTypes: ['43'],
          licenceTermEnd: '2027-03-31T15:00:00.000Z',
        },
        expect.objectContaining({ officeNumber: '4710000402' }),
      ],
      nextAfter: '4710000402',
    });
    expect(second.body).toEqual({
      items: [expect.objectContaining({ officeNumber: '4710000403' })],
      nextAfter: null,
    });
    expect((byType.body['items'] as { officeNumber: string }[]).map((e) => e.officeNumber)).toEqual([
      '4710000402',
      '4710000403',
    ]);
    expect((named.body['items'] as { name: string | null }[]).map((entry) => entry.name)).toEqual([
      '居宅介護支援センターあおば',
      null,
      '訪問介護ステーション100%',
    ]);
    const numbersOf = (answer: Answer) =>
      (answer.body['items'] as { officeNumber: string }[]).map((entry) => entry.officeNumber);
    expect(numbersOf(byName)).toEqual(['4710000401']);
    expect(numbersOf(byKana)).toEqual(['4710000401']);
    expect(numbersOf(byPercent)).toEqual(['4710000403']);
    expect(numbersOf(wildcard)).toEqual(['4710000403']);
    expect(badLimit).toMatchObject({
      status: 400,
      body: {
        code: 'REQUEST_INVALID',
        details: [
          expect.objectContaining({ field: 'serviceType' }),
          expect.objectContaining({ field: 'limit' }),
        ],
      },
    });
  });
});
