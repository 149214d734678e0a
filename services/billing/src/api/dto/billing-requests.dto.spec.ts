import { BillingApiErrorCode as Code } from '../billing-api.errors';
import {
  FEE_STATES,
  isDate,
  parseAuditQuery,
  parseCampaignInput,
  parseCycleQuery,
  parseFeeScheduleInput,
  parseGenerateCycles,
  parseOfficeFilterQuery,
  parsePageQuery,
  parseReason,
  parseSummaryQuery,
} from './billing-requests.dto';

const refused = (code: Code, fields?: string[]) =>
  expect.objectContaining({
    code,
    ...(fields ? { details: fields.map((field) => expect.objectContaining({ field })) } : {}),
  });

describe(parseGenerateCycles.name, () => {
  it('takes a month YYYYMM', () => {
    expect(parseGenerateCycles({ month: '202705' })).toEqual({ month: '202705' });
  });

  it.each([['2027-05'], ['202713'], ['202700'], [202705], [undefined]])(
    'refuses %p with INVALID_MONTH',
    (month) => {
      expect(() => parseGenerateCycles({ month })).toThrow(refused(Code.INVALID_MONTH, ['month']));
    },
  );
});

describe(parseReason.name, () => {
  it('trims a reason', () => {
    expect(parseReason({ reason: ' 入金確認 ' })).toBe('入金確認');
  });

  it.each([[{}], [{ reason: '  ' }], [{ reason: 3 }], [undefined]])(
    'refuses %p with REASON_REQUIRED',
    (body) => {
      expect(() => parseReason(body)).toThrow(refused(Code.REASON_REQUIRED));
    },
  );

  it('refuses an overlong reason and unknown fields', () => {
    expect(() => parseReason({ reason: 'x'.repeat(501), extra: 1 })).toThrow(
      refused(Code.REQUEST_INVALID, ['extra', 'reason']),
    );
  });
});

describe(parseFeeScheduleInput.name, () => {
  const valid = {
    effectiveFrom: '2028-04-01',
    amountYen: 24000,
    description: '年額 24,000円',
    reason: '改定',
  };

  it('accepts a well-formed entry', () => {
    expect(parseFeeScheduleInput(valid)).toEqual(valid);
  });

  it('lists every problem, coded after the first', () => {
    expect(() =>
      parseFeeScheduleInput({
        effectiveFrom: '2028-02-30',
        amountYen: 10_000_001,
        description: '',
        reason: '',
      }),
    ).toThrow(refused(Code.INVALID_DATE, ['effectiveFrom', 'amountYen', 'description', 'reason']));
  });

  it.each([[-1], [1.5], ['21000'], [10_000_001]])(
    'refuses the amount %p with INVALID_AMOUNT',
    (amountYen) => {
      expect(() => parseFeeScheduleInput({ ...valid, amountYen })).toThrow(refused(Code.INVALID_AMOUNT));
    },
  );

  it('accepts the bounds 0 and 10,000,000', () => {
    expect(parseFeeScheduleInput({ ...valid, amountYen: 0 }).amountYen).toBe(0);
    expect(parseFeeScheduleInput({ ...valid, amountYen: 10_000_000 }).amountYen).toBe(10_000_000);
  });
});

describe(parseCampaignInput.name, () => {
  const valid = {
    name: 'フリーパスキャンペーン',
    startsOn: '2025-06-01',
    endsOn: '2027-03-31',
    discountPercent: 100,
    reason: '全国キャンペーン',
  };

  it('accepts the national free pass', () => {
    expect(parseCampaignInput(valid)).toEqual(valid);
  });

  it.each([[0], [101], [50.5]])('refuses a discount of %p', (discountPercent) => {
    expect(() => parseCampaignInput({ ...valid, discountPercent })).toThrow(
      refused(Code.INVALID_DISCOUNT_PERCENT, ['discountPercent']),
    );
  });

  it('refuses a campaign that ends before it starts', () => {
    expect(() => parseCampaignInput({ ...valid, endsOn: '2025-05-31' })).toThrow(
      refused(Code.INVALID_DATE, ['endsOn']),
    );
  });

  it('refuses a missing reason with REASON_REQUIRED', () => {
    expect(() => parseCampaignInput({ ...valid, reason: undefined })).toThrow(refused(Code.REASON_REQUIRED));
  });
});

