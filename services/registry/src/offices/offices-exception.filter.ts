import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { OfficesError, OfficesErrorCode } from './offices.errors';

export function statusOf(code: OfficesErrorCode): HttpStatus {
  switch (code) {
    case OfficesErrorCode.REQUEST_INVALID:
    case OfficesErrorCode.OFFICE_CERTIFICATE_INVALID:
    case OfficesErrorCode.OFFICE_NUMBER_INVALID:
      return HttpStatus.BAD_REQUEST;
    case OfficesErrorCode.OFFICE_CERTIFICATE_NOT_AUTHENTICATED:
    case OfficesErrorCode.OFFICE_NOT_IN_MASTER:
      return HttpStatus.FORBIDDEN;
    case OfficesErrorCode.OFFICE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped offices error code ${String(unknown)}`);
    }
  }
}

@Catch(OfficesError)
export class OfficesExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OfficesExceptionFilter.name);

  catch(error: OfficesError, host: ArgumentsHost): void {
    this.logger.debug({ code: error.code }, 'directory request refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
    host.switchToHttp().getResponse<Response>().status(statusOf(error.code)).json(body);
  }
}
