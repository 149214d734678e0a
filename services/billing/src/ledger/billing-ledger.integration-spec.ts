// The billing ledger on the real PostgreSQL and Kafka: billing booted on a fresh, migrated database, its licence
// consumer on a test topic under a unique prefix; the test plays registry by producing LicenceChanged events,
// drives the ledger's clock, and calls the ledger through the Nest app (the HTTP layer has its own specs).
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeEvent, LicenceState, Topics } from '@renkei/contracts';
import { kafkaEnv, startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import { EventBus, MetricsRegistry } from '@renkei/platform';
import { createTestTopics, deleteTestTopics } from '@renkei/platform/testing';
import { expectEventually, readInfraEnv, uniqueName } from '@renkei/testing';
import { randomUUID } from 'node:crypto';
import { billingApp } from '../billing.app';
import { billingDefinition } from '../billing.definition';
import { BillingCycleJob } from './billing-cycle.job';
import { BillingClock } from './billing.clock';
import { BillingError, BillingErrorCode } from './billing.errors';
import {
  BILLING_LEDGER,
  type BillingActor,
  type BillingLedgerPort,
  type CycleView,
  type FeeView,
  type ResultInput,
} from './billing.ports';

const infra = readInfraEnv();
const topicPrefix = `${uniqueName('billing')}.`;
const tokens = new TestTokens('billing-ledger-it');
const SEEDED_SCHEDULE_ID = '00000000-0000-4000-8000-000000000001';

const operator: BillingActor = { id: 'OPERATOR01', role: 'operator' };
const kokuhoren = (prefecture: string): BillingActor => ({
  id: `${prefecture}00000000`,
  role: 'kokuhoren',
  prefecture,
});

let service: ServiceUnderTest;
let ledger: BillingLedgerPort;
const clock = { at: new Date('2027-04-15T01:00:00.000Z') };

/** 00:00 JST of a date, as registry sets term starts */
const jstMidnight = (date: string): Date => new Date(`${date}T00:00:00+09:00`);
const yearAfter = (start: Date): Date => {
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  return end;
};

interface LicenceEventInput {
  readonly officeNumber: string;
  readonly licenceId: string;
  readonly state: LicenceState;
  readonly version: number;
  readonly termStart?: Date;
  readonly eventId?: string;
  readonly autoRenew?: boolean;
}

interface SentEvent {
  readonly eventId: string;
  readonly key: string;
  readonly topic: string;
  readonly value: Uint8Array;
}

function licenceEvent(input: LicenceEventInput): SentEvent {
  const eventId = input.eventId ?? randomUUID();
  const { topic, value } = encodeEvent(
    'registryLicenceChanged',
    { eventId, producer: 'registry', occurredAt: clock.at },
    {
      officeNumber: input.officeNumber,
      licenceId: input.licenceId,
      serviceTypes: ['43'],
      state: input.state,
      ...(input.termStart
        ? {
            termStart: timestampFromDate(input.termStart),
            termEnd: timestampFromDate(yearAfter(input.termStart)),
          }
        : {}),
      autoRenew: input.autoRenew ?? true,
      reason: 'test',
      version: BigInt(input.version),
      changedAt: timestampFromDate(clock.at),
    },
  );
  return { eventId, key: input.officeNumber, topic, value };
}

/** produces the events to the real topic and waits until billing's inbox holds them (effects committed) */
async function deliver(...events: SentEvent[]): Promise<void> {
  await service.running.app.get(EventBus).publish(
    events.map((event) => ({
      topic: event.topic,
      key: event.key,
      value: event.value,
      headers: { 'event-id': event.eventId, producer: 'registry' },
    })),
  );
  const ids = [...new Set(events.map((event) => event.eventId))];
  await expectEventually(
    async () => {
      const rows = await service.database.rows<{ n: number }>(
        `select count(distinct event_id)::int as n from billing.inbox_event where event_id = any($1::uuid[])`,
        [ids],
      );
      expect(rows[0].n).toBe(ids.length);
    },
    { timeoutMs: 30_000 },
  );
}

/** a licence that registry approved: pending, then active with a term starting on `startDate` (JST) */
async function activeLicence(
  officeNumber: string,
  startDate: string,
): Promise<{ licenceId: string; termStart: Date }> {
  const licenceId = randomUUID();
  const termStart = jstMidnight(startDate);
  await deliver(
    licenceEvent({ officeNumber, licenceId, state: LicenceState.PENDING, version: 1 }),
    licenceEvent({ officeNumber, licenceId, state: LicenceState.ACTIVE, version: 2, termStart }),
  );
  return { licenceId, termStart };
}

const feesOf = async (officeNumber: string): Promise<FeeView[]> =>
  (await ledger.listFees(undefined, { officeNumber }, {})).items;

async function cycleOf(month: string, prefecture: string): Promise<CycleView> {
  const cycles = await ledger.generateCycles(operator, month);
  const cycle = cycles.find((c) => c.prefecture === prefecture);
  if (!cycle) throw new Error(`no cycle ${month}/${prefecture}`);
  return cycle;
}

async function deductionsOf(cycleId: string) {
  return (await ledger.listDeductions(undefined, cycleId, {})).items;
}

async function refusal(work: Promise<unknown>): Promise<BillingError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BillingError);
  return error as BillingError;
}

