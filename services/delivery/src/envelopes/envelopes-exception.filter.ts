import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { DeliveryError, DeliveryErrorCode } from './envelopes.errors';

export function statusOf(code: DeliveryErrorCode): HttpStatus {
  switch (code) {
    case DeliveryErrorCode.REQUEST_INVALID:
    case DeliveryErrorCode.ENVELOPE_ID_INVALID:
      return HttpStatus.BAD_REQUEST;
    case DeliveryErrorCode.ENVELOPE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped delivery error code ${String(unknown)}`);
    }
  }
}

@Catch(DeliveryError)
export class DeliveryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DeliveryExceptionFilter.name);

  catch(error: DeliveryError, host: ArgumentsHost): void {
    const status = statusOf(error.code);
    this.logger.debug({ code: error.code }, 'delivery request refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
