// A licence's whole year across registry and billing, on the real PostgreSQL and Kafka (issue 6, "must show"):
// the office applies with a signed 利用申請 (registry), registry's outbox relay publishes LicenceChanged to Kafka,
// billing's consumer prices the term; the operator generates the month's cycles, the office's 国保連 takes its
// cycle and posts results (one not deductible, carried over, then deducted; another office's fee carried over and
// then invoiced); registry's term job renews the licence a year later (a second fee); the office cancels (no
// third fee); every cycle's reconciliation balances. Both services run in this process on their own databases,
// so one test clock drives registry's and billing's time (tokens keep real time).
import { billingApp, billingDefinition, BillingClock } from '@renkei/billing';
import { hasValidOfficeCheckDigit } from '@renkei/careplan';
import { allTopicSpecs } from '@renkei/contracts';
import { signJson } from '@renkei/envelope';
import {
  kafkaEnv,
  publishOffice,
  startServiceUnderTest,
  TestTokens,
  type ServiceUnderTest,
} from '@renkei/harness';
import { createTestTopics, deleteTestTopics } from '@renkei/platform/testing';
import { LicencesClock, LicenceTermService, registryApp, registryDefinition } from '@renkei/registry';
import {
  createDevCa,
  expectEventually,
  issueOfficeCertificate,
  readInfraEnv,
  uniqueName,
  type DevCredential,
} from '@renkei/testing';
import iconv from 'iconv-lite';

const infra = readInfraEnv();
const topicPrefix = `${uniqueName('licence_year').replace(/-/g, '_')}.`;
const tokens = new TestTokens('licence-year');
const ca = createDevCa();
const clock = { at: new Date('2027-04-10T01:00:00.000Z') };
let registry: ServiceUnderTest;
let billing: ServiceUnderTest;

/** the first office numbers of prefecture 13 with a valid check digit */
function officeNumbers(count: number): string[] {
  const numbers: string[] = [];
  for (let n = 10_000_000; numbers.length < count; n++) {
    if (hasValidOfficeCheckDigit(`13${n}`)) numbers.push(`13${n}`);
  }
  return numbers;
}
const [OFFICE, OTHER_OFFICE] = officeNumbers(2);

interface FeeJson {
  readonly officeNumber: string;
  readonly termStart: string;
  readonly state: string;
}
interface DeductionJson {
  readonly deductionId: string;
  readonly officeNumber: string;
  readonly officeName: string | null;
  readonly attempt: number;
  readonly amountYen: number;
}
interface AuditJson {
  readonly action: string;
  readonly actor: { readonly role: string; readonly prefecture?: string };
}

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers checked field by field
}