const notDeductible = (deductionId: string, officeNumber: string, source = 'results[0]'): ResultInput => ({
  deductionId,
  officeNumber,
  result: 'not_deductible',
  reasonCode: 'NO_PAYMENT',
  source,
});
const deducted = (deductionId: string, officeNumber: string, source = 'results[0]'): ResultInput => ({
  deductionId,
  officeNumber,
  result: 'deducted',
  source,
});

describe('billing ledger', () => {
  beforeAll(async () => {
    await createTestTopics(infra.kafkaBrokers, topicPrefix, [Topics.registryLicenceChanged.name]);
    service = await startServiceUnderTest(billingApp, {
      databasePrefix: 'billing_ledger',
      definitions: [billingDefinition],
      tokens,
      env: {
        ...kafkaEnv(topicPrefix),
        // the boot pass only (before the 28th it generates nothing): the tests run the passes they need
        BILLING_CYCLE_INTERVAL_SECONDS: '86400',
        BILLING_CYCLE_DAY: '28',
        BILLING_CARRY_OVER_CYCLES: '2',
      },
    });
    jest.spyOn(service.running.app.get(BillingClock), 'now').mockImplementation(() => clock.at);
    ledger = service.running.app.get<BillingLedgerPort>(BILLING_LEDGER);
  });

  afterAll(async () => {
    await service?.close();
    await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
  });

  it("bills a licence's whole year: fee, cycle, not deductible, carried over, deducted; renewal; cancellation", async () => {
    const office = '1310000001';
    clock.at = new Date('2027-04-15T01:00:00.000Z');
    const { licenceId, termStart } = await activeLicence(office, '2027-04-15');

    const [fee] = await feesOf(office);
    expect(await feesOf(office)).toHaveLength(1);
    expect(fee).toMatchObject({
      officeNumber: office,
      prefecture: '13',
      licenceId,
      termStart: termStart.toISOString(),
      termEnd: '2028-04-14T15:00:00.000Z',
      listAmountYen: 21000,
      amountYen: 21000,
      feeScheduleId: SEEDED_SCHEDULE_ID,
      campaignId: null,
      paymentMonth: '202705',
      state: 'due',
      attempts: 0,
    });

    // a reinstatement (same term, newer version) and an older version create nothing
    await deliver(
      licenceEvent({ officeNumber: office, licenceId, state: LicenceState.SUSPENDED, version: 3, termStart }),
      licenceEvent({ officeNumber: office, licenceId, state: LicenceState.ACTIVE, version: 4, termStart }),
      licenceEvent({ officeNumber: office, licenceId, state: LicenceState.ACTIVE, version: 2, termStart }),
    );
    expect(await feesOf(office)).toEqual([fee]);
    const [licenceRow] = await service.database.rows(
      `select * from billing.licence where office_number = $1`,
      [office],
    );
    expect(licenceRow).toMatchObject({ state: 'active', version: 4 });

    // the payment month's cycle requests it, once
    clock.at = new Date('2027-05-01T00:00:00.000Z');
    const cycles = await ledger.generateCycles(operator, '202705');
    expect(cycles).toHaveLength(47);
    expect(new Set(cycles.map((c) => c.prefecture)).size).toBe(47);
    const may = cycles.find((c) => c.prefecture === '13') as CycleView;
    expect(may).toMatchObject({
      month: '202705',
      state: 'open',
      totals: { requested: { count: 1, amountYen: 21000 }, pending: { count: 1, amountYen: 21000 } },
    });
    expect(await ledger.generateCycles(operator, '202705')).toEqual(cycles);
    const [first] = await deductionsOf(may.cycleId);
    expect(first).toMatchObject({
      feeId: fee.feeId,
      officeNumber: office,
      attempt: 1,
      amountYen: 21000,
      result: null,
    });
    expect((await feesOf(office))[0]).toMatchObject({ state: 'requested', attempts: 1 });

    // the 国保連 takes it and cannot deduct: the fee is carried over to June
    const tokyo = kokuhoren('13');
    expect((await ledger.acknowledgeCycle(tokyo, '13', may.cycleId)).state).toBe('acknowledged');
    expect((await ledger.acknowledgeCycle(tokyo, '13', may.cycleId)).state).toBe('acknowledged');
    const posted = await ledger.postResults(tokyo, '13', may.cycleId, [
      notDeductible(first.deductionId, office),
    ]);
    expect(posted).toMatchObject({
      applied: 1,
      unchanged: 0,
      cycle: {
        state: 'closed',
        totals: { notDeductible: { count: 1, amountYen: 21000 }, pending: { count: 0, amountYen: 0 } },
      },
    });
    expect((await feesOf(office))[0]).toMatchObject({ state: 'due', paymentMonth: '202706', attempts: 1 });
    expect(await ledger.reconcile('13', may.cycleId)).toMatchObject({
      balanced: true,
      discrepancies: [],
      carriedOver: { count: 1, amountYen: 21000 },
      invoiced: { count: 0, amountYen: 0 },
    });

    // June: the second attempt is deducted
    clock.at = new Date('2027-06-01T00:00:00.000Z');
    const june = await cycleOf('202706', '13');
    const [second] = await deductionsOf(june.cycleId);
    expect(second).toMatchObject({ feeId: fee.feeId, attempt: 2, month: '202706' });
    await ledger.acknowledgeCycle(tokyo, '13', june.cycleId);
    expect(
      (await ledger.postResults(tokyo, '13', june.cycleId, [deducted(second.deductionId, office)])).cycle
        .state,
    ).toBe('closed');
    expect((await feesOf(office))[0]).toMatchObject({ state: 'deducted', attempts: 2 });
    expect(await ledger.reconcile(undefined, june.cycleId)).toMatchObject({
      balanced: true,
      totals: { requested: { count: 1 }, deducted: { count: 1, amountYen: 21000 } },
    });

    // renewal next year: a second fee; cancellation: no third
    clock.at = new Date('2028-04-15T00:00:00.000Z');
    const renewed = yearAfter(termStart);
    await deliver(
      licenceEvent({
        officeNumber: office,
        licenceId,
        state: LicenceState.ACTIVE,
        version: 5,
        termStart: renewed,
      }),
    );
    clock.at = new Date('2028-06-01T00:00:00.000Z');
    await deliver(
      licenceEvent({
        officeNumber: office,
        licenceId,
        state: LicenceState.CANCELLED,
        version: 6,
        termStart: renewed,
        autoRenew: false,
      }),
    );
    const fees = await feesOf(office);
    expect(fees.map((f) => [f.termStart, f.paymentMonth, f.state])).toEqual([
      [termStart.toISOString(), '202706', 'deducted'],
      [renewed.toISOString(), '202805', 'due'],
    ]);

    const statement = await ledger.officeStatement(office);
    expect(statement.fees).toHaveLength(2);
    expect(statement.deductions.map((d) => [d.month, d.attempt, d.result])).toEqual([
      ['202705', 1, 'not_deductible'],
      ['202706', 2, 'deducted'],
    ]);
    expect(statement.invoices).toEqual([]);

    const feeAudit = await ledger.audit({ entity: 'fee', entityId: fee.feeId }, {});
    expect(feeAudit.items.map((row) => [row.action, row.actor.role])).toEqual([['create-fee', 'system']]);
    const cycleAudit = await ledger.audit({ entity: 'cycle', entityId: may.cycleId }, {});
    expect(cycleAudit.items.map((row) => [row.action, row.actor.id])).toEqual([
      ['generate-cycle', 'OPERATOR01'],
      ['acknowledge-cycle', '1300000000'],
      ['post-results', '1300000000'],
      ['close-cycle', '1300000000'],
    ]);
    expect(cycleAudit.items[3].after).toMatchObject({ carriedOver: { count: 1, amountYen: 21000 } });

    const summary = await ledger.summary('202705');
    expect(summary).toHaveLength(47);
    expect(summary.find((row) => row.prefecture === '13')).toMatchObject({
      cycle: { cycleId: may.cycleId, state: 'closed' },
      licencesBilled: 1,
      totals: { requested: { count: 1, amountYen: 21000 } },
    });

    const counter = await service.running.app
      .get(MetricsRegistry)
      .registry.getSingleMetric('billing_deduction_results_total')
      ?.get();
    expect(counter?.values).toEqual(
      expect.arrayContaining([
        { labels: { prefecture: '13', result: 'not_deductible' }, value: 1 },
        { labels: { prefecture: '13', result: 'deducted' }, value: 1 },
      ]),
    );
  });

  it('creates nothing for a redelivered event or a licence that never became active', async () => {
    clock.at = new Date('2028-01-10T01:00:00.000Z');
    const licenceId = randomUUID();
    const termStart = jstMidnight('2028-01-10');
    const active = licenceEvent({
      officeNumber: '1910000001',
      licenceId,
      state: LicenceState.ACTIVE,
      version: 2,
      termStart,
    });
    await deliver(active);
    await deliver(active);
    // the same content under another event id: the version is not newer
    await deliver(
      licenceEvent({
        officeNumber: '1910000001',
        licenceId,
        state: LicenceState.ACTIVE,
        version: 2,
        termStart,
      }),
    );
    expect(await feesOf('1910000001')).toHaveLength(1);

    const never = randomUUID();
    await deliver(
      licenceEvent({ officeNumber: '1910000002', licenceId: never, state: LicenceState.PENDING, version: 1 }),
      licenceEvent({
        officeNumber: '1910000002',
        licenceId: never,
        state: LicenceState.CANCELLED,
        version: 2,
      }),
    );
    expect(await feesOf('1910000002')).toEqual([]);
  });

  it('prices by campaign: a free pass waives, 50 % halves, overlapping campaigns take the largest', async () => {
    clock.at = new Date('2028-12-01T00:00:00.000Z');
    const free = await ledger.addCampaign(operator, {
      name: 'フリーパスキャンペーン',
      startsOn: '2029-01-01',
      endsOn: '2029-01-31',
      discountPercent: 100,
      reason: '全国フリーパス',
    });
    const half = await ledger.addCampaign(operator, {
      name: '半額',
      startsOn: '2029-02-01',
      endsOn: '2029-02-28',
      discountPercent: 50,
      reason: '半額キャンペーン',
    });
    await ledger.addCampaign(operator, {
      name: '30%',
      startsOn: '2029-03-01',
      endsOn: '2029-03-31',
      discountPercent: 30,
      reason: '重複 1',
    });
    const sixty = await ledger.addCampaign(operator, {
      name: '60%',
      startsOn: '2029-03-10',
      endsOn: '2029-03-20',
      discountPercent: 60,
      reason: '重複 2',
    });
    const withdrawn = await ledger.addCampaign(operator, {
      name: '取り下げ',
      startsOn: '2029-03-01',
      endsOn: '2029-03-31',
      discountPercent: 90,
      reason: '誤登録',
    });
    expect(await ledger.withdrawCampaign(operator, withdrawn.id, '誤登録のため')).toMatchObject({
      withdrawn: true,
    });
    expect((await refusal(ledger.withdrawCampaign(operator, randomUUID(), '理由'))).code).toBe(
      BillingErrorCode.CAMPAIGN_NOT_FOUND,
    );
    expect((await refusal(ledger.addCampaign(operator, { ...half, reason: ' ' }))).code).toBe(
      BillingErrorCode.REASON_REQUIRED,
    );

    clock.at = new Date('2029-03-15T00:00:00.000Z');
    await activeLicence('1410000001', '2029-01-15');
    await activeLicence('1410000002', '2029-02-15');
    await activeLicence('1410000003', '2029-03-15');
    await activeLicence('1410000004', '2029-03-25');
    const fee = async (office: string) => (await feesOf(office))[0];
    expect(await fee('1410000001')).toMatchObject({
      amountYen: 0,
      state: 'waived',
      campaignId: free.id,
      listAmountYen: 21000,
    });
    expect(await fee('1410000002')).toMatchObject({ amountYen: 10500, state: 'due', campaignId: half.id });
    expect(await fee('1410000003')).toMatchObject({ amountYen: 8400, state: 'due', campaignId: sixty.id });
    expect((await fee('1410000004')).amountYen).toBe(14700);
    const audit = await ledger.audit({ entity: 'fee', entityId: (await fee('1410000001')).feeId }, {});
    expect(audit.items.map((row) => row.action)).toEqual(['create-fee-waived']);
  });

  it('carries a not-deductible fee over BILLING_CARRY_OVER_CYCLES times, then invoices it', async () => {
    const office = '1510000001';
    clock.at = new Date('2029-06-10T00:00:00.000Z');
    await activeLicence(office, '2029-06-10');
    const osaka = kokuhoren('15');
    const reports = [];
    for (const [month, at] of [
      ['202907', '2029-07-01T00:00:00.000Z'],
      ['202908', '2029-08-01T00:00:00.000Z'],
      ['202909', '2029-09-01T00:00:00.000Z'],
    ] as const) {
      clock.at = new Date(at);
      const cycle = await cycleOf(month, '15');
      const [deduction] = await deductionsOf(cycle.cycleId);
      await ledger.acknowledgeCycle(osaka, '15', cycle.cycleId);
      await ledger.postResults(osaka, '15', cycle.cycleId, [notDeductible(deduction.deductionId, office)]);
      reports.push(await ledger.reconcile('15', cycle.cycleId));
    }
    expect(reports.map((r) => [r.month, r.balanced, r.carriedOver.count, r.invoiced.count])).toEqual([
      ['202907', true, 1, 0],
      ['202908', true, 1, 0],
      ['202909', true, 0, 1],
    ]);
    const [fee] = await feesOf(office);
    expect(fee).toMatchObject({ state: 'invoiced', attempts: 3 });
    const invoices = await ledger.listInvoices('15', { officeNumber: office }, {});
    expect(invoices.items).toEqual([
      expect.objectContaining({
        number: 'INV-202909-15-000001',
        feeId: fee.feeId,
        amountYen: 21000,
        state: 'issued',
        cycleId: reports[2].cycleId,
        paidAt: null,
      }),
    ]);
    expect((await refusal(ledger.markInvoicePaid(operator, invoices.items[0].invoiceId, ''))).code).toBe(
      BillingErrorCode.REASON_REQUIRED,
    );
    const paid = await ledger.markInvoicePaid(operator, invoices.items[0].invoiceId, '振込確認');
    expect(paid).toMatchObject({ state: 'paid', paidAt: clock.at.toISOString() });
    // a paid invoice keeps the cycle balanced
    expect((await ledger.reconcile(undefined, reports[2].cycleId)).balanced).toBe(true);
    // October: nothing left to request for the office
    clock.at = new Date('2029-10-01T00:00:00.000Z');
    expect((await cycleOf('202910', '15')).totals.requested.count).toBe(0);
  });

  it('reports a tampered cycle as unbalanced', async () => {
    const office = '1610000001';
    clock.at = new Date('2029-11-05T00:00:00.000Z');
    await activeLicence(office, '2029-11-05');
    await activeLicence('1610000002', '2029-11-06');
    clock.at = new Date('2029-12-01T00:00:00.000Z');
    const cycle = await cycleOf('202912', '16');
    const rows = await deductionsOf(cycle.cycleId);
    expect(rows).toHaveLength(2);
    await ledger.acknowledgeCycle(kokuhoren('16'), '16', cycle.cycleId);
    await ledger.postResults(kokuhoren('16'), '16', cycle.cycleId, [
      deducted(rows[0].deductionId, rows[0].officeNumber),
    ]);
    expect(await ledger.reconcile('16', cycle.cycleId)).toMatchObject({
      balanced: true,
      totals: {
        requested: { count: 2, amountYen: 42000 },
        deducted: { count: 1 },
        pending: { count: 1, amountYen: 21000 },
      },
    });

    await service.database.rows(`update billing.deduction set amount_yen = 2100 where id = $1`, [
      rows[0].deductionId,
    ]);
    const report = await ledger.reconcile('16', cycle.cycleId);
    expect(report.balanced).toBe(false);
    expect(report.discrepancies).toEqual(
      expect.arrayContaining([
        'requested: the rows add up to 2 (¥23100), the cycle recorded 2 (¥42000)',
        expect.stringContaining(`deduction ${rows[0].deductionId}`),
      ]),
    );
    const unbalanced = await service.running.app
      .get(MetricsRegistry)
      .registry.getSingleMetric('billing_reconciliation_unbalanced_total')
      ?.get();
    expect(unbalanced?.values).toContainEqual({ labels: { prefecture: '16' }, value: 1 });

    await service.database.rows(`update billing.deduction set amount_yen = 21000 where id = $1`, [
      rows[0].deductionId,
    ]);
    expect((await ledger.reconcile('16', cycle.cycleId)).balanced).toBe(true);
  });

  it('validates a results batch all-or-nothing: problems, conflicts, scope, states', async () => {
    clock.at = new Date('2030-02-03T00:00:00.000Z');
    await activeLicence('1710000001', '2030-02-03');
    await activeLicence('1710000002', '2030-02-04');
    clock.at = new Date('2030-03-01T00:00:00.000Z');
    const cycle = await cycleOf('203003', '17');
    const [a, b] = await deductionsOf(cycle.cycleId);
    const actor = kokuhoren('17');

    expect(
      (
        await refusal(
          ledger.postResults(actor, '17', cycle.cycleId, [deducted(a.deductionId, a.officeNumber)]),
        )
      ).code,
    ).toBe(BillingErrorCode.CYCLE_NOT_ACKNOWLEDGED);
    // another prefecture's 国保連 sees no such cycle
    expect((await refusal(ledger.getCycle('13', cycle.cycleId))).code).toBe(BillingErrorCode.CYCLE_NOT_FOUND);
    expect((await refusal(ledger.acknowledgeCycle(kokuhoren('13'), '13', cycle.cycleId))).code).toBe(
      BillingErrorCode.CYCLE_NOT_FOUND,
    );
    expect((await refusal(ledger.listDeductions('13', cycle.cycleId, {}))).code).toBe(
      BillingErrorCode.CYCLE_NOT_FOUND,
    );
    await ledger.acknowledgeCycle(actor, '17', cycle.cycleId);
    expect(
      (
        await refusal(
          ledger.postResults(kokuhoren('13'), '13', cycle.cycleId, [deducted(a.deductionId, a.officeNumber)]),
        )
      ).code,
    ).toBe(BillingErrorCode.CYCLE_NOT_FOUND);

    const invalid = await refusal(
      ledger.postResults(actor, '17', cycle.cycleId, [
        deducted(a.deductionId, a.officeNumber, 'line 2'),
        deducted(b.deductionId, '1710000009', 'line 3'),
        { deductionId: randomUUID(), officeNumber: a.officeNumber, result: 'deducted', source: 'line 4' },
        {
          deductionId: b.deductionId,
          officeNumber: b.officeNumber,
          result: 'not_deductible',
          source: 'line 5',
        },
        { ...notDeductible(a.deductionId, a.officeNumber, 'line 6'), reasonCode: 'OTHER' },
      ]),
    );
    expect(invalid.code).toBe(BillingErrorCode.DEDUCTION_RESULTS_INVALID);
    expect((invalid.details as { source: string }[]).map((p) => p.source)).toEqual([
      'line 3',
      'line 4',
      'line 5',
      'line 5',
      'line 6',
      'line 6',
    ]);
    expect((await deductionsOf(cycle.cycleId)).map((d) => d.result)).toEqual([null, null]);

    expect(
      await ledger.postResults(actor, '17', cycle.cycleId, [deducted(a.deductionId, a.officeNumber)]),
    ).toMatchObject({
      applied: 1,
      unchanged: 0,
      cycle: { state: 'acknowledged' },
    });
    expect(
      await ledger.postResults(actor, '17', cycle.cycleId, [deducted(a.deductionId, a.officeNumber)]),
    ).toMatchObject({
      applied: 0,
      unchanged: 1,
    });
    const conflict = await refusal(
      ledger.postResults(actor, '17', cycle.cycleId, [
        notDeductible(b.deductionId, b.officeNumber, 'results[0]'),
        notDeductible(a.deductionId, a.officeNumber, 'results[1]'),
      ]),
    );
    expect(conflict.code).toBe(BillingErrorCode.DEDUCTION_RESULT_CONFLICT);
    expect(conflict.details).toEqual([expect.objectContaining({ source: 'results[1]' })]);
    expect((await deductionsOf(cycle.cycleId)).map((d) => d.result).sort()).toEqual(['deducted', null]);

    const closed = await ledger.postResults(actor, '17', cycle.cycleId, [
      {
        deductionId: b.deductionId,
        officeNumber: b.officeNumber,
        result: 'not_deductible',
        reasonCode: 'OTHER',
        reason: '口座解約',
        source: 'results[0]',
      },
    ]);
    expect(closed.cycle).toMatchObject({
      state: 'closed',
      totals: { deducted: { count: 1 }, notDeductible: { count: 1 } },
    });
    expect(
      (
        await refusal(
          ledger.postResults(actor, '17', cycle.cycleId, [deducted(a.deductionId, a.officeNumber)]),
        )
      ).code,
    ).toBe(BillingErrorCode.CYCLE_CLOSED);
  });

  it('generates a month once, never a future one, and the cycle job from BILLING_CYCLE_DAY', async () => {
    clock.at = new Date('2032-01-10T00:00:00.000Z');
    expect((await refusal(ledger.generateCycles(operator, '203202'))).code).toBe(
      BillingErrorCode.CYCLE_MONTH_IN_FUTURE,
    );
    expect((await refusal(ledger.generateCycles(operator, '2032-01'))).code).toBe(
      BillingErrorCode.INVALID_MONTH,
    );

    const job = service.running.app.get(BillingCycleJob);
    clock.at = new Date('2032-01-27T14:59:59.000Z'); // 23:59:59 JST on the 27th
    expect(await job.runOnce()).toEqual({ locked: true, month: null });
    expect((await ledger.listCycles(undefined, { month: '203201' }, {})).items).toEqual([]);
    clock.at = new Date('2032-01-27T15:00:00.000Z'); // the 28th in JST
    expect(await job.runOnce()).toEqual({ locked: true, month: '203201' });
    const page = await ledger.listCycles(undefined, { month: '203201' }, { limit: 40 });
    expect(page.items).toHaveLength(40);
    const rest = await ledger.listCycles(
      undefined,
      { month: '203201' },
      { limit: 40, after: page.nextAfter ?? undefined },
    );
    expect(rest.items).toHaveLength(7);
    expect(rest.nextAfter).toBeNull();
    await job.runOnce();
    expect((await ledger.listCycles(undefined, { month: '203201' }, { limit: 100 })).items).toHaveLength(47);
    const audit = await ledger.audit({ entity: 'cycle', entityId: page.items[0].cycleId }, {});
    expect(audit.items.map((row) => [row.action, row.actor.role])).toEqual([['generate-cycle', 'system']]);
    const gauge = await service.running.app
      .get(MetricsRegistry)
      .registry.getSingleMetric('billing_fees')
      ?.get();
    expect(gauge?.values.map((value) => value.labels['state'])).toEqual(
      expect.arrayContaining(['requested', 'deducted', 'invoiced', 'waived']),
    );
    expect((await ledger.listCycles('18', { month: '203201' }, {})).items.map((c) => c.prefecture)).toEqual([
      '18',
    ]);
  });

  it('refuses a backdated schedule entry and prices later terms with a future one', async () => {
    clock.at = new Date('2031-01-10T03:00:00.000Z');
    const entry = { amountYen: 24000, description: '利用料 年額 24,000円（税込）', reason: '改定' };
    for (const effectiveFrom of ['2031-01-10', '2030-12-01']) {
      expect((await refusal(ledger.addFeeScheduleEntry(operator, { ...entry, effectiveFrom }))).code).toBe(
        BillingErrorCode.FEE_SCHEDULE_BACKDATED,
      );
    }
    const added = await ledger.addFeeScheduleEntry(operator, { ...entry, effectiveFrom: '2031-04-01' });
    expect(added).toMatchObject({ effectiveFrom: '2031-04-01', amountYen: 24000, withdrawn: false });
    expect(
      (await refusal(ledger.addFeeScheduleEntry(operator, { ...entry, effectiveFrom: '2031-04-01' }))).code,
    ).toBe(BillingErrorCode.FEE_SCHEDULE_DUPLICATE);
    const later = await ledger.addFeeScheduleEntry(operator, {
      ...entry,
      amountYen: 30000,
      effectiveFrom: '2031-06-01',
    });
    expect(await ledger.withdrawFeeScheduleEntry(operator, later.id, '誤登録')).toMatchObject({
      withdrawn: true,
    });
    expect((await refusal(ledger.withdrawFeeScheduleEntry(operator, SEEDED_SCHEDULE_ID, '廃止'))).code).toBe(
      BillingErrorCode.FEE_SCHEDULE_IN_EFFECT,
    );
    expect((await ledger.listFeeSchedule()).map((e) => [e.effectiveFrom, e.amountYen, e.withdrawn])).toEqual([
      ['2023-04-01', 21000, false],
      ['2031-04-01', 24000, false],
      ['2031-06-01', 30000, true],
    ]);

    clock.at = new Date('2031-07-01T00:00:00.000Z');
    await activeLicence('1810000001', '2031-03-31');
    await activeLicence('1810000002', '2031-04-01');
    await activeLicence('1810000003', '2031-06-15');
    expect((await feesOf('1810000001'))[0]).toMatchObject({
      amountYen: 21000,
      feeScheduleId: SEEDED_SCHEDULE_ID,
    });
    expect((await feesOf('1810000002'))[0]).toMatchObject({ amountYen: 24000, feeScheduleId: added.id });
    expect((await feesOf('1810000003'))[0]).toMatchObject({ amountYen: 24000, feeScheduleId: added.id });
  });

  it('waives a due fee with a reason, and only a due one', async () => {
    clock.at = new Date('2032-03-05T00:00:00.000Z');
    await activeLicence('2010000001', '2032-03-05');
    const [fee] = await feesOf('2010000001');
    expect((await refusal(ledger.waiveFee(operator, fee.feeId, ''))).code).toBe(
      BillingErrorCode.REASON_REQUIRED,
    );
    expect(await ledger.waiveFee(operator, fee.feeId, '災害特例')).toMatchObject({ state: 'waived' });
    const audit = await ledger.audit({ entity: 'fee', entityId: fee.feeId }, {});
    expect(audit.items.map((row) => [row.action, row.reason])).toEqual([
      ['create-fee', expect.any(String)],
      ['waive-fee', '災害特例'],
    ]);
    expect((await refusal(ledger.waiveFee(operator, randomUUID(), '理由'))).code).toBe(
      BillingErrorCode.FEE_NOT_FOUND,
    );
  });

  it('pages fees, deductions, invoices and audit rows by keyset, and streams a cycle in office-number order', async () => {
    clock.at = new Date('2032-04-02T00:00:00.000Z');
    const offices = ['2110000003', '2110000001', '2110000002'];
    for (const office of offices) await activeLicence(office, '2032-04-02');
    const fees = await ledger.listFees('21', {}, { limit: 2 });
    expect(fees.items.map((f) => f.officeNumber)).toEqual(['2110000001', '2110000002']);
    const more = await ledger.listFees('21', {}, { limit: 2, after: fees.nextAfter ?? undefined });
    expect(more).toEqual({
      items: [expect.objectContaining({ officeNumber: '2110000003' })],
      nextAfter: null,
    });
    expect((await ledger.listFees('22', {}, {})).items).toEqual([]);
    expect((await ledger.listFees('21', { state: 'waived' }, {})).items).toEqual([]);

    clock.at = new Date('2032-05-01T00:00:00.000Z');
    const cycle = await cycleOf('203205', '21');
    const first = await ledger.listDeductions('21', cycle.cycleId, { limit: 2 });
    expect(first.items.map((d) => d.officeNumber)).toEqual(['2110000001', '2110000002']);
    const rest = await ledger.listDeductions('21', cycle.cycleId, {
      limit: 2,
      after: first.nextAfter ?? undefined,
    });
    expect(rest.items.map((d) => d.officeNumber)).toEqual(['2110000003']);
    expect(rest.nextAfter).toBeNull();
    const streamed: string[] = [];
    for await (const batch of ledger.streamDeductions('21', cycle.cycleId)) {
      streamed.push(...batch.map((d) => d.officeNumber));
    }
    expect(streamed).toEqual(['2110000001', '2110000002', '2110000003']);

    // a cursor from another list, a foreign one, or a limit out of range
    for (const page of [
      { after: fees.nextAfter ?? undefined },
      { after: 'nope' },
      { limit: 0 },
      { limit: 1001 },
    ]) {
      expect((await refusal(ledger.listDeductions('21', cycle.cycleId, page))).code).toBe(
        BillingErrorCode.INVALID_PAGE,
      );
    }
    expect(
      (await refusal(ledger.listCycles('21', {}, { after: (await cycleOf('203205', '22')).cycleId }))).code,
    ).toBe(BillingErrorCode.INVALID_PAGE);

    const audit = await ledger.audit({ entity: 'cycle' }, { limit: 1 });
    const next = await ledger.audit({ entity: 'cycle' }, { limit: 1, after: audit.nextAfter ?? undefined });
    expect(next.items).toHaveLength(1);
    expect(next.items[0].id).not.toBe(audit.items[0].id);
    expect((await ledger.listInvoices('21', {}, {})).items).toEqual([]);
  });
});
