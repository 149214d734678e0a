import { BillingApiErrorCode } from '../billing-api.errors';
import { parseJsonResults, ResultProblemCode as P } from './deduction-results.dto';

const D1 = '0b7e4f6a-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const D2 = '1c8f5a7b-2d3e-4f4a-9bac-1d2e3f4a5b6c';

const invalidWith = (...problems: object[]) =>
  expect.objectContaining({
    code: BillingApiErrorCode.DEDUCTION_RESULTS_INVALID,
    details: { problemCount: problems.length, problems: problems.map((p) => expect.objectContaining(p)) },
  });

describe(parseJsonResults.name, () => {
  it('reads deducted and not-deductible results with their index as source', () => {
    const sut = parseJsonResults({
      results: [
        { deductionId: D1, officeNumber: '1310000001', result: 'deducted' },
        {
          deductionId: D2.toUpperCase(),
          officeNumber: '1310000002',
          result: 'not_deductible',
          reasonCode: 'OTHER',
          reason: ' 口座解約 ',
        },
      ],
    });

    expect(sut).toEqual([
      { deductionId: D1, officeNumber: '1310000001', result: 'deducted', source: 'results[0]' },
      {
        deductionId: D2,
        officeNumber: '1310000002',
        result: 'not_deductible',
        reasonCode: 'OTHER',
        reason: '口座解約',
        source: 'results[1]',
      },
    ]);
  });

  it('lists every problem of the batch with its index, applying nothing', () => {
    const sut = () =>
      parseJsonResults({
        results: [
          { deductionId: 'x', officeNumber: '13', result: 'ok' },
          { deductionId: D1, officeNumber: '1310000001', result: 'not_deductible' },
          { deductionId: D2, officeNumber: '1310000002', result: 'not_deductible', reasonCode: 'OTHER' },
          {
            deductionId: D1,
            officeNumber: '1310000001',
            result: 'deducted',
            reasonCode: 'NO_PAYMENT',
            note: 1,
          },
          'deducted',
        ],
      });

    expect(sut).toThrow(
      invalidWith(
        { code: P.DEDUCTION_ID_INVALID, index: 0, source: 'results[0]' },
        { code: P.OFFICE_NUMBER_INVALID, index: 0 },
        { code: P.RESULT_INVALID, index: 0 },
        { code: P.REASON_CODE_REQUIRED, index: 1 },
        { code: P.REASON_REQUIRED, index: 2 },
        { code: P.FIELD_UNKNOWN, index: 3, field: 'note' },
        { code: P.REASON_NOT_ALLOWED, index: 3 },
        { code: P.BODY_MALFORMED, index: 4 },
      ),
    );
  });

  it('refuses two results for one deduction', () => {
    const result = { deductionId: D1, officeNumber: '1310000001', result: 'deducted' };
    expect(() => parseJsonResults({ results: [result, result] })).toThrow(
      invalidWith({ code: P.DEDUCTION_DUPLICATE, index: 1, source: 'results[1]' }),
    );
  });

  it('refuses a reason MS932 cannot carry, but takes the characters it normalises', () => {
    const result = (reason: string) => ({
      deductionId: D1,
      officeNumber: '1310000001',
      result: 'not_deductible',
      reasonCode: 'OTHER',
      reason,
    });
    expect(parseJsonResults({ results: [result('4月〜6月 支払なし')] })[0].reason).toBe('4月〜6月 支払なし');
    expect(() => parseJsonResults({ results: [result('支払なし 😀')] })).toThrow(
      invalidWith({ code: P.REASON_INVALID, field: 'reason' }),
    );
  });

  it.each([[{}], [[]], [{ results: {} }], [undefined]])('refuses the body %p', (body) => {
    expect(() => parseJsonResults(body)).toThrow(invalidWith({ code: P.BODY_MALFORMED }));
  });

  it('refuses an empty batch', () => {
    expect(() => parseJsonResults({ results: [] })).toThrow(invalidWith({ code: P.RESULTS_EMPTY }));
  });
});