async function call(
  service: ServiceUnderTest,
  method: string,
  route: string,
  token: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${service.running.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
}

const operator = (): string =>
  tokens.token({ officeNumber: 'OPERATOR01', serviceTypes: [] }, { roles: ['operator'] });
const kokuhoren = (prefecture: string): string =>
  tokens.token(
    { officeNumber: `${prefecture}00000000`, serviceTypes: [] },
    { roles: ['kokuhoren'], prefecture },
  );

interface Office {
  readonly officeNumber: string;
  readonly credential: DevCredential;
  readonly token: () => string;
}

/** publishes the office's certificate and applies for its licence, signed, dated by the test clock */
async function applied(officeNumber: string): Promise<Office> {
  const credential = issueOfficeCertificate(ca, { officeNumber, serviceTypes: ['43'], keyType: 'ec' });
  const token = (): string =>
    tokens.token({ officeNumber, serviceTypes: ['43'], certificateSha256: credential.fingerprint });
  await publishOffice(registry.running.url, token(), credential);
  const application = signJson(
    {
      type: 'licence-application',
      officeNumber,
      serviceTypes: ['43'],
      autoRenew: true,
      appliedAt: clock.at.toISOString(),
    },
    { certificate: credential.certificate, privateKey: credential.privateKey },
  );
  const response = await fetch(`${registry.running.url}/v1/licences/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/cms' },
    body: application,
  });
  expect(response.status).toBe(201);
  return { officeNumber, credential, token };
}

/** the office's fees as billing holds them, once there are `count` (the event crosses Kafka) */
async function feesOf(officeNumber: string, count: number): Promise<FeeJson[]> {
  let fees: FeeJson[] = [];
  await expectEventually(
    async () => {
      const answer = await call(billing, 'GET', `/v1/billing/fees?officeNumber=${officeNumber}`, operator());
      expect(answer.status).toBe(200);
      fees = answer.body.items;
      expect(fees).toHaveLength(count);
    },
    { timeoutMs: 30_000 },
  );
  return [...fees].sort((a, b) => a.termStart.localeCompare(b.termStart));
}

/** the operator generates `month`; the 13 cycle, acknowledged by 国保連 13 */
async function takenCycle(month: string): Promise<{ cycleId: string; deductions: DeductionJson[] }> {
  const generated = await call(billing, 'POST', '/v1/billing/cycles', operator(), { month });
  expect(generated.status).toBe(200);
  expect(generated.body).toHaveLength(47);
  const listed = await call(billing, 'GET', `/v1/kokuho/cycles?month=${month}`, kokuhoren('13'));
  expect(listed.body.items).toHaveLength(1);
  const cycleId: string = listed.body.items[0].cycleId;
  // another prefecture's 国保連 cannot see it, nor tell it from an unknown id
  expect(await call(billing, 'GET', `/v1/kokuho/cycles/${cycleId}`, kokuhoren('27'))).toMatchObject({
    status: 404,
  });
  expect(
    await call(billing, 'POST', `/v1/kokuho/cycles/${cycleId}/acknowledgement`, kokuhoren('13')),
  ).toMatchObject({ status: 200, body: { state: 'acknowledged' } });
  const deductions = await call(billing, 'GET', `/v1/kokuho/cycles/${cycleId}/deductions`, kokuhoren('13'));
  return { cycleId, deductions: deductions.body.items };
}

/** posts the results as the 国保連's batch system would: one MS932 CSV */
async function postCsvResults(cycleId: string, rows: string[]): Promise<Answer> {
  const csv = ['控除ID,事業所番号,結果,理由コード,理由', ...rows].join('\r\n') + '\r\n';
  const response = await fetch(`${billing.running.url}/v1/kokuho/cycles/${cycleId}/results`, {
    method: 'POST',
    headers: { authorization: `Bearer ${kokuhoren('13')}`, 'content-type': 'text/csv; charset=Shift_JIS' },
    body: iconv.encode(csv, 'cp932'),
  });
  return { status: response.status, body: await response.json() };
}

async function expectBalanced(cycleId: string): Promise<unknown> {
  const report = await call(billing, 'GET', `/v1/kokuho/cycles/${cycleId}/reconciliation`, kokuhoren('13'));
  expect(report).toMatchObject({ status: 200, body: { balanced: true, discrepancies: [] } });
  return report.body;
}

describe("a licence's whole year across registry and billing (real PostgreSQL and Kafka)", () => {
  beforeAll(async () => {
    await createTestTopics(
      infra.kafkaBrokers,
      topicPrefix,
      allTopicSpecs()
        .map((spec) => spec.name)
        .filter((name) => !name.endsWith('.dlq')),
    );
    registry = await startServiceUnderTest(registryApp, {
      databasePrefix: 'year_registry',
      definitions: [registryDefinition],
      tokens,
      env: {
        ...kafkaEnv(topicPrefix),
        // the boot passes only: the test runs the term job when its clock says so
        LICENCE_RENEWAL_INTERVAL_SECONDS: '86400',
        CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: '86400',
      },
    });
    billing = await startServiceUnderTest(billingApp, {
      databasePrefix: 'year_billing',
      definitions: [billingDefinition],
      tokens,
      env: {
        ...kafkaEnv(topicPrefix),
        BILLING_CYCLE_INTERVAL_SECONDS: '86400',
        BILLING_CYCLE_DAY: '28',
        // a fee not deductible twice is invoiced
        BILLING_CARRY_OVER_CYCLES: '1',
      },
    });
    jest.spyOn(registry.running.app.get(LicencesClock), 'now').mockImplementation(() => clock.at);
    jest.spyOn(billing.running.app.get(BillingClock), 'now').mockImplementation(() => clock.at);
  });

  afterAll(async () => {
    await billing?.close();
    await registry?.close();
    await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
  });

  it('apply → fee → deduction requested → results → carried over / invoiced → renewal → cancellation', async () => {
    // 国保連 13 has the office in its 事業所台帳, so its name travels with the licence to the deduction list
    const master = await call(registry, 'PUT', '/v1/office-master/13', kokuhoren('13'), {
      asOf: '2027-04-01',
      offices: [
        { officeNumber: OFFICE, name: 'ケアプランセンター年間', serviceTypes: ['43'], status: 'active' },
      ],
    });
    expect(master.status).toBe(201);
    // April 2027, 10:00 JST on the 10th: both offices apply; their terms start at 00:00 JST that day
    const office = await applied(OFFICE);
    await applied(OTHER_OFFICE);
    const [fee] = await feesOf(OFFICE, 1);
    expect(fee).toMatchObject({
      officeNumber: OFFICE,
      prefecture: '13',
      termStart: '2027-04-09T15:00:00.000Z',
      termEnd: '2028-04-09T15:00:00.000Z',
      listAmountYen: 21000,
      amountYen: 21000,
      campaignId: null,
      paymentMonth: '202705',
      state: 'due',
    });
    await feesOf(OTHER_OFFICE, 1);
    // the office sees its own fee, and only its own
    const statement = await call(billing, 'GET', '/v1/billing/me', office.token());
    expect(statement.status).toBe(200);
    expect((statement.body.fees as FeeJson[]).map((f) => f.officeNumber)).toEqual([OFFICE]);

    // May: the cycle requests both fees; the office's is not deductible (no 介護給付費 paid), the other's too
    clock.at = new Date('2027-05-01T01:00:00.000Z');
    const may = await takenCycle('202705');
    expect(may.deductions.map((d) => [d.officeNumber, d.officeName, d.attempt, d.amountYen]).sort()).toEqual([
      [OFFICE, 'ケアプランセンター年間', 1, 21000],
      [OTHER_OFFICE, null, 1, 21000],
    ]);
    const mayResults = await postCsvResults(
      may.cycleId,
      may.deductions.map((d) => `${d.deductionId},${d.officeNumber},控除不能,NO_PAYMENT,`),
    );
    expect(mayResults).toMatchObject({ status: 200, body: { applied: 2, cycle: { state: 'closed' } } });
    expect(await expectBalanced(may.cycleId)).toMatchObject({
      totals: { requested: { count: 2, amountYen: 42000 }, notDeductible: { count: 2, amountYen: 42000 } },
      carriedOver: { count: 2, amountYen: 42000 },
      invoiced: { count: 0, amountYen: 0 },
    });

    // June: both carried over (attempt 2); the office's is deducted, the other's fails again and is invoiced
    clock.at = new Date('2027-06-01T01:00:00.000Z');
    const june = await takenCycle('202706');
    expect(june.deductions.map((d) => [d.officeNumber, d.attempt]).sort()).toEqual([
      [OFFICE, 2],
      [OTHER_OFFICE, 2],
    ]);
    const juneResults = await postCsvResults(
      june.cycleId,
      june.deductions.map((d) =>
        d.officeNumber === OFFICE
          ? `${d.deductionId},${d.officeNumber},控除済,,`
          : `${d.deductionId},${d.officeNumber},控除不能,OFFICE_CLOSED,`,
      ),
    );
    expect(juneResults).toMatchObject({ status: 200, body: { cycle: { state: 'closed' } } });
    expect(await expectBalanced(june.cycleId)).toMatchObject({
      totals: { deducted: { count: 1, amountYen: 21000 }, notDeductible: { count: 1, amountYen: 21000 } },
      carriedOver: { count: 0 },
      invoiced: { count: 1, amountYen: 21000 },
    });
    expect((await feesOf(OFFICE, 1))[0]).toMatchObject({ state: 'deducted', attempts: 2 });
    expect((await feesOf(OTHER_OFFICE, 1))[0]).toMatchObject({ state: 'invoiced' });
    const invoices = await call(
      billing,
      'GET',
      `/v1/billing/invoices?officeNumber=${OTHER_OFFICE}`,
      operator(),
    );
    expect(invoices.body.items).toEqual([
      expect.objectContaining({
        number: 'INV-202706-13-000001',
        officeNumber: OTHER_OFFICE,
        amountYen: 21000,
        state: 'issued',
      }),
    ]);

    // a year on: registry's term job renews the auto-renewing licence; billing prices the new term
    clock.at = new Date('2028-04-10T01:00:00.000Z');
    const pass = await registry.running.app.get(LicenceTermService).runOnce();
    expect(pass.renewed).toEqual(expect.arrayContaining([OFFICE]));
    const [, renewed] = await feesOf(OFFICE, 2);
    expect(renewed).toMatchObject({
      termStart: '2028-04-09T15:00:00.000Z',
      termEnd: '2029-04-09T15:00:00.000Z',
      amountYen: 21000,
      paymentMonth: '202805',
      state: 'due',
    });

    // the office cancels: the started term's fee stands, and no later term is ever priced
    const cancelled = await call(registry, 'POST', '/v1/licences/me/cancel', office.token(), {
      reason: '事業所の廃止のため',
    });
    expect(cancelled).toMatchObject({ status: 200, body: { state: 'cancelled' } });
    clock.at = new Date('2028-05-01T01:00:00.000Z');
    const may2028 = await takenCycle('202805');
    const own = may2028.deductions.filter((d) => d.officeNumber === OFFICE);
    expect(own).toEqual([expect.objectContaining({ attempt: 1, amountYen: 21000 })]);
    await postCsvResults(
      may2028.cycleId,
      may2028.deductions.map((d) => `${d.deductionId},${d.officeNumber},控除済,,`),
    );
    await expectBalanced(may2028.cycleId);

    clock.at = new Date('2029-04-10T01:00:00.000Z');
    const later = await registry.running.app.get(LicenceTermService).runOnce();
    expect(later.renewed).not.toContain(OFFICE);
    // give a stray event time to arrive, then the office still has exactly two fees
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await feesOf(OFFICE, 2)).toEqual([
      expect.objectContaining({ state: 'deducted' }),
      expect.objectContaining({ state: 'deducted' }),
    ]);

    // who did what and when: the 国保連's acknowledgement and results are in billing's audit trail
    const audit = await call(
      billing,
      'GET',
      `/v1/billing/audit?entity=cycle&entityId=${may.cycleId}`,
      operator(),
    );
    expect(
      (audit.body.items as AuditJson[]).map((row) => [
        row.action,
        row.actor.role,
        row.actor.prefecture ?? null,
      ]),
    ).toEqual([
      ['generate-cycle', 'operator', null],
      ['acknowledge-cycle', 'kokuhoren', '13'],
      ['post-results', 'kokuhoren', '13'],
      ['close-cycle', 'kokuhoren', '13'],
    ]);
  });
});