describe(isDate.name, () => {
  it('knows real calendar dates', () => {
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('2027-02-29')).toBe(false);
    expect(isDate('2027-4-01')).toBe(false);
  });
});

describe(parseCycleQuery.name, () => {
  it('reads the filters and the page', () => {
    expect(
      parseCycleQuery(
        { month: '202705', status: 'open', after: 'abc', limit: '1000' },
        { prefecture: false },
      ),
    ).toEqual({ filter: { month: '202705', state: 'open' }, page: { after: 'abc', limit: 1000 } });
    expect(parseCycleQuery({}, { prefecture: false })).toEqual({ filter: {}, page: {} });
  });

  it('takes a prefecture from operators only', () => {
    expect(parseCycleQuery({ prefecture: '47' }, { prefecture: true }).prefecture).toBe('47');
    expect(() => parseCycleQuery({ prefecture: '13' }, { prefecture: false })).toThrow(
      refused(Code.REQUEST_INVALID, ['prefecture']),
    );
    expect(() => parseCycleQuery({ prefecture: '48' }, { prefecture: true })).toThrow(
      refused(Code.INVALID_PREFECTURE),
    );
  });

  it('refuses a bad month, state and page size, listing all', () => {
    expect(() =>
      parseCycleQuery({ month: '2027', status: 'done', limit: '1001' }, { prefecture: false }),
    ).toThrow(refused(Code.INVALID_MONTH, ['month', 'status', 'limit']));
  });

  it('refuses a repeated parameter', () => {
    expect(() => parseCycleQuery({ month: ['202705', '202706'] }, { prefecture: false })).toThrow(
      refused(Code.REQUEST_INVALID, ['month']),
    );
  });
});

describe(parsePageQuery.name, () => {
  it.each([['0'], ['1001'], ['-1'], ['1e3'], ['']])('refuses the limit %p with INVALID_PAGE', (limit) => {
    expect(() => parsePageQuery({ limit })).toThrow(refused(Code.INVALID_PAGE, ['limit']));
  });

  it('accepts 1 to 1000', () => {
    expect(parsePageQuery({ limit: '1' })).toEqual({ limit: 1 });
  });
});

describe(parseOfficeFilterQuery.name, () => {
  it('reads the office, prefecture and state', () => {
    expect(
      parseOfficeFilterQuery({ officeNumber: '1310000001', prefecture: '13', state: 'due' }, FEE_STATES),
    ).toEqual({ prefecture: '13', filter: { officeNumber: '1310000001', state: 'due' }, page: {} });
  });

  it('refuses a malformed office number and an unknown state', () => {
    expect(() => parseOfficeFilterQuery({ officeNumber: '13', state: 'paid' }, FEE_STATES)).toThrow(
      refused(Code.INVALID_OFFICE_NUMBER, ['officeNumber', 'state']),
    );
  });
});

describe(parseSummaryQuery.name, () => {
  it('needs a month', () => {
    expect(parseSummaryQuery({ month: '202705' })).toEqual({ month: '202705' });
    expect(() => parseSummaryQuery({})).toThrow(refused(Code.INVALID_MONTH));
  });
});

describe(parseAuditQuery.name, () => {
  it('reads the entity filter', () => {
    expect(parseAuditQuery({ entity: 'fee', entityId: 'x1', limit: '5' })).toEqual({
      filter: { entity: 'fee', entityId: 'x1' },
      page: { limit: 5 },
    });
    expect(() => parseAuditQuery({ entity: '' })).toThrow(refused(Code.REQUEST_INVALID, ['entity']));
  });
});
