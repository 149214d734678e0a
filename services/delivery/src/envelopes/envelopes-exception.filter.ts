import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { DeliveryError, DeliveryErrorCode } from './envelopes.errors';

export function statusOf(code: DeliveryErrorCode): HttpStatus {
  switch (code) {
    case DeliveryErrorCode.REQUEST_INVALID:
    case DeliveryErrorCode.ENVELOPE_ID_INVALID:
    case DeliveryErrorCode.RECEIPT_MALFORMED:
    case DeliveryErrorCode.RECEIPT_INVALID:
      return HttpStatus.BAD_REQUEST;
    case DeliveryErrorCode.RECEIPT_SIGNER_MISMATCH:
    case DeliveryErrorCode.LICENCE_NOT_LIVE:
      return HttpStatus.FORBIDDEN;
    case DeliveryErrorCode.ENVELOPE_NOT_FOUND:
    case DeliveryErrorCode.RECEIPT_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case DeliveryErrorCode.RECEIPT_BEFORE_DOWNLOAD:
    case DeliveryErrorCode.RECEIPT_ALREADY_RECORDED:
      return HttpStatus.CONFLICT;
    case DeliveryErrorCode.RECEIPT_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case DeliveryErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case DeliveryErrorCode.RECEIPT_SIGNATURE_INVALID:
    case DeliveryErrorCode.RECEIPT_SIGNER_UNTRUSTED:
    case DeliveryErrorCode.RECEIPT_ENVELOPE_MISMATCH:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case DeliveryErrorCode.INBOX_STREAMS_EXCEEDED:
      return HttpStatus.TOO_MANY_REQUESTS;
    case DeliveryErrorCode.TRUST_ANCHORS_NOT_CONFIGURED:
    case DeliveryErrorCode.INBOX_STREAMS_UNAVAILABLE:
      return HttpStatus.SERVICE_UNAVAILABLE;
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
