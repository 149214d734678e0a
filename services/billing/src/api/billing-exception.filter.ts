import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { BillingError, BillingErrorCode } from '../ledger/billing.errors';
import { BillingApiError, BillingApiErrorCode } from './billing-api.errors';
import { MAX_LISTED_PROBLEMS } from './dto/deduction-results.dto';

export function statusOfLedgerCode(code: BillingErrorCode): HttpStatus {
  switch (code) {
    case BillingErrorCode.REQUEST_INVALID:
    case BillingErrorCode.REASON_REQUIRED:
    case BillingErrorCode.INVALID_MONTH:
    case BillingErrorCode.INVALID_DATE:
    case BillingErrorCode.INVALID_PAGE:
    case BillingErrorCode.DEDUCTION_RESULTS_INVALID:
      return HttpStatus.BAD_REQUEST;
    case BillingErrorCode.FEE_SCHEDULE_NOT_FOUND:
    case BillingErrorCode.CAMPAIGN_NOT_FOUND:
    case BillingErrorCode.FEE_NOT_FOUND:
    case BillingErrorCode.CYCLE_NOT_FOUND:
    case BillingErrorCode.DEDUCTION_NOT_FOUND:
    case BillingErrorCode.INVOICE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case BillingErrorCode.FEE_SCHEDULE_BACKDATED:
    case BillingErrorCode.FEE_SCHEDULE_DUPLICATE:
    case BillingErrorCode.FEE_SCHEDULE_IN_EFFECT:
    case BillingErrorCode.FEE_NOT_WAIVABLE:
    case BillingErrorCode.CYCLE_MONTH_IN_FUTURE:
    case BillingErrorCode.CYCLE_NOT_ACKNOWLEDGED:
    case BillingErrorCode.CYCLE_CLOSED:
    case BillingErrorCode.DEDUCTION_RESULT_CONFLICT:
      return HttpStatus.CONFLICT;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped billing error code ${String(unknown)}`);
    }
  }
}

export function statusOfApiCode(code: BillingApiErrorCode): HttpStatus {
  switch (code) {
    case BillingApiErrorCode.REQUEST_INVALID:
    case BillingApiErrorCode.INVALID_MONTH:
    case BillingApiErrorCode.INVALID_DATE:
    case BillingApiErrorCode.INVALID_AMOUNT:
    case BillingApiErrorCode.INVALID_DISCOUNT_PERCENT:
    case BillingApiErrorCode.INVALID_PAGE:
    case BillingApiErrorCode.INVALID_PREFECTURE:
    case BillingApiErrorCode.INVALID_OFFICE_NUMBER:
    case BillingApiErrorCode.INVALID_STATE:
    case BillingApiErrorCode.REASON_REQUIRED:
    case BillingApiErrorCode.DEDUCTION_RESULTS_INVALID:
      return HttpStatus.BAD_REQUEST;
    case BillingApiErrorCode.KOKUHOREN_PREFECTURE_MISSING:
      return HttpStatus.FORBIDDEN;
    case BillingApiErrorCode.DEDUCTION_RESULTS_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case BillingApiErrorCode.DEDUCTION_RESULTS_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped billing API error code ${String(unknown)}`);
    }
  }
}

const LINE_SOURCE = /^line (\d+)$/;
const INDEX_SOURCE = /^results\[(\d+)\]$/;

/** one shape for a results batch's problems whichever side found them: {problemCount, problems} */
function resultProblems(details: unknown): unknown {
  if (!Array.isArray(details)) return details;
  const problems = details.map((problem: unknown) => {
    const source = (problem as { source?: unknown }).source;
    const line = typeof source === 'string' ? LINE_SOURCE.exec(source) : null;
    const index = typeof source === 'string' ? INDEX_SOURCE.exec(source) : null;
    return {
      ...(problem as object),
      ...(line ? { line: Number(line[1]) } : {}),
      ...(index ? { index: Number(index[1]) } : {}),
    };
  });
  return { problemCount: problems.length, problems: problems.slice(0, MAX_LISTED_PROBLEMS) };
}

/** the answer's body: the Japanese text first (people read it), then the English detail */
export function billingErrorBody(error: BillingError | BillingApiError): ErrorBody {
  const details =
    error.code === BillingErrorCode.DEDUCTION_RESULTS_INVALID ? resultProblems(error.details) : error.details;
  return {
    code: error.code,
    message: `${error.messageJa} (${error.message})`,
    correlationId: currentCorrelationId(),
    ...(details !== undefined ? { details } : {}),
  };
}

@Catch(BillingError, BillingApiError)
export class BillingExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(BillingExceptionFilter.name);

  catch(error: BillingError | BillingApiError, host: ArgumentsHost): void {
    const status =
      error instanceof BillingError ? statusOfLedgerCode(error.code) : statusOfApiCode(error.code);
    this.logger.debug({ code: error.code }, 'billing request refused');
    const response = host.switchToHttp().getResponse<Response>();
    // a refusal after a CSV export began cannot become a JSON answer any more
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(status).json(billingErrorBody(error));
  }
}
