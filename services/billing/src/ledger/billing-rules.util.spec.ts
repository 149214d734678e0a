import {
  afterNotDeductible,
  campaignFor,
  discountedAmount,
  firstInvoicedAttempt,
  isDate,
  isMonth,
  jstDate,
  jstMonthStart,
  nextMonth,
  paymentMonthOf,
  PREFECTURES,
  previousMonth,
  priceTerm,
  reconciliationDiscrepancies,
  scheduleEntryFor,
  type CampaignLike,
  type ReconciliationFigures,
  type ScheduleEntryLike,
} from './billing-rules.util';

const SEEDED: ScheduleEntryLike = {
  id: 'seeded',
  effectiveFrom: '2023-04-01',
  amountYen: 21000,
  withdrawnAt: null,
};
const jst = (date: string): Date => new Date(`${date}T00:00:00+09:00`);
const campaign = (overrides: Partial<CampaignLike> & Pick<CampaignLike, 'id'>): CampaignLike => ({
  startsOn: '2027-04-01',
  endsOn: '2027-04-30',
  discountPercent: 10,
  createdAt: new Date('2027-01-01T00:00:00Z'),
  withdrawnAt: null,
  ...overrides,
});

describe('billing calendar', () => {
  it('reads JST dates and months of instants', () => {
    expect(jstDate(new Date('2027-04-14T15:00:00Z'))).toBe('2027-04-15');
    expect(jstDate(new Date('2027-04-14T14:59:59Z'))).toBe('2027-04-14');
    expect(jstMonthStart('202705')).toEqual(new Date('2027-04-30T15:00:00Z'));
  });

  it('dues a term in the month after the JST month of its start', () => {
    expect(paymentMonthOf(jst('2027-04-15'))).toBe('202705');
    // 00:00 JST on 1 May is still 30 April in UTC: May in JST, so June
    expect(paymentMonthOf(new Date('2027-04-30T15:00:00Z'))).toBe('202706');
    expect(paymentMonthOf(jst('2027-12-31'))).toBe('202801');
    expect(nextMonth('202712')).toBe('202801');
    expect(previousMonth('202801')).toBe('202712');
  });

  it('accepts only YYYYMM months and existing YYYY-MM-DD dates', () => {
    expect(isMonth('202705')).toBe(true);
    expect(['2027-05', '202713', '202700', '20275'].map(isMonth)).toEqual([false, false, false, false]);
    expect(isDate('2028-02-29')).toBe(true);
    expect(['2027-02-29', '2027-4-01', '20270401', '2027-04-31'].map(isDate)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('knows the 47 prefectures', () => {
    expect(PREFECTURES).toHaveLength(47);
    expect([PREFECTURES[0], PREFECTURES[46]]).toEqual(['01', '47']);
  });
});

describe('billing pricing', () => {
  it('takes the latest schedule entry not withdrawn effective on or before the start date', () => {
    const future = { id: 'future', effectiveFrom: '2031-04-01', amountYen: 24000, withdrawnAt: null };
    const withdrawn = { id: 'gone', effectiveFrom: '2030-04-01', amountYen: 1, withdrawnAt: new Date() };
    const entries = [future, SEEDED, withdrawn];
    expect(scheduleEntryFor(entries, '2031-03-31')?.id).toBe('seeded');
    expect(scheduleEntryFor(entries, '2031-04-01')?.id).toBe('future');
    expect(scheduleEntryFor(entries, '2023-03-31')).toBeNull();
  });

  it('takes the largest campaign in force, ties to the earliest created, ignoring withdrawn ones', () => {
    const small = campaign({ id: 'small', discountPercent: 30 });
    const large = campaign({
      id: 'large',
      discountPercent: 60,
      startsOn: '2027-04-10',
      endsOn: '2027-04-20',
    });
    const later = campaign({ id: 'later', discountPercent: 60, createdAt: new Date('2027-02-01T00:00:00Z') });
    const gone = campaign({ id: 'gone', discountPercent: 90, withdrawnAt: new Date() });
    const all = [small, later, large, gone];
    expect(campaignFor(all, '2027-04-15')?.id).toBe('large');
    expect(campaignFor(all, '2027-04-25')?.id).toBe('later');
    // both ends are inclusive
    expect(campaignFor([large], '2027-04-20')?.id).toBe('large');
    expect(campaignFor([large], '2027-04-21')).toBeNull();
  });

  it('discounts to whole yen, the office never paying the fraction', () => {
    expect(discountedAmount(21000, 50)).toBe(10500);
    expect(discountedAmount(21000, 100)).toBe(0);
    expect(discountedAmount(21001, 50)).toBe(10501);
    expect(discountedAmount(999, 33)).toBe(999 - 329);
  });

  it('prices a term: list, campaign, payment month; ¥0 is waived', () => {
    const free = campaign({ id: 'free', discountPercent: 100, startsOn: '2025-06-01', endsOn: '2027-03-31' });
    expect(priceTerm(jst('2027-03-31'), [SEEDED], [free])).toEqual({
      feeScheduleId: 'seeded',
      listAmountYen: 21000,
      amountYen: 0,
      campaignId: 'free',
      paymentMonth: '202704',
      waived: true,
    });
    expect(priceTerm(jst('2027-04-01'), [SEEDED], [free])).toMatchObject({
      amountYen: 21000,
      campaignId: null,
      waived: false,
    });
    expect(priceTerm(jst('2023-03-31'), [SEEDED], [])).toBeNull();
  });
});

describe('billing carry-over', () => {
  it('carries over while attempts < 1 + BILLING_CARRY_OVER_CYCLES, then invoices', () => {
    expect([1, 2, 3].map((attempt) => afterNotDeductible(attempt, 2))).toEqual([
      'carry_over',
      'carry_over',
      'invoice',
    ]);
    expect(afterNotDeductible(1, 0)).toBe('invoice');
  });

  it('invoices from attempt 1 + BILLING_CARRY_OVER_CYCLES', () => {
    expect([0, 2, 5].map(firstInvoicedAttempt)).toEqual([1, 3, 6]);
  });
});

describe('billing reconciliation arithmetic', () => {
  const a = (count: number, amountYen: number) => ({ count, amountYen });
  const balanced: ReconciliationFigures['rows'] = {
    requested: a(3, 63000),
    deducted: a(1, 21000),
    notDeductible: a(2, 42000),
    pending: a(0, 0),
    carriedOver: a(1, 21000),
    invoiced: a(1, 21000),
  };
  const figures = (overrides: Partial<ReconciliationFigures> = {}): ReconciliationFigures => ({
    closed: true,
    recorded: balanced,
    rows: balanced,
    unknownResults: 0,
    feeMismatches: [],
    ...overrides,
  });

  it('balances when the rows add up and agree with the cycle and the fees', () => {
    expect(reconciliationDiscrepancies(figures())).toEqual([]);
  });

  it('lists what does not add up', () => {
    const rows = { ...balanced, requested: a(3, 60900) };
    expect(reconciliationDiscrepancies(figures({ rows }))).toEqual([
      'requested 3 (¥60900) ≠ deducted + notDeductible + pending 3 (¥63000)',
      'requested: the rows add up to 3 (¥60900), the cycle recorded 3 (¥63000)',
    ]);
  });

  it('needs a closed cycle settled: nothing pending, every not-deductible carried over or invoiced', () => {
    const rows = { ...balanced, deducted: a(0, 0), pending: a(1, 21000), invoiced: a(0, 0) };
    const discrepancies = reconciliationDiscrepancies(figures({ rows, recorded: rows }));
    expect(discrepancies).toEqual([
      'closed with 1 (¥21000) pending',
      'notDeductible 2 (¥42000) ≠ carriedOver + invoiced 1 (¥21000)',
    ]);
    // an open cycle may have pending deductions and nothing settled yet
    expect(reconciliationDiscrepancies(figures({ rows, recorded: rows, closed: false }))).toEqual([]);
  });

  it('reports corrupt results and fee mismatches', () => {
    expect(
      reconciliationDiscrepancies(
        figures({ unknownResults: 1, feeMismatches: ['deduction x: its fee is missing'] }),
      ),
    ).toEqual(['1 deduction(s) carry an unknown result', 'deduction x: its fee is missing']);
  });
});
