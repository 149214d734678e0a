import { HttpStatus } from '@nestjs/common';
import { BillingError, BillingErrorCode } from '../ledger/billing.errors';
import { BillingApiError, BillingApiErrorCode } from './billing-api.errors';
import { billingErrorBody, statusOfApiCode, statusOfLedgerCode } from './billing-exception.filter';

describe('billing error answers', () => {
  it('maps not-found codes to 404, state conflicts to 409 and validation to 400', () => {
    expect(statusOfLedgerCode(BillingErrorCode.CYCLE_NOT_FOUND)).toBe(HttpStatus.NOT_FOUND);
    expect(statusOfLedgerCode(BillingErrorCode.CYCLE_CLOSED)).toBe(HttpStatus.CONFLICT);
    expect(statusOfLedgerCode(BillingErrorCode.DEDUCTION_RESULTS_INVALID)).toBe(HttpStatus.BAD_REQUEST);
    expect(statusOfApiCode(BillingApiErrorCode.KOKUHOREN_PREFECTURE_MISSING)).toBe(HttpStatus.FORBIDDEN);
    expect(statusOfApiCode(BillingApiErrorCode.DEDUCTION_RESULTS_TOO_LARGE)).toBe(
      HttpStatus.PAYLOAD_TOO_LARGE,
    );
  });

  it('has a Japanese text for every code, put first', () => {
    for (const code of Object.values(BillingApiErrorCode)) {
      expect(billingErrorBody(new BillingApiError(code, 'detail')).message).toMatch(
        /^[\u3000-\u9fff].* \(detail\)$/,
      );
    }
    for (const code of Object.values(BillingErrorCode)) {
      expect(billingErrorBody(new BillingError(code, 'detail')).message).toMatch(
        /^[\u3000-\u9fff].* \(detail\)$/,
      );
    }
  });

  it("gives the ledger's result problems the same shape as the HTTP layer's, with line or index", () => {
    const error = new BillingError(BillingErrorCode.DEDUCTION_RESULTS_INVALID, 'x', [
      { source: 'line 4', problem: 'no such deduction in this cycle' },
      { source: 'results[2]', problem: 'office number differs' },
    ]);

    expect(billingErrorBody(error).details).toEqual({
      problemCount: 2,
      problems: [
        { source: 'line 4', line: 4, problem: 'no such deduction in this cycle' },
        { source: 'results[2]', index: 2, problem: 'office number differs' },
      ],
    });
  });
});
